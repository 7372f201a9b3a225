"""Engine set-up that differs by backend."""
from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .extensions import db

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the survey be read while a response is written; foreign keys are off by
    # default in SQLite; a busy timeout makes concurrent writers wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _end_session(_exc: BaseException | None) -> None:
    """Close the request's session; a connection the server already dropped is discarded.

    Closing rolls back, and a rollback on a connection PostgreSQL terminated (a restart, a
    failover) raises. Raised from a teardown, that would turn a reply already made into a
    bare 500 outside every error handler; the session holds nothing worth keeping by then.
    Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in
    reverse), and that one then finds no session left to close.
    """
    try:
        db.session.remove()
    except DBAPIError as err:
        log.warning("database session could not be closed cleanly: %s",
                    type(err.orig or err).__name__)
        if db.session.registry.has():
            try:
                db.session.registry().invalidate()
            except DBAPIError:  # nothing left to tell the server; the pool drops it anyway
                log.debug("invalidating the dropped session failed as well")
        db.session.registry.clear()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_end_session)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_pulse_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._pulse_pragmas = True  # type: ignore[attr-defined]
