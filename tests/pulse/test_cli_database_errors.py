"""Commands run before ``db upgrade``, on an older schema or with the database out of reach
answer with the next step in one line, never a traceback; other errors are left alone."""
from __future__ import annotations

import pytest

COMMANDS = (["demo", "status"], ["users", "list"], ["jobs", "history"], ["areas", "list"])


def _cli(url: str, tmp_path):
    from pulse import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    app.instance_path = str(tmp_path / "instance")
    return app, app.test_cli_runner()


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_before_db_upgrade_a_command_says_to_run_it(fresh_url, tmp_path, args):
    app, runner = _cli(fresh_url, tmp_path)
    result = runner.invoke(args=args)
    assert result.exit_code == 1, result.output
    assert "flask --app pulse db upgrade" in result.output and "no table this" in result.output
    assert "Traceback" not in result.output and result.output.startswith("Error: ")
    with app.app_context():
        from pulse.extensions import db
        db.engine.dispose()


def test_an_older_schema_says_to_upgrade(app, runner):
    from sqlalchemy import text

    from pulse.extensions import db

    with app.app_context():
        # A column the code reads is missing, as in a database left at an older revision.
        db.session.execute(text("ALTER TABLE user_account RENAME COLUMN email TO old_email"))
        db.session.commit()
    try:
        result = runner.invoke(args=["users", "list"])
        assert result.exit_code == 1, result.output
        assert "db upgrade" in result.output and "Traceback" not in result.output
    finally:
        with app.app_context():
            db.session.execute(text("ALTER TABLE user_account RENAME COLUMN old_email TO email"))
            db.session.commit()


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=3",
    "sqlite:////nonexistent-directory/pulse.db"])
def test_an_unreachable_database_says_so_in_one_line(tmp_path, url):
    _app, runner = _cli(url, tmp_path)
    result = runner.invoke(args=["demo", "status"])
    assert result.exit_code == 1, result.output
    assert "Cannot open the database" in result.output and "DATABASE_URL" in result.output
    assert "Traceback" not in result.output


def test_other_database_errors_keep_their_traceback():
    import click
    from click.testing import CliRunner
    from sqlalchemy.exc import IntegrityError

    from pulse.cli.database_errors import explain_database_errors

    @click.command()
    def refused():
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed: x.y"))

    explain_database_errors(refused)
    explain_database_errors(refused)  # registering twice wraps once
    result = CliRunner().invoke(refused)
    assert isinstance(result.exception, IntegrityError)
    assert refused.callback.__wrapped__.__name__ == "refused"


HEADER = ("area_code,submitted_at,safe_day,safe_night,respect,listen,fair,relied_on,"
          "things_that_matter,informed,good_job")


@pytest.mark.parametrize("table, column, args", [
    ("estimate_dirty", "response_id", ["aggregate"]),
    ("estimate_dirty", "response_id", ["responses", "import", "{dir}/old.csv"]),
    ("estimate", "measure", ["export", "estimates", "--out", "{dir}/estimates.csv"]),
    ("access_code", "issued_at", ["codes", "generate", "--area", "E05000437", "--count", "1",
                                "--csv", "{dir}/codes.csv"]),
], ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_commands_that_catch_database_errors_still_say_to_upgrade(
        app, runner, survey_area, tmp_path, table, column, args):
    """These commands roll back and word the error themselves; an older schema must still
    read as "run db upgrade", not as a refusal the operator cannot act on."""
    from sqlalchemy import text

    from pulse.extensions import db

    (tmp_path / "old.csv").write_text(f"{HEADER}\nE05000437,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4\n")
    with app.app_context():
        db.session.execute(text(f"ALTER TABLE {table} RENAME COLUMN {column} TO old_{column}"))
        db.session.commit()
    try:
        result = runner.invoke(args=[a.format(dir=tmp_path) for a in args])
        assert result.exit_code == 1, result.output
        assert "flask --app pulse db upgrade" in result.output, result.output
        assert "Traceback" not in result.output
    finally:
        with app.app_context():
            db.session.rollback()
            db.session.execute(text(f"ALTER TABLE {table} RENAME COLUMN old_{column} TO {column}"))
            db.session.commit()
