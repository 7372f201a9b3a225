"""The pack's map names every area where it can be read: no name covers another, each sits in
its own area. Drawn on a real fpdf2 document from the Lewisham ward boundaries; only the calls
that draw names and shapes are recorded on the way through."""
from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from pulse.packs.content import Shape
from pulse.packs.fonts import new_document
from pulse.packs.labels import interior_point, place
from pulse.packs.layout import MARGIN, WIDTH
from pulse.packs.map import draw_map
from surveys.geo import inside

WARDS = json.loads((Path(__file__).parents[2] / "data" / "lewisham_wards_2013.geojson")
                   .read_text(encoding="utf-8"))["features"]


def _shapes(highlight: str | None) -> list[Shape]:
    """Every ward; ``highlight`` the one a ward's pack is about, None for the borough's."""
    return [Shape(f["properties"]["WD13CD"], f["properties"]["WD13NM"], f["geometry"],
                  highlight is None or f["properties"]["WD13NM"] == highlight) for f in WARDS]


def _draw(shapes: list[Shape]):
    """The names (text, box) and the polygons the map draws, in order (its caption is a
    multi_cell, not recorded)."""
    pdf = new_document(title="map", language="en")
    pdf.add_page()
    names, polygons = [], []
    cell, polygon = pdf.cell, pdf.polygon

    def record_cell(w=None, h=None, text="", *args, **kwargs):
        names.append((text, (pdf.get_x(), pdf.get_y(), pdf.get_x() + w, pdf.get_y() + h)))
        return cell(w, h, text, *args, **kwargs)

    def record_polygon(points, *args, **kwargs):
        polygons.append([tuple(p) for p in points])
        return polygon(points, *args, **kwargs)

    pdf.cell, pdf.polygon = record_cell, record_polygon
    draw_map(pdf, shapes, MARGIN, 40, WIDTH, 95, "Lewisham")
    return names, polygons


@pytest.mark.parametrize("highlight", [None, "Bellingham", "Ladywell", "Brockley"])
def test_no_name_on_the_map_covers_another_and_each_is_in_its_area(highlight):
    shapes = _shapes(highlight)
    labels, polygons = _draw(shapes)
    assert sorted(text for text, _box in labels) == sorted(s.name for s in shapes)
    for (a, box_a), (b, box_b) in combinations(labels, 2):
        overlap_w = min(box_a[2], box_b[2]) - max(box_a[0], box_b[0])
        overlap_h = min(box_a[3], box_b[3]) - max(box_a[1], box_b[1])
        assert overlap_w <= 0 or overlap_h <= 0, f"{a!r} covers {b!r}"
    # Polygons are drawn neighbours first, the highlighted area last; every ward here is one.
    drawn = [s for s in shapes if not s.highlighted] + [s for s in shapes if s.highlighted]
    ring_of = {s.name: ring for s, ring in zip(drawn, polygons, strict=True)}
    for text, (x0, y0, x1, y1) in labels:
        assert inside((x0 + x1) / 2, (y0 + y1) / 2, [ring_of[text]]), f"{text!r} is outside"


def _square(x0: float, side: float):
    return [[(x0, 0), (x0 + side, 0), (x0 + side, side), (x0, side)]]


def _width(text: str, size: float, bold: bool) -> float:
    return len(text) * size * 0.18


def _name(text: str, x0: float, side: float):
    return text, [_square(x0, side)], False, interior_point([_square(x0, side)])


def test_a_name_whose_middle_is_taken_moves_within_its_area_before_it_is_set_smaller():
    first, second = place([_name("Alpha ward one", 0, 20), _name("Beta ward two", 20, 20)],
                          _width)
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = first.box(), second.box()
    assert min(ax1, bx1) <= max(ax0, bx0) or min(ay1, by1) <= max(ay0, by0)
    assert first.size == second.size == 7.0
    assert inside(second.x, second.y, _square(20, 20))


def test_with_no_room_anywhere_a_name_is_set_at_the_smallest_size():
    first, second = place([_name("Alpha ward one", 0, 4), _name("Beta ward two", 4, 4)],
                          _width)
    assert first.size == 7.0 and second.size == 5.0
