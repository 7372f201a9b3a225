"""The fast paths store exactly what the plain reference path computes.

Reference: load the responses, compute every period in memory and turn each row into a
Python tuple (``store.rows_of``). Fast path: what ``aggregate`` leaves in the estimate table
(staged binary COPY / executemany and one INSERT ... SELECT, keys rebuilt on PostgreSQL).
Values are compared exactly, not within a tolerance.
"""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text, update

from tests.pulse.estimates.support import WARDS, add_margins, add_responses, make_tree

MONTHS = [(2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)]
NOW = datetime(2026, 4, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def seeded(app):
    with app.app_context():
        make_tree()
        add_margins()
        add_responses(700, MONTHS, seed=11)
    return app


def _stored() -> list[tuple]:
    from pulse.extensions import db
    from pulse.models import Estimate
    from pulse.estimates.store import COLUMNS

    rows = db.session.execute(select(*(getattr(Estimate, c) for c in COLUMNS))).all()
    return sorted((tuple(r[:-1]) + (r[-1].replace(tzinfo=None),) for r in rows),
                  key=_key)


def _reference() -> list[tuple]:
    from analysis.aggregate import Prepared, compute_all
    from analysis.periods import all_periods
    from pulse.estimates.loading import data_months, load_context, load_responses
    from pulse.estimates.store import rows_of

    ctx = load_context()
    tables = compute_all(Prepared(load_responses(ctx), ctx.tree, ctx.measures),
                         all_periods(*data_months()), ctx.targets, 10)
    return sorted((row for t in tables for row in rows_of(t, ctx, NOW)), key=_key)


def _key(row):
    return row[0], row[1], row[4], row[5]


def _aggregate(full=False):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db

    outcome = aggregate(full=full, now=NOW)
    db.session.commit()
    return outcome


def test_a_full_rebuild_stores_exactly_the_reference_rows(seeded):
    from pulse.extensions import db

    with seeded.app_context():
        _aggregate(full=True)
        stored, reference = _stored(), _reference()
        assert len(stored) == len(reference) > 1000
        assert stored == reference
        # Suppressed and withheld cells went through the NULL handling of the bulk path.
        assert any(r[13] and r[7] is None and r[9] is None for r in stored)
        assert any(r[14] and not r[13] and r[7] is None and r[9] is not None for r in stored)
        assert any(r[17] is True for r in stored) and any(r[17] is False for r in stored)
        # A second rebuild replaces every row (keys were dropped and rebuilt on PostgreSQL).
        _aggregate(full=True)
        assert _stored() == reference
        if db.engine.dialect.name == "postgresql":
            # The table keeps the free space per page that updates in place rely on
            # (migration 0014) through the truncate and the rebuilt keys.
            options = db.session.scalar(text(
                "SELECT reloptions FROM pg_class WHERE oid = 'estimate'::regclass"))
            assert options == ["fillfactor=50"]


def test_incremental_runs_store_exactly_the_reference_rows(seeded):
    from pulse.estimates.operations import mark_dirty
    from pulse.extensions import db
    from pulse.models import Response

    with seeded.app_context():
        _aggregate(full=True)
        add_responses(80, [(2026, 3)], seed=12)
        add_responses(20, [(2025, 12)], seed=13, wards=[WARDS[2]])
        gone = db.session.execute(select(Response.id, Response.area_id, Response.submitted_at)
                                  .order_by(Response.id).limit(3)).all()
        db.session.execute(update(Response).where(Response.id.in_([g.id for g in gone]))
                           .values(excluded=True))
        mark_dirty((g.area_id, g.submitted_at) for g in gone)
        db.session.commit()
        assert _aggregate().mode == "incremental"
        assert _stored() == _reference()


def _responses_in(months) -> int:
    from pulse.extensions import db
    from pulse.models import Response

    total = 0
    for year, month in months:
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        total += db.session.scalar(select(func.count(Response.id)).where(
            Response.excluded.is_(False), Response.submitted_at >= start,
            Response.submitted_at < end))
    return total


def test_an_incremental_run_reads_only_the_added_responses_and_kept_sums(seeded):
    from pulse.extensions import db
    from pulse.models import MonthStats

    with seeded.app_context():
        _aggregate(full=True)
        # Every month of every period, the empty ones before the first response included.
        assert db.session.scalar(select(func.count(MonthStats.month))) >= len(MONTHS)
        for seed in (14, 16):
            add_responses(30, [(2026, 3)], seed=seed)
            step = _aggregate()
            # Only the added responses are read; March's other responses and the rolling
            # year's other four months come from the kept sums, March's with them added.
            assert (step.responses, step.added) == (30, 30)
            assert "R12-2026-03" in step.periods
            assert _stored() == _reference()
        # A full count of March now gives the sums the additions left.
        kept = db.session.scalar(select(MonthStats.data).where(MonthStats.month == 2026 * 12 + 2))
        _aggregate(full=True)
        assert db.session.scalar(
            select(MonthStats.data).where(MonthStats.month == 2026 * 12 + 2)) == kept


def _exclude_one_in_march() -> None:
    """Exclude one March response, as a reviewer would (its cell marked, not the response)."""
    from pulse.estimates.operations import mark_dirty
    from pulse.extensions import db
    from pulse.models import Response

    gone = db.session.execute(select(Response.id, Response.area_id, Response.submitted_at)
                              .where(Response.submitted_at >= datetime(2026, 3, 1, tzinfo=UTC))
                              .order_by(Response.id).limit(1)).one()
    db.session.execute(update(Response).where(Response.id == gone.id).values(excluded=True))
    mark_dirty([(gone.area_id, gone.submitted_at)])
    db.session.commit()


def test_a_month_with_an_exclusion_is_counted_again_whole(seeded):
    with seeded.app_context():
        _aggregate(full=True)
        add_responses(30, [(2026, 3)], seed=14)
        _exclude_one_in_march()
        step = _aggregate()
        assert step.added == 0
        assert step.responses == _responses_in([(2026, 3)])
        assert _stored() == _reference()


def test_large_additions_have_their_months_counted_again(seeded, monkeypatch):
    from pulse.estimates import operations
    from pulse.extensions import db
    from pulse.models import DirtyCell
    from pulse.survey import operations as survey

    with seeded.app_context():
        _aggregate(full=True)
        # A bulk load over the limit marks (area, month) cells, not responses.
        monkeypatch.setattr(survey, "ADDED_MARKS", 5)
        add_responses(6, [(2026, 3)], seed=31)
        assert set(db.session.scalars(select(DirtyCell.response_id))) == {None}
        step = _aggregate()
        assert step.added == 0 and step.responses == _responses_in([(2026, 3)])
        assert _stored() == _reference()
        # More marked responses than a run adds up: the months are counted instead.
        monkeypatch.setattr(operations, "ADD_LIMIT", 3)
        add_responses(4, [(2026, 3)], seed=32)
        step = _aggregate()
        assert step.added == 0 and step.responses == _responses_in([(2026, 3)])
        assert _stored() == _reference()


def _hiding(monkeypatch, hidden: set[int]):
    """The next run reads the marks as if those of ``hidden`` responses were committed just
    after it read them (PostgreSQL reads each statement afresh; the responses themselves are
    there when it reads them)."""
    from pulse.estimates import operations

    read = operations._marks
    monkeypatch.setattr(operations, "_marks",
                        lambda: [m for m in read() if m.response_id not in hidden])
    return lambda: monkeypatch.setattr(operations, "_marks", read)


def _newest_ids(count: int) -> set[int]:
    from pulse.extensions import db
    from pulse.models import Response

    return set(db.session.scalars(select(Response.id).order_by(Response.id.desc()).limit(count)))


def test_a_mark_committed_after_the_read_is_neither_lost_nor_counted_twice(seeded, monkeypatch):
    from pulse.extensions import db
    from pulse.models import DirtyCell, MonthStats

    with seeded.app_context():
        _aggregate(full=True)
        # Marks of lower ids than the ones read, unseen: they stay for the next run.
        add_responses(12, [(2026, 3)], seed=21)
        late = _newest_ids(12)
        add_responses(9, [(2026, 3)], seed=22)
        restore = _hiding(monkeypatch, late)
        step = _aggregate()
        assert step.added == 9
        assert set(db.session.scalars(select(DirtyCell.response_id))) == late
        restore()
        assert _aggregate().added == 12
        assert _stored() == _reference()

        # March counted whole (an exclusion) while five added marks were unseen: the run
        # counted those responses, so their marks are spent, not added again next time.
        add_responses(5, [(2026, 3)], seed=23)
        late = _newest_ids(5)
        _exclude_one_in_march()
        restore = _hiding(monkeypatch, late)
        _aggregate()
        restore()
        assert db.session.scalar(select(func.count(DirtyCell.id))) == 0
        assert _stored() == _reference()

        # February counted whole only because its kept sums were gone, with unseen marks of
        # its own: its estimates were not all rewritten, so the marks become recounts.
        db.session.execute(MonthStats.__table__.delete().where(
            MonthStats.month == 2026 * 12 + 1))
        db.session.commit()
        add_responses(4, [(2026, 2)], seed=24)
        late = _newest_ids(4)
        add_responses(3, [(2026, 3)], seed=25)
        restore = _hiding(monkeypatch, late)
        _aggregate()
        restore()
        assert db.session.execute(select(DirtyCell.response_id)).scalars().all() == [None] * 4
        assert _aggregate().added == 0
        assert _stored() == _reference()


def test_sums_kept_for_other_measures_are_not_used(seeded):
    from pulse.extensions import db
    from pulse.models import MonthStats

    with seeded.app_context():
        _aggregate(full=True)
        db.session.execute(update(MonthStats).values(layout="made for other questions"))
        db.session.commit()
        add_responses(30, [(2026, 3)], seed=15)
        step = _aggregate()
        assert step.responses == _responses_in(MONTHS)
        assert _stored() == _reference()
        assert set(db.session.scalars(select(MonthStats.layout))) != {"made for other questions"}


def _ids_by_key() -> dict:
    from pulse.extensions import db
    from pulse.models import Estimate

    return {(a, p, m, g): i for i, a, p, m, g in db.session.execute(select(
        Estimate.id, Estimate.area_id, Estimate.period, Estimate.measure, Estimate.group_label))}


def test_an_incremental_run_updates_kept_keys_in_place_adds_new_ones_and_drops_gone_ones(seeded):
    from pulse.estimates.operations import mark_dirty
    from pulse.extensions import db
    from pulse.models import Area, Response

    with seeded.app_context():
        _aggregate(full=True)
        before = _ids_by_key()
        # Ward 0's February answers excluded: its breakdowns there fall under the minimum.
        ward = db.session.scalar(select(Area.id).where(Area.code == WARDS[0]))
        february = (Response.area_id == ward) & (Response.submitted_at >= datetime(2026, 2, 1, tzinfo=UTC)) \
            & (Response.submitted_at < datetime(2026, 3, 1, tzinfo=UTC))
        gone = db.session.execute(select(Response.area_id, Response.submitted_at)
                                  .where(february)).all()
        db.session.execute(update(Response).where(february).values(excluded=True))
        mark_dirty(gone)
        # The smallest ward gains enough March respondents for breakdowns of its own.
        add_responses(120, [(2026, 3)], seed=16, wards=[WARDS[4]])
        db.session.commit()
        assert _aggregate().mode == "incremental"
        assert _stored() == _reference()
        after = _ids_by_key()
        assert before.keys() - after.keys() and after.keys() - before.keys()
        kept = before.keys() & after.keys()
        assert all(before[k] == after[k] for k in kept)
