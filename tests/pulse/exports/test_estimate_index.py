"""A full rebuild leaves the estimate table's indexes as the migrations made them.

It drops the keys and indexes before the bulk insert and builds them once after: a rebuild
that forgot one would leave reads of one period across every area scanning, and one that
built the other backend's period index (SQLite: period, measure, group, migration 0012;
PostgreSQL: the period alone since 0015) would pay a sort for it, or fail dropping it.
"""
from datetime import UTC, datetime

from sqlalchemy import func, inspect, select

from tests.pulse.estimates.support import add_margins, add_responses, make_tree

PERIOD_INDEX = {"sqlite": ("ix_estimate_period_measure_group",
                            ["period", "measure", "group_label"]),
                "postgresql": ("ix_estimate_period", ["period"])}


def _indexes() -> dict[str, list[str]]:
    from pulse.extensions import db

    found = {i["name"]: list(i["column_names"])
             for i in inspect(db.session.connection()).get_indexes("estimate")}
    for key in inspect(db.session.connection()).get_unique_constraints("estimate"):
        found[key["name"]] = list(key["column_names"])
    return found


def test_a_full_rebuild_builds_the_indexes_this_backend_has_again(app):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Estimate

    with app.app_context():
        make_tree()
        add_margins()
        add_responses(200, [(2026, 1), (2026, 2)], seed=3)
        migrated = _indexes()
        name, columns = PERIOD_INDEX[db.engine.dialect.name]
        assert migrated[name] == columns
        assert not ({n for n, _ in PERIOD_INDEX.values()} - {name}) & set(migrated)
        assert ["area_id", "period", "measure", "group_label"] in migrated.values()
        for _ in range(2):       # the second rebuild drops the indexes the first one built
            aggregate(full=True, now=datetime(2026, 3, 2, tzinfo=UTC))
            db.session.commit()
            assert _indexes() == migrated
        stored = db.session.scalar(select(func.count()).select_from(Estimate)
                                   .where(Estimate.period == "2026-02"))
        assert stored > 0
