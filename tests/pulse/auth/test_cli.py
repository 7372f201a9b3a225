"""``flask users ...``: create (password from stdin, or a link), list, reset, disable."""
from __future__ import annotations

import re

from tests.support import sign_in

LINK = re.compile(r"http://\S+/reset\?token=(\S+)")


def test_create_with_password_from_stdin_then_sign_in(app, runner, client, tree):
    result = runner.invoke(args=["users", "create", "--email", "Ward.Officer@example.org",
                                 "--role", "officer", "--area", tree.ward_a,
                                 "--area", tree.other_ward, "--password-stdin"],
                           input="lantern orbit gravel meadow\n")
    assert result.exit_code == 0, result.output
    assert f"created ward.officer@example.org (officer; {tree.ward_a}, {tree.other_ward})" \
        in result.output
    assert sign_in(client, "ward.officer@example.org").status_code == 302
    listed = runner.invoke(args=["users", "list"])
    assert f"ward.officer@example.org\tofficer\t{tree.ward_a},{tree.other_ward}\tactive" \
        in listed.output


def test_create_without_a_terminal_prints_a_one_time_link(app, runner, client, tree):
    app.config["PULSE_PUBLIC_URL"] = "http://pulse.example.org"
    result = runner.invoke(args=["users", "create", "--email", "admin@example.org",
                                 "--role", "admin"])
    assert result.exit_code == 0, result.output
    token = LINK.search(result.output).group(1)
    assert "no-password" in runner.invoke(args=["users", "list"]).output
    assert f"http://pulse.example.org/reset?token={token}" in result.output
    page = client.get(f"/reset?token={token}")
    assert page.status_code == 200


def test_create_refuses_bad_input_without_writing(app, runner, tree):
    cases = [
        (["--email", "x@example.org", "--role", "officer"], "at least one area"),
        (["--email", "x@example.org", "--role", "officer", "--area", "NOPE"], "no area with code NOPE"),
        (["--email", "not-an-email", "--role", "admin"], "email address like"),
        (["--email", "x@example.org", "--role", "boss"], "Invalid value for '--role'"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    weak = runner.invoke(args=["users", "create", "--email", "x@example.org", "--role", "admin",
                               "--password-stdin"], input="password1234\n")
    assert weak.exit_code != 0 and "common passwords" in weak.output
    assert runner.invoke(args=["users", "list"]).output == ""
    runner.invoke(args=["users", "create", "--email", "x@example.org", "--role", "admin"])
    again = runner.invoke(args=["users", "create", "--email", "X@example.org", "--role", "admin"])
    assert again.exit_code != 0 and "already an account" in again.output


def test_reset_and_disable(app, runner, client, tree):
    runner.invoke(args=["users", "create", "--email", "a@example.org", "--role", "admin",
                        "--password-stdin"], input="lantern orbit gravel meadow\n")
    runner.invoke(args=["users", "create", "--email", "o@example.org", "--role", "officer",
                        "--area", tree.ward_a, "--password-stdin"],
                  input="lantern orbit gravel meadow\n")
    sign_in(client, "o@example.org")
    reset = runner.invoke(args=["users", "reset", "--email", "o@example.org"])
    assert reset.exit_code == 0 and LINK.search(reset.output)
    assert runner.invoke(args=["users", "disable", "--email", "o@example.org"]).exit_code == 0
    assert client.get("/officer/").status_code == 302
    assert "o@example.org\tofficer" in runner.invoke(args=["users", "list"]).output
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    last = runner.invoke(args=["users", "disable", "--email", "a@example.org"])
    assert last.exit_code != 0 and "last active admin" in last.output
    missing = runner.invoke(args=["users", "reset", "--email", "nobody@example.org"])
    assert missing.exit_code != 0 and "no account" in missing.output
    assert runner.invoke(args=["users", "enable", "--email", "o@example.org"]).exit_code == 0


def test_prune_forgets_old_failures_and_sessions(app, runner, client, tree):
    from datetime import timedelta

    from sqlalchemy import func, select

    from pulse.extensions import db
    from pulse.models import LoginSession, LoginThrottle

    runner.invoke(args=["users", "create", "--email", "o@example.org", "--role", "officer",
                        "--area", tree.ward_a, "--password-stdin"],
                  input="lantern orbit gravel meadow\n")
    sign_in(client, "o@example.org")
    sign_in(app.test_client(), "o@example.org", "a wrong password here")
    assert "forgot 0 sign-in failure record(s) and 0 old session(s)" in \
        runner.invoke(args=["users", "prune"]).output
    with app.app_context():
        for row in db.session.scalars(select(LoginThrottle)):
            row.last_failure_at -= timedelta(days=2)
        for row in db.session.scalars(select(LoginSession)):
            row.created_at -= timedelta(days=2)
        db.session.commit()
    assert "forgot 1 sign-in failure record(s) and 1 old session(s)" in \
        runner.invoke(args=["users", "prune"]).output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
