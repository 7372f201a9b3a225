"""Integrity flags and point-in-polygon."""
from __future__ import annotations

from surveys import geo
from surveys.core import CORE
from surveys.integrity import (HONEYPOT, NO_TIMING, STRAIGHTLINED, TOO_FAST, hash_token,
                               quality_flags)
from surveys.validation import validate_submission
from tests.support import GOOD_ANSWERS


def answers(**overrides):
    return validate_submission(CORE, {**GOOD_ANSWERS, **overrides}).answers.values()


def test_ordinary_response_has_no_flags():
    assert quality_flags(CORE, honeypot="", elapsed_seconds=60, answers=answers()) == []


def test_flags():
    assert quality_flags(CORE, honeypot="http://spam", elapsed_seconds=60,
                         answers=answers()) == [HONEYPOT]
    assert quality_flags(CORE, honeypot="", elapsed_seconds=3, answers=answers()) == [TOO_FAST]
    assert quality_flags(CORE, honeypot="", elapsed_seconds=None, answers=answers()) == [NO_TIMING]
    flat = {c: "0" for c in ("safe_day", "safe_night", "respect", "listen", "fair")}
    assert quality_flags(CORE, honeypot="", elapsed_seconds=60,
                         answers=answers(**flat)) == [STRAIGHTLINED]
    # The same middling answer everywhere is a plausible opinion, not a flag.
    middling = {c: "5" for c in flat}
    assert quality_flags(CORE, honeypot="", elapsed_seconds=60, answers=answers(**middling)) == []


def test_token_hash_is_keyed_and_stable():
    assert hash_token("k1", "abc") == hash_token("k1", "abc")
    assert hash_token("k1", "abc") != hash_token("k2", "abc")
    assert "abc" not in hash_token("k1", "abc") and len(hash_token("k1", "abc")) == 64


SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
]}


def test_point_in_polygon_with_hole():
    assert geo.contains(SQUARE_WITH_HOLE, 1, 1)
    assert not geo.contains(SQUARE_WITH_HOLE, 5, 5)  # in the hole
    assert not geo.contains(SQUARE_WITH_HOLE, 11, 5)
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE_WITH_HOLE["coordinates"],
                                                     [[[20, 20], [30, 20], [30, 30], [20, 20]]]]}
    assert geo.contains(multi, 25, 22) and not geo.contains(multi, 25, 28)
    assert not geo.contains({"type": "Point", "coordinates": [1, 1]}, 1, 1)
    assert geo.bbox(SQUARE_WITH_HOLE) == (0, 0, 10, 10)


def test_a_boundary_must_be_rings_of_longitude_latitude_numbers():
    assert geo.problem(SQUARE_WITH_HOLE) is None
    three_d = {"type": "Polygon", "coordinates": [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]]}
    assert geo.problem(three_d) is None  # GeoJSON allows an altitude; it is ignored
    cases = {
        "not a Polygon": {"type": "Point", "coordinates": [0, 0]},
        "no coordinates": {"type": "MultiPolygon", "coordinates": []},
        "no rings": {"type": "Polygon", "coordinates": "abc"},
        "fewer than three": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
        "not a [longitude, latitude] pair": {"type": "Polygon",
                                             "coordinates": [[[0], [1], [2]]]},
        "holds 'a'": {"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1]]]},
        "holds True": {"type": "Polygon", "coordinates": [[[True, 0], [1, 0], [1, 1]]]},
        "holds inf": {"type": "Polygon", "coordinates": [[[float("inf"), 0], [1, 0], [1, 1]]]},
        "another projection": {"type": "Polygon",
                               "coordinates": [[[10 ** 400, 0], [1, 0], [1, 1]]]},
    }
    for reason, geometry in cases.items():
        assert reason in (geo.problem(geometry) or ""), reason
    assert geo.problem(None) and geo.problem([1])
