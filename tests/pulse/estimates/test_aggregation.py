"""Aggregation through the database: incremental equals full, suppression in every output."""
import csv
import math

import pytest
from sqlalchemy import func, select, update

from tests.pulse.estimates.support import (BOROUGH, WARDS, add_margins, add_responses,
                                           make_tree, table_snapshot)

MONTHS = [(2026, 5), (2026, 6), (2026, 7), (2026, 8)]


@pytest.fixture
def seeded(app):
    with app.app_context():
        make_tree()
        add_margins()
        add_responses(500, MONTHS, seed=1)
    return app


def _aggregate(full=False):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db

    outcome = aggregate(full=full)
    db.session.commit()
    return outcome


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        for u, v in zip(x, y, strict=True):
            if isinstance(u, float) and isinstance(v, float):
                assert math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9), (x, y)
            else:
                assert u == v, (x, y)


def test_incremental_recomputation_equals_a_full_rebuild(seeded):
    from pulse.estimates.operations import mark_dirty
    from pulse.extensions import db
    from pulse.models import DirtyCell, Response

    with seeded.app_context():
        first = _aggregate()
        assert first.mode == "full" and first.rows > 0
        assert db.session.scalar(select(func.count(DirtyCell.id))) == 0
        # New responses in the latest month and in an old one, and two exclusions.
        add_responses(60, [(2026, 8)], seed=2)
        add_responses(15, [(2026, 5)], seed=3, wards=[WARDS[4]])
        excluded = db.session.execute(select(Response.id, Response.area_id,
                                             Response.submitted_at).limit(2)).all()
        db.session.execute(update(Response).where(Response.id.in_([r.id for r in excluded]))
                           .values(excluded=True))
        mark_dirty((r.area_id, r.submitted_at) for r in excluded)
        db.session.commit()
        step = _aggregate()
        assert step.mode == "incremental"
        assert "2026-08" in step.periods and "R12-2026-08" in step.periods
        incremental = table_snapshot()
        assert _aggregate().mode == "nothing"
        _aggregate(full=True)
        _same(incremental, table_snapshot())


def test_published_rows_never_rest_on_fewer_than_ten_answers(seeded, runner, tmp_path):
    with seeded.app_context():
        _aggregate()
    out = tmp_path / "estimates.csv"
    result = runner.invoke(args=["estimates", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["area_code", "period", "measure", "group", "n", "effective_n",
                             "estimate", "ci_low", "ci_high", "suppressed", "change",
                             "change_significant", "modelled_estimate"]
    suppressed = [r for r in rows if r["suppressed"] == "fewer than 10 responses"]
    assert suppressed, "the small ward should produce suppressed cells"
    for r in suppressed:
        assert r["n"] == r["estimate"] == r["ci_low"] == r["modelled_estimate"] == r["change"] == ""
    for r in rows:
        if r["n"]:
            assert int(r["n"]) >= 10
        assert r["change_significant"] in ("", "significant", "no significant change")
    assert any(r["suppressed"] == "count withheld" and r["n"] == "" for r in rows)
    assert {r["period"] for r in rows} >= {"2026-05", "2026-Q2", "2026-Q3", "R12-2026-08"}
    assert any(r["modelled_estimate"] for r in rows if r["area_code"] in WARDS)
    assert not any(r["modelled_estimate"] for r in rows if r["area_code"] == BOROUGH)


def test_export_rejects_a_bad_period(runner, tmp_path):
    result = runner.invoke(args=["estimates", "export", "--out", str(tmp_path / "x.csv"),
                                 "--period", "2026-13"])
    assert result.exit_code != 0 and "2026-Q4" in result.output


def test_aggregate_command_reports_what_it_did(seeded, runner):
    result = runner.invoke(args=["aggregate", "--full"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("full: 500 responses")
    assert runner.invoke(args=["aggregate"]).output.strip() == "estimates are up to date"
    with seeded.app_context():
        add_responses(12, [(2026, 8)], seed=5)
    result = runner.invoke(args=["aggregate"])
    assert result.output.startswith("incremental: 12 responses (12 added to kept month sums)")


def test_a_new_survey_response_marks_its_cell_dirty(app, client, survey_area):
    from pulse.models import DirtyCell
    from tests.support import submit

    assert submit(client, survey_area.ward).status_code in (200, 302, 303)
    with app.app_context():
        from pulse.extensions import db

        assert db.session.scalar(select(func.count(DirtyCell.id))) == 1


def test_thank_you_figures_come_from_stored_weighted_estimates(seeded):
    from datetime import UTC, datetime

    from pulse.extensions import db
    from pulse.models import Area
    from pulse.survey.summary import recent_figures

    with seeded.app_context():
        _aggregate()
        ward = db.session.scalar(select(Area).where(Area.code == WARDS[0]))
        figures = recent_figures(ward, datetime(2026, 9, 1, tzinfo=UTC), 10)
        assert {f.code for f in figures} == {"safe_day", "safe_night", "good_job"}
        assert all(f.weighted for f in figures)
        assert all(f.n is None or f.n >= 10 for f in figures)
        small = db.session.scalar(select(Area).where(Area.code == WARDS[4]))
        assert all(f.n is None or f.n >= 10 for f in recent_figures(small, datetime.now(UTC), 10))


def test_a_small_month_growing_past_ten_publishes_its_quarter_and_years_incrementally(app):
    """Ward 4's July starts with 6 answers, so its quarter and every rolling year holding
    July withhold their counts; 6 more answers arrive, an incremental run follows, and the
    quarter and those years publish their counts - exactly as a full rebuild stores them."""
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    def ward4(period):
        return db.session.execute(
            select(Estimate.n, Estimate.suppressed_reason).join(Area)
            .where(Area.code == WARDS[4], Estimate.period == period,
                   Estimate.measure == "safe_day", Estimate.group_label == "all")).one()

    months = [(2026, 6), (2026, 7), (2026, 8)]
    with app.app_context():
        make_tree()
        add_responses(300, months, seed=11, wards=WARDS[:4])
        add_responses(12, [(2026, 6)], seed=12, wards=[WARDS[4]])
        add_responses(12, [(2026, 8)], seed=13, wards=[WARDS[4]])
        add_responses(6, [(2026, 7)], seed=14, wards=[WARDS[4]])
        _aggregate(full=True)
        for period in ("2026-Q3", "R12-2026-07", "R12-2026-08"):
            n, reason = ward4(period)
            assert n is None and reason.startswith("count withheld"), period
        assert ward4("R12-2026-06")[0] is not None       # June's year holds no July
        add_responses(6, [(2026, 7)], seed=15, wards=[WARDS[4]])
        assert _aggregate().mode == "incremental"
        incremental = table_snapshot()
        for period in ("2026-Q3", "R12-2026-07", "R12-2026-08"):
            n, reason = ward4(period)
            assert n is not None and reason is None, period
        _aggregate(full=True)
        assert table_snapshot() == incremental


def test_a_raised_minimum_reaches_every_stored_row_at_the_next_run(app):
    """Raising PULSE_MIN_RESPONSES from 10 to 20 makes the scheduler's next run (no marks at
    all) a full rebuild: the ward month of 15 answers stored as published is suppressed."""
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    def ward4_june():
        return db.session.execute(
            select(Estimate.n, Estimate.suppressed).join(Area)
            .where(Area.code == WARDS[4], Estimate.period == "2026-06",
                   Estimate.measure == "trust", Estimate.group_label == "all")).one()

    with app.app_context():
        make_tree()
        add_responses(300, [(2026, 6)], seed=21, wards=WARDS[:4])
        add_responses(15, [(2026, 6)], seed=22, wards=[WARDS[4]])
        assert aggregate(full=True).mode == "full"
        db.session.commit()
        n, suppressed = ward4_june()
        assert 10 <= n < 20 and not suppressed
        assert aggregate(minimum=10).mode == "nothing"      # same minimum, nothing marked
        outcome = aggregate(minimum=20)
        db.session.commit()
        assert outcome.mode == "full"
        assert tuple(ward4_june()) == (None, True)
        assert aggregate(minimum=20).mode == "nothing"
