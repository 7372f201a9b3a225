"""Migrations are the schema's source of truth: the models must describe exactly what they build.

Runs on SQLite and, when PULSE_TEST_DATABASE_URL is set, on PostgreSQL, each in a database (or
schema) of its own so that going down to nothing cannot disturb other tests.
"""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect


@pytest.fixture
def migrating_app(fresh_url):
    from pulse import create_app
    from pulse.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def differences(db) -> list:
    """What autogenerate would write next: tables, columns, types, defaults, indexes (a model
    index marked for other backends only must be absent here), and column collations."""
    from pulse.models.types import models_built_on

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "compare_server_default": True,
            "include_object": models_built_on(conn.dialect.name)})
        return compare_metadata(context, db.metadata) + collations(db)


def collations(db) -> list:
    """Columns whose stored collation is not the models': autogenerate compares collations
    only when both sides name one, so a migration that forgot one would pass unseen."""
    inspector = inspect(db.engine)
    wrong = []
    for table in db.metadata.sorted_tables:
        stored = {c["name"]: getattr(c["type"], "collation", None)
                  for c in inspector.get_columns(table.name)}
        for column in table.columns:
            wanted = getattr(column.type.dialect_impl(db.engine.dialect), "collation", None)
            if stored[column.name] != wanted:
                wrong.append(("collation", table.name, column.name, stored[column.name], wanted))
    return wrong


def app_tables(db) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_models_and_migrations_agree(migrating_app):
    from flask_migrate import upgrade

    from pulse.extensions import db

    upgrade()
    assert differences(db) == []
    assert app_tables(db) == set(db.metadata.tables)


def test_downgrade_to_base_and_upgrade_again(migrating_app):
    from flask_migrate import downgrade, upgrade

    from pulse.extensions import db

    upgrade()
    downgrade(revision="base")
    assert app_tables(db) == set()
    upgrade()
    assert differences(db) == []
    assert app_tables(db) == set(db.metadata.tables)


def test_one_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", os.path.join(
        os.path.dirname(__file__), "..", "..", "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_0017_has_the_next_aggregation_rewrite_every_stored_estimate(migrating_app):
    """Rows stored under the earlier method (here: every interval spoiled by hand) are rewritten
    by the scheduler's ordinary incremental run once 0017 has marked every kept month, and
    come out as a full rebuild makes them."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import delete, func, select, update

    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Area, DirtyCell, Estimate, MonthStats
    from tests.pulse.estimates.support import (add_margins, add_responses, make_tree,
                                               table_snapshot)

    upgrade()
    make_tree()
    add_margins()
    add_responses(240, [(2026, 6), (2026, 7), (2026, 8)], seed=17)
    aggregate(full=True)
    db.session.commit()
    rebuilt = table_snapshot()
    db.session.execute(update(Estimate).where(Estimate.ci_low.is_not(None)).values(ci_low=-1.0))
    db.session.execute(delete(DirtyCell))
    db.session.commit()
    aggregate()                                  # no marks: the spoiled rows stay
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(Estimate.ci_low == -1.0)) > 0

    downgrade(revision="0016")
    upgrade(revision="0017")
    areas = db.session.scalar(select(func.count()).select_from(Area))
    months = db.session.scalar(select(func.count()).select_from(MonthStats))
    assert months >= 3                          # the span the kept sums cover
    assert db.session.scalar(select(func.count()).select_from(DirtyCell)) == areas * months
    aggregate()
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(Estimate.ci_low == -1.0)) == 0
    assert table_snapshot() == rebuilt


def test_0018_has_the_next_aggregation_withhold_counts_across_periods(migrating_app):
    """A quarter stored before suppression across periods, publishing its count over a month
    of fewer than 10 answers, is rewritten by the scheduler's ordinary incremental run once
    0018 has marked every kept month: its count is withheld, as a full rebuild does."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import delete, select, update

    from analysis.suppression import SECONDARY
    from pulse.estimates.operations import aggregate
    from pulse.estimates.reasons import words
    from pulse.extensions import db
    from pulse.models import Area, DirtyCell, Estimate
    from tests.pulse.estimates.support import add_responses, make_tree, table_snapshot

    upgrade()
    make_tree()
    add_responses(240, [(2026, 7), (2026, 8), (2026, 9)], seed=18)
    aggregate(full=True)
    db.session.commit()
    rebuilt = table_snapshot()
    withheld = (select(Estimate.id).join(Area)
                .where(Estimate.period == "2026-Q3", Estimate.n.is_(None),
                       Estimate.suppressed.is_(False)))
    quarters = db.session.scalars(withheld).all()
    assert quarters                               # some small month makes the rule act
    # As the earlier rule stored them: the count published.
    db.session.execute(update(Estimate).where(Estimate.id.in_(quarters))
                       .values(n=12, suppressed_reason=None))
    db.session.execute(delete(DirtyCell))
    db.session.commit()

    downgrade(revision="0017")
    upgrade()
    aggregate()
    db.session.commit()
    assert db.session.scalars(withheld).all() == quarters
    assert {db.session.get(Estimate, i).suppressed_reason for i in quarters} == \
        {words(SECONDARY)}
    assert table_snapshot() == rebuilt


def test_0019_has_the_next_aggregation_check_areas_and_breakdowns_together(migrating_app):
    """Month counts stored under the one-pass rule, published where checking areas and
    breakdowns together withholds them, are rewritten by the scheduler's ordinary incremental
    run once 0019 has marked every kept month, as a full rebuild makes them."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import delete, select, update

    from analysis.suppression import SECONDARY
    from pulse.estimates.operations import aggregate
    from pulse.estimates.reasons import words
    from pulse.extensions import db
    from pulse.models import DirtyCell, Estimate
    from tests.pulse.estimates.support import add_responses, make_tree, table_snapshot

    upgrade()
    make_tree()
    add_responses(240, [(2026, 7), (2026, 8), (2026, 9)], seed=19)
    aggregate(full=True)
    db.session.commit()
    rebuilt = table_snapshot()
    withheld = (select(Estimate.id).where(Estimate.period == "2026-08", Estimate.n.is_(None),
                                          Estimate.suppressed.is_(False)))
    months = db.session.scalars(withheld).all()
    assert months
    db.session.execute(update(Estimate).where(Estimate.id.in_(months))
                       .values(n=15, suppressed_reason=None))
    db.session.execute(delete(DirtyCell))
    db.session.commit()

    downgrade(revision="0018")
    upgrade()
    aggregate()
    db.session.commit()
    assert db.session.scalars(withheld).all() == months
    assert {db.session.get(Estimate, i).suppressed_reason for i in months} == {words(SECONDARY)}
    assert table_snapshot() == rebuilt
