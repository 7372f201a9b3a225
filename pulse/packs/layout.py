"""Shared pieces of the pack layout: page geometry, greys, and plain-text paragraphs.

Resident text is only ever printed through these as plain text (no markdown, no HTML).
"""
from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..distribution.pdf import FAMILY

MARGIN = 15.0
WIDTH = 210.0 - 2 * MARGIN
INK = (0, 0, 0)
GREY = (90, 90, 90)
HEADING = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def clean(pdf: FPDF, text: object) -> str:
    """Text the embedded font can draw: control and bidi-override characters dropped,
    characters without a glyph shown as '?' (fpdf2 would silently drop them)."""
    cmap = getattr(pdf.current_font, "cmap", None) or {}
    out = []
    for ch in str(text):
        if ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        elif cmap and ord(ch) not in cmap:
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def heading(pdf: FPDF, text: str, size: float = 15) -> None:
    if pdf.get_y() > 297 - MARGIN - 30:
        pdf.add_page()
    pdf.start_section(text)
    pdf.set_font(FAMILY, "B", size)
    pdf.set_x(MARGIN)
    pdf.multi_cell(WIDTH, size * 0.5, clean(pdf, text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10)


def para(pdf: FPDF, text: str, size: float = 10, colour=INK, indent: float = 0) -> None:
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(MARGIN + indent)
    pdf.multi_cell(WIDTH - indent, size * 0.5, clean(pdf, text), align="L", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_text_color(*INK)
