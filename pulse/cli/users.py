"""``flask --app pulse users ...``: bootstrap and look after staff accounts."""
from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from ..auth import operations as ops
from ..auth import queries
from ..auth.links import reset_link
from ..extensions import db
from ..models.user import ROLES


def _now() -> datetime:
    return datetime.now(UTC)


def _user_or_fail(email: str):
    user = queries.user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


def _fail(err: ops.AccountError):
    db.session.rollback()
    where = f"{err.field}: " if err.field else ""
    raise click.ClickException(where + str(err))


@click.group(help="Staff accounts: create, list, reset, disable, enable, prune; API tokens.")
def users() -> None:
    pass


def _echo_link(token: str) -> None:
    if not current_app.config.get("PULSE_PUBLIC_URL"):
        click.echo("note: PULSE_PUBLIC_URL is not set; the link assumes a local server", err=True)
    click.echo(reset_link(token))


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--area", "areas", multiple=True,
              help="Code of an area the user sees, with everything inside it. Repeat for more.")
@click.option("--name", default="")
@click.option("--require-totp", is_flag=True, help="Require a second factor at sign-in.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create(email: str, role: str, areas: tuple[str, ...], name: str, require_totp: bool,
           password_stdin: bool) -> None:
    """Create an account. Interactively you are asked for a password; otherwise a one-time
    link to set one is printed."""
    found, missing = queries.areas_by_codes(list(areas))
    if missing:
        raise click.UsageError(f"no area with code {', '.join(missing)}")
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt("Password (at least 12 characters)", hide_input=True,
                                confirmation_prompt=True)
    try:
        user = ops.create_user(email, role, found, name=name, totp_required=require_totp,
                               password=password, now=_now())
        token = ops.issue_reset(user, _now()) if password is None else None
    except ops.AccountError as err:
        _fail(err)
    db.session.commit()
    scope = "all areas" if user.sees_all_areas else ", ".join(a.code for a in user.areas)
    click.echo(f"created {user.email} ({user.role}; {scope})")
    if token:
        hours = current_app.config["PULSE_RESET_HOURS"]
        click.echo(f"set a password within {hours} hours at:")
        _echo_link(token)


@users.command("list")
@with_appcontext
def list_() -> None:
    """List accounts with their role, areas and status."""
    for user in queries.all_users():
        scope = "*" if user.sees_all_areas else ",".join(a.code for a in user.areas)
        status = "disabled" if not user.is_active else ("no-password" if not user.password_hash
                                                       else "active")
        totp = "totp" if user.totp_enabled else ("totp-required" if user.totp_required else "-")
        click.echo(f"{user.email}\t{user.role}\t{scope}\t{status}\t{totp}")


@users.command("reset")
@click.option("--email", required=True)
@click.option("--clear-totp", is_flag=True, help="Also remove the second factor (lost phone).")
@with_appcontext
def reset(email: str, clear_totp: bool) -> None:
    """Print a one-time link to set a new password."""
    user = _user_or_fail(email)
    try:
        token = ops.issue_reset(user, _now(), clear_totp=clear_totp)
    except ops.AccountError as err:
        _fail(err)
    db.session.commit()
    _echo_link(token)


@users.command("disable")
@click.option("--email", required=True)
@with_appcontext
def disable(email: str) -> None:
    """Stop an account signing in and end its sessions."""
    user = _user_or_fail(email)
    try:
        ops.set_disabled(user, True, _now())
    except ops.AccountError as err:
        _fail(err)
    db.session.commit()
    click.echo(f"disabled {user.email}")


@users.command("enable")
@click.option("--email", required=True)
@with_appcontext
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    user = _user_or_fail(email)
    ops.set_disabled(user, False, _now())
    db.session.commit()
    click.echo(f"enabled {user.email}")


@users.command("prune")
@with_appcontext
def prune() -> None:
    """Forget old sign-in failures and long-ended sessions now (the daily retention job does
    it too)."""
    now = _now()
    failures, ended = ops.forget_old(now)
    db.session.commit()
    click.echo(f"forgot {failures} sign-in failure record(s) and {ended} old session(s)")
