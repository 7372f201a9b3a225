"""The ceiling for bench/submit.py: the least a Flask endpoint can do to store one row.

``GET /form`` returns a tiny page; ``POST /insert`` inserts one row and redirects, in its own
transaction, on the same database and driver (and, on SQLite, the same pragmas as
pulse/database.py) that the survey uses. Served the same way: ``gunicorn -c gunicorn.conf.py
bench.ceiling_app:app`` with ``DATABASE_URL`` set; bench/submit.py creates the table.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, redirect, request
from sqlalchemy import (Column, DateTime, Integer, MetaData, Table, Text, create_engine, event,
                        insert)

metadata = MetaData()
ceiling = Table(
    "bench_ceiling", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("body", Text, nullable=False),
)

FORM = b'<!doctype html><form method="post" action="/insert"><input name="x"></form>'


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000",
                   "synchronous=NORMAL"):
        cursor.execute("PRAGMA " + pragma)
    cursor.close()


def make_engine(url: str):
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])

    @app.get("/healthz")
    def health():
        return "ok"

    @app.get("/form")
    def form():
        return FORM

    @app.post("/insert")
    def insert_one():
        with engine.begin() as conn:
            conn.execute(insert(ceiling).values(
                created_at=datetime.now(UTC).replace(tzinfo=None),
                body=request.form.get("x", "")))
        return redirect("/form", 302)

    return app


app = create_app() if "DATABASE_URL" in os.environ else None
