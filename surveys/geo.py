"""Point-in-polygon for GeoJSON boundaries, so "use my location" needs no GIS stack.

Coordinates are GeoJSON order (longitude, latitude). Holes are honoured. The point is used
for the lookup and then forgotten: nothing here stores or logs it.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

Ring = Sequence[Sequence[float]]


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _in_polygon(x: float, y: float, rings: Sequence[Ring]) -> bool:
    if not rings or not _in_ring(x, y, rings[0]):
        return False
    return not any(_in_ring(x, y, hole) for hole in rings[1:])


def inside(x: float, y: float, rings: Sequence[Ring]) -> bool:
    """Whether a point lies in one polygon given as its rings (outer ring, then holes), in any
    plane coordinates (the briefing pack's map uses it on the page's millimetres)."""
    return _in_polygon(x, y, rings)


def contains(geometry: dict, lon: float, lat: float) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon contains the point."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return _in_polygon(lon, lat, coords)
    if kind == "MultiPolygon":
        return any(_in_polygon(lon, lat, poly) for poly in coords)
    return False


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a Polygon or MultiPolygon."""
    kind = geometry.get("type")
    polys = [geometry["coordinates"]] if kind == "Polygon" else geometry.get("coordinates", [])
    xs = [p[0] for poly in polys for ring in poly for p in ring]
    ys = [p[1] for poly in polys for ring in poly for p in ring]
    if not xs:
        raise ValueError("geometry has no coordinates")
    return min(xs), min(ys), max(xs), max(ys)


def _position_problem(point: object) -> str | None:
    if not isinstance(point, list) or len(point) < 2:
        return "a position is not a [longitude, latitude] pair"
    lon, lat = point[0], point[1]
    for value in (lon, lat):
        # NaN and Infinity are valid to Python's JSON reader; an int of 400 digits has no float.
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or (isinstance(value, float) and not math.isfinite(value))):
            return f"a position holds {repr(value)[:40]}, not a finite number"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return (f"position [{str(lon)[:20]}, {str(lat)[:20]}] is not a longitude and latitude: "
                "is the file in another projection (British National Grid, say)? Save it as "
                "WGS 84 (EPSG:4326)")
    return None


def problem(geometry: object) -> str | None:
    """Why ``geometry`` cannot be an area's boundary; None when it can.

    A Polygon or MultiPolygon of rings of at least three [longitude, latitude] positions in
    range. Checked on the way in because :func:`contains` runs on every "use my location":
    a string or an easting stored as a coordinate would break or silently miss every lookup.
    Self-intersecting rings are accepted: the even-odd rule still gives each point one answer.
    """
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "geometry is not a Polygon or MultiPolygon"
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        return "geometry has no coordinates"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "a polygon has no rings"
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 3:
                return "a ring has fewer than three positions"
            for point in ring:
                reason = _position_problem(point)
                if reason:
                    return reason
    return None
