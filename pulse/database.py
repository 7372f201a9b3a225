"""Engine set-up that differs by backend."""
from __future__ import annotations

import logging

from flask import Flask, abort, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import MultiDict

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


#: Blueprints whose forms go straight to the database. The resident survey, codes and
#: assisted collection check every field themselves and say which one was wrong.
STAFF_BLUEPRINTS = frozenset({"admin", "admin_users", "api_tokens", "auth", "exports", "officer",
                              "packs"})


def refuse_nul(*fields: MultiDict) -> None:
    """Abort with a 400 that says why when any value of ``fields`` holds a NUL character.

    Every value counts, not only the first of a name sent twice: a view may read them all.
    """
    if any("\x00" in value for multi in fields for _name, value in multi.items(multi=True)):
        abort(400, description=_("Part of what you sent contains a character that cannot be "
                                 "stored (a NUL byte). Remove it and send it again."))


def _refuse_nul() -> None:
    """Refuse a NUL character in a staff request's query or form with a 400 that says why.

    PostgreSQL cannot store NUL in text and raises when one is sent, which would be a 500;
    SQLite would store it silently and the two backends would disagree. Multipart bodies
    (uploads) are left to their views, which set their own size limit before parsing and
    then call :func:`refuse_nul` themselves.
    """
    if request.blueprint not in STAFF_BLUEPRINTS:
        return
    if request.mimetype == "application/x-www-form-urlencoded":
        refuse_nul(request.args, request.form)
    else:
        refuse_nul(request.args)


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_end_session)
    app.before_request(_refuse_nul)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_pulse_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._pulse_pragmas = True  # type: ignore[attr-defined]
