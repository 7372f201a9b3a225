"""Suggested priorities on known numbers: ranking, significance and the reason's figures."""
from __future__ import annotations

import pytest

from analysis.priorities import TopicCount, suggest, two_proportion_z


def count(area, topic, severity, x, n, x0, n0, safety=60.0, trust=50.0):
    return TopicCount(area, area.title(), topic, topic.upper(), severity, x, n, x0, n0,
                      safety, trust)


def test_ranked_by_the_stated_formula():
    rows = [count("a", "asb", 0.8, 20, 40, 5, 40),        # 50%, up 37.5 points, significant
            count("a", "litter", 0.3, 20, 40, 18, 40),    # 50%, up 5, not significant
            count("b", "asb", 0.8, 4, 40, 4, 40, safety=30, trust=20)]
    out = suggest(rows)
    assert [(s.area_code, s.topic_code) for s in out] == [("a", "asb"), ("b", "asb"),
                                                          ("a", "litter")]
    top = out[0]
    assert top.significant and top.change == pytest.approx(37.5)
    assert top.score == pytest.approx(round(0.8 * (50 + 2 * 37.5) + 8 + 10, 1))
    # The litter rise is not significant, so it adds nothing.
    assert out[2].score == pytest.approx(0.3 * 50 + 8 + 10)
    assert out[1].score == pytest.approx(0.8 * 10 + 14 + 16)


def test_reason_lists_the_numbers():
    top = suggest([count("a", "asb", 0.8, 20, 40, 5, 40)], period_word="in 2026-Q4")[0]
    assert top.reason.startswith("ASB in A: 20 of 40 comments in 2026-Q4 (50%), up 38 points")
    for piece in ("significant", "severity 0.8", "safety after dark 60", "trust 50",
                  "= 118.0."):
        assert piece in top.reason, piece


def test_too_few_comments_and_unpublished_levels():
    rows = [count("a", "asb", 0.8, 5, 9, 0, 0),
            count("b", "asb", 0.5, 5, 10, 1, 3, safety=None, trust=None)]
    out = suggest(rows)
    assert [s.area_code for s in out] == ["b"]
    assert out[0].change is None and not out[0].significant
    assert "no earlier period" in out[0].reason and "safety after dark not published" in out[0].reason
    assert out[0].score == 25.0


def test_two_proportion_z():
    assert two_proportion_z(20, 40, 5, 40) > 1.96
    assert abs(two_proportion_z(20, 40, 18, 40)) < 1.96
    assert two_proportion_z(1, 0, 1, 10) == 0.0 and two_proportion_z(0, 10, 0, 10) == 0.0


def test_a_raised_minimum_leaves_out_what_topic_shares_hide():
    rows = [count("a", "asb", 0.8, 12, 15, 2, 15), count("b", "asb", 0.8, 12, 25, 2, 25)]
    assert [s.area_code for s in suggest(rows)] == ["a", "b"]
    kept = suggest(rows, minimum=20)
    assert [s.area_code for s in kept] == ["b"]
    assert suggest([count("c", "asb", 0.8, 12, 25, 2, 15)], minimum=20)[0].change is None
    with pytest.raises(ValueError):
        suggest(rows, minimum=5)
