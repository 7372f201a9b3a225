"""Topic shares in plain Python: roll-up to every level, periods, Wilson intervals, suppression."""
from __future__ import annotations

import pytest

from analysis.periods import MONTH, QUARTER, ROLLING12
from analysis.topic_shares import SUPPRESSED_REASON, WITHHELD_REASON, shares

NOV, OCT = 2026 * 12 + 10, 2026 * 12 + 9
PARENTS = {1: None, 2: 1, 3: 1}          # a borough (1) and two wards
TOPICS = ["asb", "litter", "drugs"]


def _by(rows, area, label):
    return {r.topic: r for r in rows if r.area_id == area and r.period.label == label}


def test_share_interval_and_zero_topics():
    rows = shares([(2, NOV, "asb", 12), (2, NOV, "litter", 4)], PARENTS, TOPICS)
    nov = _by(rows, 2, "2026-11")
    assert set(nov) == {"asb", "litter", "drugs"}          # zero included, with an interval
    assert nov["asb"].share == pytest.approx(75.0) and nov["asb"].total == 16
    assert nov["asb"].ci_low < 75 < nov["asb"].ci_high <= 100
    # Wilson: 12 of 16 gives about 50.5 to 89.8.
    assert nov["asb"].ci_low == pytest.approx(50.5, abs=0.2)
    assert nov["asb"].ci_high == pytest.approx(89.8, abs=0.2)
    assert nov["drugs"].share == 0 and nov["drugs"].ci_low == 0 and nov["drugs"].ci_high > 10


def test_fewer_than_ten_comments_is_suppressed():
    rows = shares([(2, OCT, "asb", 3), (2, OCT, "litter", 6), (2, NOV, "asb", 10)],
                  PARENTS, TOPICS)
    oct_ = _by(rows, 2, "2026-10")
    # A row for every topic: which ones it has comments on would be a figure too.
    assert set(oct_) == set(TOPICS)
    for row in oct_.values():
        assert row.suppressed and row.suppressed_reason == "fewer than 10 comments"
        assert (row.count, row.total, row.share, row.ci_low, row.ci_high) == (None,) * 5
    # The quarter holds both months: its 19 comments less November's 10 would be October's
    # 9, so it is withheld whole (tests/analysis/test_topic_share_periods.py).
    q4 = _by(rows, 2, "2026-Q4")
    assert set(q4) == set(TOPICS)
    assert all(r.suppressed and r.suppressed_reason == WITHHELD_REASON and r.count is None
               for r in q4.values())
    # With a raised minimum the reason names it.
    raised = _by(shares([(2, NOV, "asb", 15)], PARENTS, TOPICS, minimum=20), 2, "2026-11")
    assert raised["asb"].suppressed_reason == SUPPRESSED_REASON.format(minimum=20) == \
        "fewer than 20 comments"
    with pytest.raises(ValueError):
        shares([(2, NOV, "asb", 12)], PARENTS, TOPICS, minimum=5)


def test_every_level_and_period_kind():
    rows = shares([(2, NOV, "asb", 6), (3, NOV, "litter", 6)], PARENTS, TOPICS)
    # Each ward alone is under 10; the borough holds both wards' comments.
    assert all(r.suppressed for r in rows if r.area_id in (2, 3))
    borough = _by(rows, 1, "2026-11")
    assert borough["asb"].share == pytest.approx(50.0) and borough["asb"].total == 12
    kinds = {r.period.kind for r in rows if r.area_id == 1}
    assert kinds == {MONTH, QUARTER, ROLLING12}
    assert _by(rows, 1, "R12-2026-11")["litter"].count == 6


def test_no_comments_no_rows_and_a_cycle_does_not_hang():
    assert shares([], PARENTS, TOPICS) == []
    rows = shares([(5, NOV, "asb", 10)], {5: 6, 6: 5}, TOPICS)
    assert {r.area_id for r in rows} == {5, 6}


def test_a_suppressed_ward_cannot_be_worked_out_from_its_borough_and_siblings():
    parents = {1: None, 2: 1, 3: 1, 4: 1}
    rows = shares([(2, NOV, "asb", 5), (3, NOV, "asb", 4), (3, NOV, "litter", 8),
                   (4, NOV, "drugs", 15)], parents, TOPICS)
    borough = _by(rows, 1, "2026-11")
    assert borough["asb"].count == 9 and borough["asb"].total == 32
    assert all(r.suppressed for r in _by(rows, 2, "2026-11").values())
    # Borough minus ward 4 would give ward 2's 5 asb comments if ward 3 were published: the
    # smallest published sibling is withheld too, counts, shares and intervals.
    ward3 = _by(rows, 3, "2026-11")
    assert set(ward3) == set(TOPICS)
    for row in ward3.values():
        assert row.suppressed and row.suppressed_reason == WITHHELD_REASON
        assert (row.count, row.total, row.share, row.ci_low, row.ci_high) == (None,) * 5
    assert not _by(rows, 4, "2026-11")["drugs"].suppressed
    # Two hidden wards cannot be told apart: nothing more is withheld.
    rows = shares([(2, NOV, "asb", 5), (3, NOV, "asb", 4), (4, NOV, "drugs", 15)],
                  parents, TOPICS)
    assert not _by(rows, 4, "2026-11")["drugs"].suppressed


def test_a_withheld_area_is_not_the_sum_of_its_published_children():
    # Force 1 > boroughs 2, 3, 4 > wards; borough 4 (5 comments) is suppressed, so borough 2
    # is withheld, and one of its wards with it: else borough 2 = its wards' sum.
    parents = {1: None, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2, 7: 3, 8: 4}
    rows = shares([(5, NOV, "asb", 12), (6, NOV, "asb", 11), (7, NOV, "asb", 30),
                   (8, NOV, "asb", 5)], parents, TOPICS)
    hidden = {a for a in range(1, 9) if _by(rows, a, "2026-11")["asb"].suppressed}
    assert {2, 4, 8} <= hidden and {1, 3, 7}.isdisjoint(hidden)
    assert len(hidden & {5, 6}) == 1
