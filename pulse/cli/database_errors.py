"""A database without the schema, or out of reach, is one clear line from any command.

Without this, ``flask --app pulse demo status`` on a database nobody has upgraded yet, or with
the server down, ends in forty lines of SQLAlchemy traceback whose last line names a table.
The operator needs the next step instead: run ``db upgrade``, or check ``DATABASE_URL``.
Only these two conditions are translated; any other error still shows its traceback.
"""
from __future__ import annotations

import functools
import re
import sqlite3

import click
import psycopg
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

#: The drivers' own errors: code that streams through a raw driver cursor (the estimates CSV)
#: meets these unwrapped by SQLAlchemy.
DRIVER_ERRORS = (sqlite3.Error, psycopg.Error)

#: SQLSTATE of PostgreSQL's undefined_table and undefined_column.
UNDEFINED = {"42P01": "table", "42703": "column"}
#: SQLite's words when an INSERT names a column the table lacks.
SQLITE_INSERT_COLUMN = re.compile(r"table \S+ has no column named ")
UPGRADE = ("The database has no {what} this version of Neighbourhood Pulse needs ({detail}): "
           "create or upgrade the schema first with `flask --app pulse db upgrade`.")
UNREACHABLE = ("Cannot open the database ({detail}). Check DATABASE_URL and that the database "
               "server is running.")


def problem(err: DBAPIError | sqlite3.Error | psycopg.Error) -> str | None:
    """The operator's next step for a missing schema or an unreachable database, else None."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    text = str(orig).strip()
    first_line = text.splitlines()[0][:200] if text else type(orig).__name__
    state = getattr(orig, "sqlstate", None)
    if state in UNDEFINED:
        return UPGRADE.format(what=UNDEFINED[state], detail=first_line)
    message = str(orig)
    for what in ("table", "column"):  # SQLite's words: "no such table: wave"
        if message.startswith(f"no such {what}"):
            return UPGRADE.format(what=what, detail=first_line)
    if SQLITE_INSERT_COLUMN.match(message):  # an INSERT names the column its own way
        return UPGRADE.format(what="column", detail=first_line)
    invalidated = isinstance(err, DBAPIError) and err.connection_invalidated
    if invalidated or message.startswith("unable to open database file") or (
            state is None and "connection" in message and "failed" in message):
        return UNREACHABLE.format(detail=first_line)
    return None


def refused(err: SQLAlchemyError, message: str) -> click.ClickException:
    """The error for a command that caught ``err`` itself: the next step if there is one.

    Commands that roll back and name the error in their own words ("the database refused the
    import") catch it before :func:`explain_database_errors` can, and an older schema would
    otherwise read as a refusal with no hint that ``db upgrade`` is the cure.
    """
    known = problem(err) if isinstance(err, (DBAPIError, *DRIVER_ERRORS)) else None
    return click.ClickException(known or message)


def explain_database_errors(command: click.Command) -> None:
    """Make ``command`` (and every subcommand) answer those two problems in one line."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            explain_database_errors(sub)
    callback = command.callback
    # Commands are module-level objects and every app created registers them again.
    if callback is None or getattr(callback, "explains_database_errors", False):
        return

    @functools.wraps(callback)
    def explained(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (DBAPIError, *DRIVER_ERRORS) as err:
            message = problem(err)
            if message is None:
                raise
            raise click.ClickException(message) from None

    explained.explains_database_errors = True  # type: ignore[attr-defined]
    command.callback = explained
