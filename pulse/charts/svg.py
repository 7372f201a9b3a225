"""Server-side SVG: a choropleth map from GeoJSON boundaries and trend charts with bands.

Plain Python, no Flask: callers pass plain data and get an SVG string in which every piece of
text is escaped. No scripts and no style attributes, so the pages keep a strict CSP; colours
are presentation attributes, which print as drawn.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from analysis.suppression import FLOOR, PRIMARY, REASONS

#: Viridis in five steps: ordered in lightness, readable with the common colour-vision types
#: and in greyscale print.
CLASS_COLOURS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
NO_DATA = "#ffffff"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


# --- map -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    geometry: dict | None
    value: float | None          # None: suppressed or no estimate
    suppressed: bool = False
    href: str | None = None


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    return []


def class_breaks(values: Sequence[float], classes: int = len(CLASS_COLOURS)) -> list[float]:
    """Equal-interval breaks over the values shown (upper bounds of each class but the last)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high - low < 1e-9:
        return []
    step = (high - low) / classes
    return [low + step * i for i in range(1, classes)]


def class_of(value: float, breaks: Sequence[float]) -> int:
    for i, bound in enumerate(breaks):
        if value < bound:
            return i
    return len(breaks)


def project_paths(shapes: Sequence[tuple[str, dict]], *, width: int = 640,
                  height: int = 480) -> dict[str, str]:
    """Code -> SVG path data for each shape, all projected together into one frame.

    This is the costly part of a map (every boundary point), and it depends only on the
    shapes: callers may keep the result for a set of areas and draw many maps from it.
    """
    rings_by_code = [(code, _rings(geometry)) for code, geometry in shapes if geometry]
    points = [pt for _, rings in rings_by_code for ring in rings for pt in ring]
    if not points:
        return {}
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lat0 = math.radians((min(lats) + max(lats)) / 2)
    cos0 = math.cos(lat0)
    # Equirectangular with the longitude squeezed by cos(latitude): true shapes at city scale.
    xs = [lon * cos0 for lon in lons]
    span_x, span_y = (max(xs) - min(xs)) or 1e-9, (max(lats) - min(lats)) or 1e-9
    pad = 10
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    off_x = pad + ((width - 2 * pad) - span_x * scale) / 2
    off_y = pad + ((height - 2 * pad) - span_y * scale) / 2
    min_x, max_lat = min(xs), max(lats)

    def project(lon: float, lat: float) -> str:
        x = off_x + (lon * cos0 - min_x) * scale
        y = off_y + (max_lat - lat) * scale
        return f"{x:.1f},{y:.1f}"

    return {code: " ".join("M" + " L".join(project(p[0], p[1]) for p in ring) + " Z"
                           for ring in rings if ring)
            for code, rings in rings_by_code if rings}


def choropleth(areas: Sequence[MapArea], *, title: str, unit_label: str,
               width: int = 640, height: int = 480,
               paths: Mapping[str, str] | None = None, minimum: int = FLOOR) -> str:
    """An SVG map: areas coloured by class, suppressed ones hatched, a legend below.

    ``paths`` (from :func:`project_paths`, code -> path data) saves projecting the boundaries
    again; without it the areas' own geometries are projected here. ``minimum`` is the number
    of responses a suppressed area fell short of (the caller's PULSE_MIN_RESPONSES).
    """
    fewer = REASONS[PRIMARY].format(minimum=minimum)
    if paths is None:
        paths = project_paths([(a.code, a.geometry) for a in areas if a.geometry],
                              width=width, height=height)
    drawn = [(a, paths[a.code]) for a in areas if paths.get(a.code)]
    legend_h = 40 + 22 * (len(CLASS_COLOURS) + 2)
    total_h = height + legend_h
    pad = 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_h}" '
           # A group, not an image: each area in it is a link to its page (an image may
           # hold nothing focusable, WCAG 4.1.2).
           f'class="map" role="group" aria-labelledby="map-title">',
           f'<title id="map-title">{_e(title)}</title>',
           '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#d9d9d9"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#6b6b6b" stroke-width="2"/></pattern></defs>']
    if not drawn:
        out.append(f'<text x="10" y="30">{_e("No boundaries to draw.")}</text></svg>')
        return "".join(out)
    values = [a.value for a, _ in drawn if a.value is not None]
    breaks = class_breaks(values)
    for area, d in drawn:
        if area.suppressed:
            fill, said = "url(#hatch)", fewer
        elif area.value is None:
            fill, said = NO_DATA, "no estimate"
        else:
            fill = CLASS_COLOURS[class_of(area.value, breaks)] if breaks else CLASS_COLOURS[2]
            said = f"{area.value:.0f} {unit_label}"
        path = (f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="#0b0c0c" '
                f'stroke-width="0.8"><title>{_e(area.name)} ({_e(area.code)}): {_e(said)}'
                f'</title></path>')
        if area.href:
            path = f'<a href="{_e(area.href)}">{path}</a>'
        out.append(path)
    # Legend.
    y = height + 20
    out.append(f'<text x="{pad}" y="{y}" font-size="14" font-weight="bold">'
               f'{_e(unit_label)}</text>')
    bounds = ([min(values)] + list(breaks) + [max(values)]) if breaks else []
    entries = []
    if bounds:
        for i, colour in enumerate(CLASS_COLOURS):
            entries.append((colour, f"{bounds[i]:.0f} to {bounds[i + 1]:.0f}"))
    elif values:
        entries.append((CLASS_COLOURS[2], f"{values[0]:.0f}"))
    entries += [("url(#hatch)", f"{fewer} (suppressed)"),
                (NO_DATA, "no estimate")]
    for colour, label in entries:
        y += 22
        out.append(f'<rect x="{pad}" y="{y - 14}" width="28" height="16" fill="{colour}" '
                   f'stroke="#0b0c0c"/><text x="{pad + 36}" y="{y}" font-size="14">'
                   f'{_e(label)}</text>')
    out.append("</svg>")
    return "".join(out)


# --- trend chart ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TrendPoint:
    label: str                    # period label
    estimate: float | None        # None: suppressed or missing
    ci_low: float | None = None
    ci_high: float | None = None
    modelled: float | None = None
    parent: float | None = None


def _segments(xy: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points; a gap (suppressed period) breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in xy:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [r for r in runs if r]


def trend_chart(points: Sequence[TrendPoint], *, title: str, chart_id: str,
                y_max: float = 100.0, width: int = 640, height: int = 240,
                estimate_label: str = "direct estimate", key_all: bool = True) -> str:
    """Direct estimate (solid, 95% band shaded), modelled estimate (dashed) and parent (dotted).

    ``key_all=False`` keys only the estimate and its band (a series with no modelled or
    parent line, such as a topic's share of comments).
    """
    left, right, top, bottom = 40, 10, 10, 50
    inner_w, inner_h = width - left - right, height - top - bottom
    n = len(points)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'class="chart" role="img" aria-labelledby="{_e(chart_id)}-t">',
           f'<title id="{_e(chart_id)}-t">{_e(title)}</title>']

    def x_at(i: int) -> float:
        return left + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y_at(v: float) -> float:
        return top + inner_h * (1 - max(0.0, min(v, y_max)) / y_max)

    for tick in range(0, int(y_max) + 1, int(y_max // 4) or 1):
        y = y_at(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                   f'stroke="#d0d4d8"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                   f'text-anchor="end">{tick}</text>')
    step = max(1, math.ceil(n / 8))
    for i in range(0, n, step):
        out.append(f'<text x="{x_at(i):.1f}" y="{height - bottom + 16}" font-size="11" '
                   f'text-anchor="middle">{_e(points[i].label)}</text>')
    # Band: one polygon per unbroken run.
    band = [(i, p) if p.estimate is not None and p.ci_low is not None and p.ci_high is not None
            else None for i, p in enumerate(points)]
    run: list[tuple[int, TrendPoint]] = []
    for item in band + [None]:
        if item is not None:
            run.append(item)
            continue
        if run:
            upper = [f"{x_at(i):.1f},{y_at(p.ci_high):.1f}" for i, p in run]
            lower = [f"{x_at(i):.1f},{y_at(p.ci_low):.1f}" for i, p in reversed(run)]
            if len(run) == 1:
                i, p = run[0]
                out.append(f'<line x1="{x_at(i):.1f}" y1="{y_at(p.ci_low):.1f}" '
                           f'x2="{x_at(i):.1f}" y2="{y_at(p.ci_high):.1f}" stroke="#9ecae1" '
                           f'stroke-width="6"/>')
            else:
                out.append(f'<polygon points="{" ".join(upper + lower)}" fill="#c6dbef" '
                           f'stroke="none"/>')
            run = []
    lines = (("estimate", "#08519c", "", 2.5), ("modelled", "#b35806", "6 4", 2),
             ("parent", "#4d4d4d", "2 3", 1.5))
    for attr, colour, dash, stroke in lines:
        xy = [None if getattr(p, attr) is None else (x_at(i), y_at(getattr(p, attr)))
              for i, p in enumerate(points)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in _segments(xy):
            if len(seg) == 1:
                out.append(f'<circle cx="{seg[0][0]:.1f}" cy="{seg[0][1]:.1f}" r="3" '
                           f'fill="{colour}"/>')
            else:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
                out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                           f'stroke-width="{stroke}"{dash_attr}/>')
    # Key.
    y = height - 14
    x = left
    key = (((estimate_label, "#08519c", ""), ("95% interval", "#c6dbef", ""),
            ("modelled (empirical Bayes)", "#b35806", "6 4"), ("parent area", "#4d4d4d", "2 3")))
    for label, colour, dash in key if key_all else key[:2]:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        width_attr = 8 if label == "95% interval" else 2.5
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" stroke="{colour}" '
                   f'stroke-width="{width_attr}"{dash_attr}/><text x="{x + 28}" y="{y}" '
                   f'font-size="11">{_e(label)}</text>')
        x += 40 + 7 * len(label)
    out.append("</svg>")
    return "".join(out)
