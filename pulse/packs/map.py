"""The map locating an area: its boundary and its neighbours', drawn as fpdf2 polygons.

Greys and a heavy outline, each area named (where the names go: labels.py), so it reads in
greyscale print; no image library and nothing fetched.
"""
from __future__ import annotations

import math

from fpdf import FPDF

from ..distribution.pdf import FAMILY
from .content import Shape
from .labels import anchor, place, thin
from .layout import GREY, INK, MARGIN, clean, para


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """Each polygon as its rings (outer, then holes) with at least three positions, for placing
    the area's name."""
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[r for r in polygon if len(r) >= 3 and all(len(p) >= 2 for p in r)]
            for polygon in polygons if polygon]


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Every ring of every polygon, for drawing."""
    return [ring for polygon in _polygons(geometry) for ring in polygon]


def draw_map(pdf: FPDF, shapes: list[Shape], x: float, y: float, w: float, h: float,
             area_name: str) -> None:
    """The area (dark, heavy outline, labelled) among its neighbours (light): fpdf2 polygons,
    so it prints in greyscale and needs no image library."""
    rings = [(s, ring) for s in shapes for ring in _rings(s.geometry)
             if len(ring) >= 3 and all(len(p) >= 2 for p in ring)]
    if not rings:
        para(pdf, "No boundary is stored for this area, so no map is drawn.", colour=GREY)
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
    pdf.set_font(FAMILY, "", 7)      # clean() keeps what this font can draw
    names = []
    for shape in shapes:
        # Thinned: a name's place needs no more than a thousand vertices a ring.
        polygons = thin([p for p in _polygons(shape.geometry) if p])
        if polygons:
            names.append((clean(pdf, shape.name),
                          [[[project(p) for p in ring] for ring in polygon] for polygon in polygons],
                          shape.highlighted, project(anchor(polygons))))

    def measure(text: str, size: float, bold: bool) -> float:
        pdf.set_font(FAMILY, "B" if bold else "", size)
        return pdf.get_string_width(text)

    for label in place(names, measure):
        pdf.set_font(FAMILY, "B" if label.highlighted else "", label.size)
        if label.highlighted:
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(label.x - label.w / 2, label.y - label.h / 2, label.w, label.h, style="DF")
        pdf.set_xy(label.x - label.w / 2, label.y - label.h / 2)
        pdf.cell(label.w, label.h, label.text, align="C")
    pdf.set_xy(MARGIN, y + h + 2)
    if all(s.highlighted for s in shapes):
        said = f"Map: {area_name}, drawn as the areas within it, each named."
    else:
        said = (f"Map: {area_name} shaded dark with a heavy outline; neighbouring areas with "
                "the same parent in light grey, each named.")
    para(pdf, said, size=8, colour=GREY)
