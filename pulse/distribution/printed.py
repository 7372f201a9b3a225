"""Posters and leaflets as PDF: an A4 poster, an A6 leaflet, and A4 sheets of coded leaflets.

Every face is one layout drawn at a scale: an A6 leaflet at 1, an A4 poster at 2. The layout
works in A6 millimetres and multiplies, so the two always match.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from fpdf import FPDF

from surveys.access_codes import grouped

from ..i18n import DATE_LOCALES
from .pdf import FAMILY, new_document, open_fonts, to_bytes
from .qr import qr_png
from .wording import text

A6 = (105.0, 148.0)
A4 = (210.0, 297.0)
PT = 0.3528  # millimetres per point
INK = (29, 53, 87)
GREY = (90, 90, 90)
WHITE = (255, 255, 255)


class LayoutOverflow(ValueError):
    """The words do not fit the page; printing them would overlap the footer."""


@dataclass(frozen=True)
class Material:
    """Everything printed on a face, already in one language; no database objects."""

    language: str
    area_code: str
    area_name: str
    title: str
    url: str               # what the QR code opens
    printed_link: str      # what people type
    closes_on: date | None = None
    asks_for_code: bool = False


def closing_line(material: Material) -> str | None:
    if material.closes_on is None:
        return None
    when = format_date(material.closes_on, format="long",
                       locale=DATE_LOCALES.get(material.language, material.language))
    return text(material.language)["until"].format(date=when)


def _wrapped(pdf: FPDF, words: str, width: float) -> list[str]:
    """Lines of ``words`` in the current font, wrapped to ``width``.

    fpdf2's line breaking measures a line again for every character added, so a run of a
    thousand identical leaflets breaks the same sentences once and reuses the lines.
    """
    cache = pdf.__dict__.setdefault("_pulse_wrapped", {})
    key = (words, width, pdf.font_family, pdf.font_style, pdf.font_size_pt)
    if key not in cache:
        cache[key] = pdf.multi_cell(width, 1, words, align="C", dry_run=True, output="LINES")
    return cache[key]


class _Face:
    """Draws one leaflet face with its top-left corner at (x, y), ``k`` times A6 size."""

    def __init__(self, pdf: FPDF, x: float, y: float, k: float, m: Material) -> None:
        self.pdf, self.x, self.y, self.k, self.m = pdf, x, y, k, m
        self.w = A6[0] * k
        self.margin = 7 * k
        self.t = text(m.language)

    def _set(self, size: float, bold: bool) -> float:
        """Select the font; returns the width text wraps to."""
        self.pdf.set_font(FAMILY, "B" if bold else "", size * self.k)
        return self.w - 2 * self.margin

    def height(self, words: str, size: float, *, bold: bool = False, lead: float = 1.25) -> float:
        width = self._set(size, bold)
        return len(_wrapped(self.pdf, words, width)) * size * self.k * PT * lead

    def para(self, y: float, words: str, size: float, *, bold: bool = False,
             colour: tuple[int, int, int] = (0, 0, 0), lead: float = 1.25) -> float:
        """Centred wrapped text from ``y``; returns where the next block starts."""
        pdf = self.pdf
        width = self._set(size, bold)
        pdf.set_text_color(*colour)
        height = size * self.k * PT * lead
        pdf.set_xy(self.x + self.margin, y)
        for line in _wrapped(pdf, words, width):
            pdf.cell(width, height, line, align="C", new_x="LEFT", new_y="NEXT")
        return pdf.get_y()

    def draw(self, code: str | None = None) -> None:
        pdf, k, m, t = self.pdf, self.k, self.m, self.t
        pdf.set_fill_color(*INK)
        pdf.rect(self.x, self.y, self.w, 13 * k, style="F")
        self.para(self.y + 4.2 * k, m.title, 7.5, bold=True, colour=WHITE)

        # A name too wide for one line at full size gets a smaller size, not a third line.
        width = self._set(15, True)
        name_size = 15 if pdf.get_string_width(m.area_name) <= width else 11
        y = self.para(self.y + 17 * k, m.area_name, name_size, bold=True, colour=INK)
        y = self.para(y + 1.5 * k, t["headline"], 10.5, bold=True)
        y = self.para(y + 1.5 * k, t["ask"], 7)
        y = self.para(y + 1 * k, t["matters"], 7)

        # The QR code takes the room the words leave, down to a size phones still read easily.
        foot = self.y + (A6[1] - 14) * k
        closing = closing_line(m)
        below = (self.height(t["scan"], 7) + self.height(t["or_go"], 6.5)
                 + self.height(m.printed_link, 8.5, bold=True)
                 + (0.5 * k + self.height(closing, 7, bold=True) if closing else 0)
                 + (2 * k + self._code_height() if code is not None else 0))
        side = min(42 * k, foot - 2 * k - below - (y + 2.5 * k))
        if side < 26 * k:
            raise LayoutOverflow(f"the text for {m.area_name[:40]!r} ({m.language}) does not "
                                 "fit on a leaflet; shorten the area's name")
        left = self.x + (self.w - side) / 2
        pdf.image(qr_png(m.url), x=left, y=y + 2 * k, w=side, h=side,
                  alt_text=t["qr_alt"].format(url=m.url), link=m.url)
        y = self.para(y + 2.5 * k + side, t["scan"], 7)
        y = self.para(y, t["or_go"], 6.5, colour=GREY)
        before = y
        y = self.para(y, m.printed_link, 8.5, bold=True, colour=INK)
        pdf.link(self.x + self.margin, before, self.w - 2 * self.margin, y - before, m.url)
        if closing:
            y = self.para(y + 0.5 * k, closing, 7, bold=True)
        if code is not None:
            y = self._code_box(y + 2 * k, code)

        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.2 * k)
        pdf.line(self.x + self.margin, foot - 1.5 * k, self.x + self.w - self.margin,
                 foot - 1.5 * k)
        after = self.para(foot, t["privacy"], 5.5, colour=GREY)
        self.para(after, t["not_999"], 5.5, colour=GREY)

    BOX_W, BOX_H = 62, 9

    def _code_height(self) -> float:
        return (self.height(self.t["code_label"], 6.5, bold=True) + (self.BOX_H + 1.6) * self.k
                + self.height(self.t["code_how"], 6))

    def _code_box(self, y: float, code: str) -> float:
        pdf, k = self.pdf, self.k
        y = self.para(y, self.t["code_label"], 6.5, bold=True)
        box_w, box_h = self.BOX_W * k, self.BOX_H * k
        left = self.x + (self.w - box_w) / 2
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.5 * k)
        pdf.rect(left, y + 0.8 * k, box_w, box_h, style="D", round_corners=True,
                 corner_radius=1.5 * k)
        self.para(y + 2.4 * k, grouped(code), 13, bold=True, colour=INK, lead=1.0)
        return self.para(y + box_h + 1.6 * k, self.t["code_how"], 6)


def _document(m: Material, kind: str, page_format) -> FPDF:
    return new_document(title=f"{m.title} – {m.area_name} ({kind})", language=m.language,
                        page_format=page_format)


def poster(materials: list[Material]) -> bytes:
    """An A4 poster, one page per language."""
    with open_fonts(_document(materials[0], "poster", "A4")) as pdf:
        for m in materials:
            pdf.add_page()
            _Face(pdf, 0, 0, A4[0] / A6[0], m).draw()
        return to_bytes(pdf)


def leaflet(materials: list[Material]) -> bytes:
    """An A6 leaflet, one page per language."""
    with open_fonts(_document(materials[0], "leaflet", A6)) as pdf:
        for m in materials:
            pdf.add_page()
            _Face(pdf, 0, 0, 1.0, m).draw()
        return to_bytes(pdf)


#: Where the four A6 leaflets sit on an A4 sheet (two across, two down).
SHEET_SLOTS = ((0.0, 0.0), (105.0, 0.0), (0.0, 148.5), (105.0, 148.5))


def code_sheets(material: Material, codes: list[str]) -> bytes:
    """A6 leaflets, one code each, four to an A4 sheet with dashed lines to cut along."""
    with open_fonts(_document(material, "single-use codes", "A4")) as pdf:
        for start in range(0, len(codes), len(SHEET_SLOTS)):
            pdf.add_page()
            for (x, y), code in zip(SHEET_SLOTS, codes[start:start + len(SHEET_SLOTS)]):
                _Face(pdf, x, y, 1.0, material).draw(code)
            pdf.set_draw_color(170, 170, 170)
            pdf.set_line_width(0.2)
            with pdf.local_context():
                pdf.set_dash_pattern(dash=2, gap=2)
                pdf.line(105, 0, 105, 297)
                pdf.line(0, 148.5, 210, 148.5)
        return to_bytes(pdf)
