"""Where each area's name goes on the pack's map, so that no two names cover each other.

Plain geometry on the page's millimetres, no PDF: the map draws what this decides, and a test
can check the decisions without reading a PDF. Each name starts at the point of its area
farthest from the area's edges (the middle of its vertices, used before, can sit on a border
or outside a crescent-shaped ward) and, where it would cover a name already placed, tries
nearby points inside the area, then smaller type. The area the pack is about is placed first.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from surveys.geo import inside

Point = tuple[float, float]
Ring = Sequence[Point]
Polygon = Sequence[Ring]          # an outer ring, then its holes

#: Type sizes (pt) tried in turn: a name that cannot fit at 7 pt is set smaller before it is
#: allowed to overlap.
SIZES = (7.0, 6.0, 5.0)
#: The highlighted area's name, in bold in a white box (every area's, on a map of the areas
#: within a borough).
HIGHLIGHT_SIZES = (8.0, 7.0, 6.0)
#: Clear space (mm) kept between two names.
GAP = 0.4


@dataclass(frozen=True)
class Placed:
    text: str
    x: float            # the box's centre, mm
    y: float
    w: float            # the box, mm
    h: float
    size: float         # type size, pt
    highlighted: bool

    def box(self, gap: float = 0.0) -> tuple[float, float, float, float]:
        return (self.x - self.w / 2 - gap, self.y - self.h / 2 - gap,
                self.x + self.w / 2 + gap, self.y + self.h / 2 + gap)


def _ring_area(ring: Ring) -> float:
    return abs(sum(ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1]
                   for i in range(len(ring)))) / 2


#: Points × edges per numpy step: a boundary at full resolution has tens of thousands of
#: vertices, and all points against all edges at once would take hundreds of megabytes.
CHUNK = 200_000


def _chunks(points: np.ndarray, edges: int):
    step = max(1, CHUNK // max(edges, 1))
    for start in range(0, len(points), step):
        yield points[start:start + step]


def _edge_distance(points: np.ndarray, polygon: Polygon) -> np.ndarray:
    """Each point's distance to the nearest edge of the polygon (any of its rings)."""
    a = np.concatenate([np.asarray(ring, dtype=float) for ring in polygon])
    b = np.concatenate([np.roll(np.asarray(ring, dtype=float), -1, axis=0) for ring in polygon])
    d = b - a                                               # (edges, 2)
    length = np.maximum((d * d).sum(axis=1), 1e-18)
    out = []
    for chunk in _chunks(points, len(a)):
        rel = chunk[:, None, :] - a[None, :, :]             # (points, edges, 2)
        t = np.clip((rel * d[None]).sum(axis=2) / length, 0.0, 1.0)
        gap = rel - t[..., None] * d[None]
        out.append(np.sqrt((gap * gap).sum(axis=2)).min(axis=1))
    return np.concatenate(out) if out else np.zeros(0)


def _inside_all(points: np.ndarray, polygon: Polygon) -> np.ndarray:
    """surveys.geo.inside for many points at once (the same even-odd rule)."""
    result = np.zeros(len(points), dtype=bool)
    for k, ring in enumerate(polygon):
        xy = np.asarray(ring, dtype=float)
        xi, yi = xy[:, 0][None], xy[:, 1][None]
        xj, yj = np.roll(xy[:, 0], 1)[None], np.roll(xy[:, 1], 1)[None]
        odd = []
        for chunk in _chunks(points, len(xy)):
            x, y = chunk[:, :1], chunk[:, 1:]
            with np.errstate(divide="ignore", invalid="ignore"):
                crosses = ((yi > y) != (yj > y)) & (x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            odd.append(crosses.sum(axis=1) % 2 == 1)
        ring_odd = np.concatenate(odd) if odd else np.zeros(0, dtype=bool)
        result = ring_odd if k == 0 else result & ~ring_odd
    return result


def interior_point(polygons: Sequence[Polygon]) -> Point:
    """A point of the largest polygon far from its edges: a grid over its bounding box,
    refined three times around the best point (a coarse pole of inaccessibility, plenty for
    placing a name)."""
    polygon = max(polygons, key=lambda p: _ring_area(p[0]))
    xs, ys = [p[0] for p in polygon[0]], [p[1] for p in polygon[0]]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    best, best_d = (cx, cy), -1.0
    half_w, half_h = (max(xs) - min(xs)) / 2, (max(ys) - min(ys)) / 2
    steps = np.linspace(-1.0, 1.0, 13)
    for _ in range(4):
        grid = np.array([(cx + half_w * i, cy + half_h * j) for i in steps for j in steps])
        grid = grid[_inside_all(grid, polygon)]
        if len(grid):
            distance = _edge_distance(grid, polygon)
            k = int(distance.argmax())
            if distance[k] > best_d:
                best, best_d = (float(grid[k, 0]), float(grid[k, 1])), float(distance[k])
        cx, cy = best
        half_w, half_h = half_w / 4, half_h / 4
    return best


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def box_height(size: float) -> float:
    """The label's box (mm) for a type size (pt): the text's height and a little air."""
    return size * 0.3528 * 1.45


@functools.lru_cache(maxsize=4096)
def _geo_anchor(polygons: tuple) -> Point:
    mid = math.cos(math.radians(sum(p[1] for p in polygons[0][0]) / len(polygons[0][0])))
    x, y = interior_point([[[(lon * mid, lat) for lon, lat in ring] for ring in polygon]
                           for polygon in polygons])
    return x / mid, y


def anchor(polygons: Sequence[Polygon]) -> Point:
    """interior_point of polygons in (longitude, latitude), kept per process: a bulk run draws
    every neighbour on every ward's map, and boundaries seldom change. Distances are reckoned
    with longitude shrunk by the cosine of the latitude, as on the map."""
    return _geo_anchor(tuple(tuple(tuple(ring) for ring in polygon) for polygon in thin(polygons)))


def thin(polygons: Sequence[Polygon]) -> list[list[list[Point]]]:
    """Every ring cut to at most MAX_VERTICES (every n-th vertex): enough to place a name."""
    return [[_thinned(ring) for ring in polygon] for polygon in polygons]


#: Vertices of a ring kept for finding its anchor: a name's place needs no more, and a boundary
#: at full resolution (tens of thousands) would take seconds.
MAX_VERTICES = 1000


def _thinned(ring: Ring) -> list[Point]:
    step = max(1, math.ceil(len(ring) / MAX_VERTICES))
    return [(float(p[0]), float(p[1])) for p in ring[::step]]


def place(names: Sequence[tuple[str, Sequence[Polygon], bool, Point]],
          measure: Callable[[str, float, bool], float]) -> list[Placed]:
    """A box for every ``(name, polygons, highlighted, anchor)``, all in mm on the page (the
    anchor is where the name would go with nothing in the way): ``measure(text, size, bold)``
    gives a text's width in mm. Highlighted names first, then the areas with least room."""
    anchored = []
    for text, polygons, highlighted, point in names:
        room = min((float(_edge_distance(np.array([point]), p)[0]) for p in polygons
                    if inside(*point, p)), default=0.0)
        anchored.append((not highlighted, room, text, polygons, point, highlighted))
    anchored.sort(key=lambda a: (a[0], a[1]))
    placed: list[Placed] = []
    for _order, _room, text, polygons, (ax, ay), highlighted in anchored:
        placed.append(_best_spot(text, polygons, ax, ay, highlighted, placed, measure))
    return placed


def _steps(w: float, h: float) -> list[tuple[float, float]]:
    """Offsets from the anchor, nearest first: up to half the name's width sideways and three
    lines up or down, in sixths of the width and halves of a line (a vertical step counts
    double, since a name moved off its line reads as belonging elsewhere sooner)."""
    grid = [(w * i / 12, h * j / 2) for i in range(-6, 7) for j in range(-6, 7)]
    return sorted(grid, key=lambda d: math.hypot(d[0] / w, 2 * d[1] / w))


def _best_spot(text, polygons, ax, ay, highlighted, placed, measure) -> Placed:
    fallback: tuple[float, Placed] | None = None
    for size in HIGHLIGHT_SIZES if highlighted else SIZES:
        w, h = measure(text, size, highlighted) + 2, box_height(size)
        for dx, dy in _steps(w, h):
            x, y = ax + dx, ay + dy
            if (dx or dy) and not any(inside(x, y, p) for p in polygons):
                continue
            spot = Placed(text, x, y, w, h, size, highlighted)
            clash = sum(_overlap(spot.box(GAP), other.box()) for other in placed)
            if clash == 0:
                return spot
            if fallback is None or clash < fallback[0]:
                fallback = (clash, spot)
    assert fallback is not None     # (0, 0) is always tried
    return fallback[1]
