"""The database failing under a resident: a friendly 503, and nothing half-written.

The failures are real ones on a real database, provoked at an exact moment: just before the
answers are written (after the response row went in), PostgreSQL's connection is terminated
by the server, and SQLite's connection is switched to read-only.
"""
from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from flask import request
from sqlalchemy import create_engine, event, func, select, text

from pulse.extensions import db
from pulse.models import Answer, Response
from tests.support import GOOD_ANSWERS, open_survey


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Response)),
                db.session.scalar(select(func.count()).select_from(Answer)))


@contextmanager
def database_fails_before_answers(app, database_url):
    """Break the connection that is about to insert the answers of a response."""
    admin = create_engine(database_url) if database_url.startswith("postgresql") else None
    broken = []

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("INSERT INTO ANSWER"):
            return
        dbapi = conn.connection.dbapi_connection
        if admin is not None:
            with admin.connect() as other:
                # Wait (up to 5 s) until the server has really ended that backend.
                other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                              {"pid": dbapi.info.backend_pid})
        else:
            dbapi.execute("PRAGMA query_only = ON")
        broken.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield broken
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
        # SQLite's read-only switch belongs to the connection; start the pool afresh.
        engine.dispose()
        if admin is not None:
            admin.dispose()


def test_database_failure_mid_submit_is_503_and_writes_nothing(app, client, survey_area,
                                                               database_url):
    data = {**open_survey(client, survey_area.ward), **GOOD_ANSWERS}
    with database_fails_before_answers(app, database_url) as broken:
        reply = client.post(f"/s/{survey_area.ward}/questions", data=data)
    assert broken, "the failure was never provoked"
    assert reply.status_code == 503
    assert "try again" in reply.get_data(as_text=True)
    assert reply.headers["Retry-After"]
    assert counts(app) == (0, 0)
    # Nothing was half-saved, so pressing Send again with the same form stores it once.
    again = client.post(f"/s/{survey_area.ward}/questions", data=data)
    assert again.status_code == 302
    assert counts(app) == (1, len(GOOD_ANSWERS) - 3)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_urls(tmp_path) -> dict[str, str]:
    return {
        # A port nothing listens on: connection refused.
        "postgresql": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test",
        # A file in a directory that does not exist cannot be opened.
        "sqlite": "sqlite:///" + str(tmp_path / "no-such-dir" / "pulse.db"),
    }


def test_health_is_503_when_the_database_is_unreachable(tmp_path):
    from pulse import create_app

    for kind, url in unreachable_urls(tmp_path).items():
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        client = app.test_client()
        reply = client.get("/healthz")
        assert reply.status_code == 503, kind
        assert reply.json == {"status": "degraded", "database": "unreachable"}
        # A resident meets the friendly page, not a 500.
        page = client.get("/s/E05000437", headers={"Accept": "text/html"})
        assert page.status_code == 503, kind
        assert "try again" in page.get_data(as_text=True)
        with app.app_context():
            db.engine.dispose()


def test_a_connection_dropped_after_the_reply_is_made_still_answers(app, client, survey_area,
                                                                     database_url):
    """The server ends the connection between the view and the session's close (a restart).

    Closing the session rolls back on that dead connection; the reply already made must still
    go out, and the next request gets a fresh connection.
    """
    if not database_url.startswith("postgresql"):
        pytest.skip("needs a server that can end a connection: runs on PostgreSQL")
    admin = create_engine(database_url)
    dropped = []

    @app.after_request
    def drop_connection(response):
        if request.path.endswith("/questions") and not dropped:
            pid = db.session.connection().connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            dropped.append(pid)
        return response

    try:
        first = client.get(f"/s/{survey_area.ward}/questions?consent=yes")
        assert dropped, "the connection was never dropped"
        assert first.status_code == 200
        assert client.get(f"/s/{survey_area.ward}/questions?consent=yes").status_code == 200
    finally:
        admin.dispose()
