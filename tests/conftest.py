"""Shared fixtures: a real database per backend, a fresh set of tables per test.

The suite runs on SQLite always and on PostgreSQL too when PULSE_TEST_DATABASE_URL is set.
Each PostgreSQL run gets a schema of its own, so parallel runs on one server never collide.
The schema is built by the migrations (never by ``create_all``), once per backend.

A test whose result cannot depend on the backend (what a browser renders: layout at 360 px,
contrast, focus, axe rules, behaviour without script, page weight) carries
``@pytest.mark.one_backend`` and runs on SQLite alone; its PostgreSQL copy is deselected at
collection (shown as "deselected" in the summary), so the test itself still runs. Everything
unmarked runs on every backend, and a browser test that checks what the database does (a
response stored, an export's rows, figures computed from the data) stays unmarked. When in
doubt, leave a test unmarked.
"""
from __future__ import annotations

import os

import pytest

from tests.support import (BACKEND_FIXTURES, backends, clean_tables, migrate_to_head,
                           postgres_schema)


def pytest_collection_modifyitems(config, items):
    """Deselect the non-SQLite copies of tests marked ``one_backend``."""
    # The backend fixtures' params are fixed where they are defined, so the copies are made for
    # every test and the marked ones' extra copies are dropped here, before anything runs.
    keep, extra = [], []
    for item in items:
        spec = getattr(item, "callspec", None)
        params = spec.params if spec else {}
        other = any(params.get(name, "sqlite") != "sqlite" for name in BACKEND_FIXTURES)
        (extra if other and item.get_closest_marker("one_backend") else keep).append(item)
    if extra:
        config.hook.pytest_deselected(items=extra)
        items[:] = keep


@pytest.fixture(scope="session", params=backends())
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "pulse-test.db")
        migrate_to_head(url)
        yield url
        return
    with postgres_schema(os.environ["PULSE_TEST_DATABASE_URL"], "pulse_test") as url:
        migrate_to_head(url)
        yield url


@pytest.fixture(params=backends())
def fresh_url(request, tmp_path):
    """An empty database of each backend: no tables, as before the first ``db upgrade``."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "fresh.db")
        return
    with postgres_schema(os.environ["PULSE_TEST_DATABASE_URL"], "pulse_fresh") as url:
        yield url


@pytest.fixture
def app(database_url, tmp_path):
    from pulse import create_app
    from pulse.extensions import db

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PULSE_MIN_COMPLETION_SECONDS": 0,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap password hashing keeps sign-in tests fast; production keeps argon2-cffi's defaults.
        "PULSE_ARGON2": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        clean_tables(db)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(app, client):
    """Sign in as a user of some role and areas: ``auth.login("officer", areas=["E05000437"])``."""
    from tests.support import AuthActions

    return AuthActions(app, client)


@pytest.fixture
def survey_area(app):
    """A borough with two wards, the core instrument, and an always-on wave for the borough."""
    from tests.support import make_survey_area

    with app.app_context():
        return make_survey_area()
