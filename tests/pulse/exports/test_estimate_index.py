"""The period-led estimate index (migration 0012) survives a full rebuild on both backends.

A full rebuild drops it before the bulk insert and builds it once after; a rebuild that
forgot to build it again would leave reads of one period across every area scanning.
"""
from datetime import UTC, datetime

from sqlalchemy import func, inspect, select

from tests.pulse.estimates.support import add_margins, add_responses, make_tree

NAME = "ix_estimate_period_measure_group"


def _index_columns() -> list[str] | None:
    from pulse.extensions import db

    for index in inspect(db.session.connection()).get_indexes("estimate"):
        if index["name"] == NAME:
            return list(index["column_names"])
    return None


def test_a_full_rebuild_builds_the_period_index_again(app):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Estimate

    with app.app_context():
        make_tree()
        add_margins()
        add_responses(200, [(2026, 1), (2026, 2)], seed=3)
        assert _index_columns() == ["period", "measure", "group_label"]
        for _ in range(2):       # the second rebuild drops the index the first one built
            aggregate(full=True, now=datetime(2026, 3, 2, tzinfo=UTC))
            db.session.commit()
            assert _index_columns() == ["period", "measure", "group_label"]
        stored = db.session.scalar(select(func.count()).select_from(Estimate)
                                   .where(Estimate.period == "2026-02"))
        assert stored > 0
