"""The briefing pack's layout in fpdf2: cover and map, headline measures, trends, concerns
with approved quotes, priorities and actions, and the methodology box.

Resident text is printed as plain text only (no markdown, no HTML), so ``**``, ``<b>`` or
``--`` in a comment print as typed; nothing here opens a file or URL named by content. The
only images are our own SVG charts, whose text pulse.charts.svg escapes.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..charts.svg import trend_chart
from ..distribution.pdf import FAMILY, new_document, open_fonts, to_bytes
from .content import Concern, PackContent, Shape

MARGIN = 15.0
WIDTH = 210.0 - 2 * MARGIN
INK = (0, 0, 0)
GREY = (90, 90, 90)
LIGHT = (225, 225, 225)
HEADING = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
_TITLE = re.compile(r"<title[^>]*>.*?</title>", re.S)


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


def _fmt(value: float | None, unit: str = "score") -> str:
    if value is None:
        return "—"
    return f"{value:.0f}%" if unit == "percent" else f"{value:.0f}"


def _heading(pdf: FPDF, text: str, size: float = 15) -> None:
    if pdf.get_y() > 297 - MARGIN - 30:
        pdf.add_page()
    pdf.start_section(text)
    pdf.set_font(FAMILY, "B", size)
    pdf.set_x(MARGIN)
    pdf.multi_cell(WIDTH, size * 0.5, clean(pdf, text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10)


def _para(pdf: FPDF, text: str, size: float = 10, colour=INK, indent: float = 0) -> None:
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(MARGIN + indent)
    pdf.multi_cell(WIDTH - indent, size * 0.5, clean(pdf, text), align="L", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_text_color(*INK)


def _footer(pdf: FPDF, c: PackContent) -> None:
    pdf.set_y(297 - 10)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*GREY)
    pdf.set_x(MARGIN)
    pdf.cell(WIDTH, 4, clean(pdf, f"Briefing pack · {c.area_name} ({c.area_code}) · "
                              f"{c.period} · page {pdf.page_no()} of {{nb}}"), align="C")
    pdf.set_text_color(*INK)


# --- map ---------------------------------------------------------------------------------

def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [list(r) for r in coords]
    if kind == "MultiPolygon":
        return [list(r) for polygon in coords for r in polygon]
    return []


def draw_map(pdf: FPDF, shapes: list[Shape], x: float, y: float, w: float, h: float,
             area_name: str) -> None:
    """The area (dark, heavy outline, labelled) among its neighbours (light): fpdf2 polygons,
    so it prints in greyscale and needs no image library."""
    rings = [(s, ring) for s in shapes for ring in _rings(s.geometry)
             if len(ring) >= 3 and all(len(p) >= 2 for p in ring)]
    if not rings:
        _para(pdf, "No boundary is stored for this area, so no map is drawn.", colour=GREY)
        return
    lats = [p[1] for _, ring in rings for p in ring]
    lat0 = math.radians((min(lats) + max(lats)) / 2)
    xs = [p[0] * math.cos(lat0) for _, ring in rings for p in ring]
    span_x, span_y = (max(xs) - min(xs)) or 1e-9, (max(lats) - min(lats)) or 1e-9
    scale = min(w / span_x, h / span_y)
    off_x, off_y = x + (w - span_x * scale) / 2, y + (h - span_y * scale) / 2
    min_x, max_lat = min(xs), max(lats)

    def project(p) -> tuple[float, float]:
        return (off_x + (p[0] * math.cos(lat0) - min_x) * scale,
                off_y + (max_lat - p[1]) * scale)

    pdf.set_draw_color(*INK)
    for highlighted in (False, True):          # the area last, on top
        for shape, ring in rings:
            if shape.highlighted != highlighted:
                continue
            pdf.set_fill_color(*((70, 70, 70) if highlighted else (235, 235, 235)))
            pdf.set_line_width(0.8 if highlighted else 0.2)
            pdf.polygon([project(p) for p in ring], style="DF")
    pdf.set_line_width(0.2)
    # Labels: every neighbour's name at its centre, the area's in a white box.
    pdf.set_font(FAMILY, "", 7)
    for shape in shapes:
        pts = [project(p) for r in _rings(shape.geometry) for p in r]
        if not pts:
            continue
        cx, cy = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        label = clean(pdf, shape.name)
        tw = pdf.get_string_width(label) + 2
        if shape.highlighted:
            pdf.set_font(FAMILY, "B", 8)
            tw = pdf.get_string_width(label) + 2
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(cx - tw / 2, cy - 2.5, tw, 5, style="DF")
        pdf.set_xy(cx - tw / 2, cy - 2.5)
        pdf.cell(tw, 5, label, align="C")
        pdf.set_font(FAMILY, "", 7)
    pdf.set_xy(MARGIN, y + h + 2)
    _para(pdf, f"Map: {area_name} shaded dark with a heavy outline; neighbouring areas "
               "with the same parent in light grey, each named.", size=8, colour=GREY)


# --- pages -------------------------------------------------------------------------------

def _cover(pdf: FPDF, c: PackContent) -> None:
    pdf.set_y(MARGIN)
    _para(pdf, "Neighbourhood Pulse · briefing pack", size=11, colour=GREY)
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 24)
    pdf.set_x(MARGIN)
    pdf.multi_cell(WIDTH, 11, clean(pdf, c.area_name), new_x="LMARGIN", new_y="NEXT")
    where = f"{c.area_level} {c.area_code}" + (f", in {c.parent_name}" if c.parent_name else "")
    _para(pdf, where, size=11)
    pdf.ln(2)
    _para(pdf, f"Period: {c.period_words}", size=13)
    pdf.ln(1)
    _para(pdf, f"Generated by {c.generated_by} on "
               f"{c.generated_at.strftime('%d %B %Y at %H:%M UTC')}", size=9, colour=GREY)
    pdf.ln(4)
    top = pdf.get_y()
    draw_map(pdf, c.shapes, MARGIN, top, WIDTH, 95, c.area_name)
    pdf.ln(3)
    _heading(pdf, "Key points", 13)
    significant = [h for h in c.headlines if h.significant and h.change is not None]
    if significant:
        for h in significant:
            _para(pdf, f"• {h.label}: {h.words}.", indent=2)
    elif any(h.estimate is not None for h in c.headlines):
        _para(pdf, "No measure changed significantly since the period before.")
    if c.concerns:
        top_concern = c.concerns[0]
        _para(pdf, f"• Most-mentioned concern: {top_concern.label} "
                   f"({top_concern.share:.0f}% of comments).", indent=2)
    if c.responses is not None:
        _para(pdf, f"• Based on {c.responses} responses (safety and trust questions).", indent=2)
    else:
        _para(pdf, f"• Fewer than {c.minimum} responses, or a withheld count: figures for "
                   "this area and period are not published.", indent=2)


def _headlines(pdf: FPDF, c: PackContent) -> None:
    _heading(pdf, "Headline measures")
    if not c.headlines:
        _para(pdf, "No estimates are stored for this area and period.")
        return
    _para(pdf, "Scores out of 100 (or % positive) with their 95% confidence interval, the "
               "number of responses and the modelled estimate. A change is named only when "
               "it is statistically significant.", size=9, colour=GREY)
    pdf.ln(1)
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(col_widths=(42, 17, 24, 21, 20, 56), text_align=(
            "LEFT", "RIGHT", "CENTER", "RIGHT", "RIGHT", "LEFT"), headings_style=HEADING,
            line_height=4.6, width=WIDTH) as table:
        table.row(("Measure", "Estimate", "95% interval", "Responses", "Modelled", "Change"))
        for h in c.headlines:
            if h.estimate is None:
                why = ("fewer than 10 responses" if h.suppressed else "no estimate")
                table.row((clean(pdf, h.label), "—", "—", "—", "—", why))
                continue
            interval = (f"{_fmt(h.ci_low, h.unit)}–{_fmt(h.ci_high, h.unit)}"
                        if h.ci_low is not None else "—")
            table.row((clean(pdf, h.label), _fmt(h.estimate, h.unit), interval,
                       "withheld" if h.n is None else str(h.n), _fmt(h.modelled, h.unit),
                       h.words))
    pdf.ln(3)


def _trends(pdf: FPDF, c: PackContent) -> None:
    pdf.add_page()
    _heading(pdf, "Trends")
    if not c.trends:
        _para(pdf, "No series of estimates to chart yet.")
        return
    _para(pdf, "Solid line: direct estimate, shaded band: its 95% interval; dashed: modelled "
               "estimate; dotted: the parent area. A gap is a period with too few responses "
               "to publish.", size=9, colour=GREY)
    labels = {h.measure: h.label for h in c.headlines}
    for measure, points in c.trends:
        title = f"{labels.get(measure, measure)} in {c.area_name}"
        svg = trend_chart(points, title=title, chart_id=f"c-{measure}", height=210)
        # fpdf2 renders SVG text with the embedded font named here; <title> it cannot use
        # (the alternative text is given to image() instead).
        svg = _TITLE.sub("", svg).replace("<svg ", f'<svg font-family="{FAMILY}" ', 1)
        if pdf.get_y() > 297 - MARGIN - 70:
            pdf.add_page()
        pdf.set_font(FAMILY, "B", 10)
        pdf.set_x(MARGIN)
        pdf.cell(WIDTH, 6, clean(pdf, labels.get(measure, measure)), new_x="LMARGIN",
                 new_y="NEXT")
        # SVG text without a fill of its own takes the document's fill colour (white after
        # the map's labels): set it to black.
        pdf.set_fill_color(*INK)
        pdf.image(io.BytesIO(svg.encode()), x=MARGIN, w=WIDTH, alt_text=clean(pdf, title))
        pdf.ln(1)


def _concern(pdf: FPDF, c: PackContent, concern: Concern) -> None:
    if pdf.get_y() > 297 - MARGIN - 45:
        pdf.add_page()
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_x(MARGIN)
    pdf.multi_cell(WIDTH, 5.5, clean(pdf, f"{concern.label}: {concern.share:.0f}% of comments"),
                   new_x="LMARGIN", new_y="NEXT")
    before = ("" if concern.previous is None
              else f" (the period before: {concern.previous:.0f}%)")
    _para(pdf, f"{concern.words}{before}.", size=9)
    shown = [(m, s) for m, s in concern.monthly]
    if shown:
        trend = ", ".join(f"{m} {'<' + str(c.minimum) + ' comments' if s is None else f'{s:.0f}%'}"
                          for m, s in shown[-6:])
        _para(pdf, f"By month: {trend}", size=8, colour=GREY)
    pdf.ln(1)
    if not concern.quotes:
        _para(pdf, "No quotes approved for publication on this topic yet.", size=9, colour=GREY,
              indent=4)
    for text, month in concern.quotes:
        # Plain text: a resident's words print exactly as written (no markup is read).
        _para(pdf, f"“{text}” ({month})", size=9, indent=4)
        pdf.ln(1)
    pdf.ln(2)


def _concerns(pdf: FPDF, c: PackContent) -> None:
    pdf.add_page()
    _heading(pdf, "Top concerns")
    if c.comments_total is None:
        _para(pdf, f"Fewer than {c.minimum} classified comments in this period: no topic "
                   "shares are published.")
        return
    _para(pdf, f"Shares of the {c.comments_total} classified comments in {c.period}, with "
               "quotes an officer or analyst approved for publication (redacted; comments "
               "flagged for safeguarding are never quoted).", size=9, colour=GREY)
    pdf.ln(2)
    for concern in c.concerns:
        _concern(pdf, c, concern)


def _priorities(pdf: FPDF, c: PackContent) -> None:
    _heading(pdf, "Suggested priorities")
    if not c.suggestions:
        _para(pdf, "No open suggestions for this period (too few comments, or every "
                   "suggestion has been decided).", colour=GREY)
    for topic, area, score, reason in c.suggestions:
        _para(pdf, f"• {topic} in {area} (score {score:.1f})", size=10, indent=2)
        _para(pdf, reason, size=8, colour=GREY, indent=6)
        pdf.ln(1)
    pdf.ln(2)
    _heading(pdf, "Actions")
    if not c.actions:
        _para(pdf, "No actions recorded.", colour=GREY)
        return
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(col_widths=(80, 45, 25, 30), headings_style=HEADING, line_height=4.6,
                   width=WIDTH) as table:
        table.row(("Action", "Owner", "Status", "Due"))
        for row in c.actions:
            table.row(tuple(clean(pdf, v) for v in row))
    pdf.ln(3)


def _methodology(pdf: FPDF, c: PackContent) -> None:
    lines = [
        "Weighting: " + ("responses are weighted (raking) to the area's population margins, "
                         "so groups that answer less count for their share; weights are "
                         "capped at five times the mean."
                         if c.weighted else "this area has no population margins, so its "
                         "responses are not weighted."),
        f"Suppression: no figure is published from fewer than {c.minimum} responses, and a "
        "count that would let a smaller group be worked out is withheld. Topic shares need "
        f"{c.minimum} classified comments.",
        "Modelled estimates (empirical Bayes) borrow strength from similar areas; they are "
        "steadier where few people answered, and are not a count of this area's answers.",
        "Changes are two-sample tests against the period before (a rolling year against the "
        "twelve months before it); 'no significant change' means the difference could be "
        "chance.",
        "Responses: " + (f"{c.responses} answered the trust questions in {c.period}."
                         if c.responses is not None else
                         f"fewer than {c.minimum}, or withheld, in {c.period}."),
        "Quotes are redacted comments approved for publication by an officer or analyst.",
    ]
    pdf.set_font(FAMILY, "", 8.5)
    height = sum(pdf.multi_cell(WIDTH - 8, 4.2, clean(pdf, t), align="L", dry_run=True,
                                output="LINES").__len__() * 4.2 + 1.5 for t in lines) + 12
    if pdf.get_y() + height > 297 - MARGIN:
        pdf.add_page()
    pdf.start_section("Methodology and caveats")
    top = pdf.get_y()
    pdf.set_line_width(0.4)
    pdf.rect(MARGIN, top, WIDTH, height)
    pdf.set_xy(MARGIN + 4, top + 3)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(WIDTH - 8, 5, "Methodology and caveats", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8.5)
    for text in lines:
        pdf.set_x(MARGIN + 4)
        pdf.multi_cell(WIDTH - 8, 4.2, clean(pdf, text), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(1.5)
    pdf.set_y(top + height + 2)


def render(c: PackContent) -> tuple[bytes, int]:
    """The pack as PDF bytes, and its number of pages."""
    pdf = new_document(title=f"Briefing pack: {c.area_name}, {c.period}", language="en-GB")
    with open_fonts(pdf):
        pdf.set_author("Neighbourhood Pulse")
        pdf.set_subject(f"{c.area_name} ({c.area_code}), {c.period_words}")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.footer = lambda: _footer(pdf, c)      # fpdf2 calls it as each page closes
        pdf.add_page()
        _cover(pdf, c)
        pdf.add_page()
        _headlines(pdf, c)
        _methodology(pdf, c)
        _trends(pdf, c)
        _concerns(pdf, c)
        _priorities(pdf, c)
        pages = pdf.pages_count
        return to_bytes(pdf), pages
