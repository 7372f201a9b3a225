"""``flask --app pulse users token create|revoke|list``: personal API tokens from the command line."""
from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from ..api import tokens
from ..auth import queries
from ..extensions import db


@click.group("token", help="Personal API tokens: create, revoke, list.")
def token() -> None:
    pass


def _user(email: str):
    user = queries.user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


@token.command("create")
@click.option("--email", required=True, help="The account the token acts as (its role and areas).")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--days", type=int, default=None,
              help=f"Days it lasts (1-{tokens.MAX_DAYS}; default {tokens.DEFAULT_DAYS}).")
@with_appcontext
def create(email: str, name: str, days: int | None) -> None:
    """Make a token and print it once; only its hash is stored."""
    user = _user(email)
    try:
        issued = tokens.issue(user, name, days=days, now=datetime.now(UTC))
    except tokens.TokenError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from None
    db.session.commit()
    expires = issued.token.expires_at.strftime("%Y-%m-%d")
    click.echo(f"token {issued.token.id} for {user.email}, expires {expires}; shown once:", err=True)
    click.echo(issued.secret)


@token.command("revoke")
@click.option("--id", "token_id", type=int, help="The token's number (see `list`).")
@click.option("--prefix", help="The first characters of the token, as listed.")
@with_appcontext
def revoke(token_id: int | None, prefix: str | None) -> None:
    """Revoke one token, by number or by its listed prefix."""
    if (token_id is None) == (prefix is None):
        raise click.UsageError("give exactly one of --id or --prefix")
    found = [tokens.token_by_id(token_id)] if token_id is not None else tokens.token_by_prefix(prefix)
    found = [t for t in found if t is not None]
    if len(found) != 1:
        raise click.ClickException("no such token" if not found else "several tokens match; use --id")
    changed = tokens.revoke(found[0], by=None, now=datetime.now(UTC))
    db.session.commit()
    click.echo(f"token {found[0].id} revoked" if changed else f"token {found[0].id} was already revoked")


@token.command("list")
@click.option("--email", default=None, help="Only this account's tokens.")
@with_appcontext
def list_tokens(email: str | None) -> None:
    """Tokens (never their secrets): number, owner, name, prefix, status."""
    now = datetime.now(UTC)
    rows = tokens.all_tokens()
    if email:
        rows = [(t, e) for t, e in rows if e == queries.normalise_email(email)]
    for t, owner in rows:
        click.echo(f"{t.id}\t{owner}\t{t.name}\t{t.prefix}\t{tokens.status(t, now)}")
