"""``flask --app pulse responses ...``"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..responses.importing import FileProblem, import_csv
from ..responses.queries import CHANNEL_LABELS, channel_counts
from .database_errors import refused


@click.group(help="Responses: import from a CSV file, count by channel, exclude or restore one.")
def responses() -> None:
    pass


@responses.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; store nothing.")
@click.option("--strict", is_flag=True, help="Store nothing if any row is rejected.")
@with_appcontext
def import_(file: Path, dry_run: bool, strict: bool) -> None:
    """Import responses from a CSV file: area_code,submitted_at, then question codes.

    Rows that fail are reported with their line number and reason; nothing from a failed row
    is stored, and the good rows are stored together or not at all.
    """
    try:
        outcome = import_csv(file, dry_run=dry_run, strict=strict)
        held_back = dry_run or (strict and outcome.rejected)
        if held_back:
            db.session.rollback()
        else:
            db.session.commit()
    except FileProblem as err:
        db.session.rollback()
        raise click.ClickException(f"{file}: {err}; nothing imported") from None
    except SQLAlchemyError as err:
        # The statement's parameters hold residents' free text: name the error, not them.
        db.session.rollback()
        raise refused(
            err, f"the database refused the import ({type(err).__name__}); nothing imported"
        ) from None
    rejected = outcome.rejected
    would = len(outcome.parsed.good) - len(outcome.already)
    if dry_run:
        summary = f"dry run: {would} would be imported, {len(rejected)} rejected"
    elif held_back:
        summary = f"0 imported, {len(rejected)} rejected (--strict: nothing stored)"
    else:
        summary = f"{outcome.imported} imported, {len(rejected)} rejected"
    if outcome.already:
        summary += f", {len(outcome.already)} already imported earlier (skipped)"
    click.echo(summary)
    for row in rejected:
        click.echo(f"line {row.line}: {row.reason}")
    if strict and rejected:
        raise SystemExit(1)


@responses.command("channels")
@click.option("--area", "area_code", help="Area code; includes every area below it.")
@click.option("--wave", "wave_id", type=int, help="Only this wave.")
@with_appcontext
def channels(area_code: str | None, wave_id: int | None) -> None:
    """Responses per area and wave by channel: link, QR, code, door-to-door, import."""
    from ..models import Area, Wave

    area = wave = None
    if area_code is not None:
        area = db.session.scalar(select(Area).where(Area.code == area_code))
        if area is None:
            raise click.UsageError(f"no area with code {area_code}")
    if wave_id is not None:
        wave = db.session.get(Wave, wave_id)
        if wave is None:
            raise click.UsageError(f"no wave {wave_id}")
    rows = channel_counts(area, wave)
    names = list(CHANNEL_LABELS)
    click.echo("\t".join(["area", "wave", *(CHANNEL_LABELS[n] for n in names), "total"]))
    for row in rows:
        click.echo("\t".join([row.area_code, str(row.wave_id or "-"),
                              *(str(row.counts.get(n, 0)) for n in names), str(row.total)]))
    if not rows:
        click.echo("no responses")


def _review(response_id: int, excluded: bool, reason: str, by: str | None) -> None:
    from datetime import UTC, datetime

    from ..admin.operations import ReviewError, set_excluded
    from ..auth.queries import user_by_email
    from ..models import Response

    response = db.session.get(Response, response_id)
    if response is None:
        raise click.UsageError(f"no response {response_id}")
    user = None
    if by:
        user = user_by_email(by)
        if user is None:
            raise click.UsageError(f"no user with the address {by}")
    try:
        set_excluded(response, excluded, reason, by=user, now=datetime.now(UTC))
    except ReviewError as err:
        db.session.rollback()
        raise click.UsageError(str(err)) from None
    db.session.commit()
    click.echo(f"response {response_id} {'excluded' if excluded else 'restored'}; "
               "estimates change on the next aggregation")


@responses.command("exclude")
@click.argument("response_id", type=int)
@click.option("--reason", required=True, help="Why; kept with the decision.")
@click.option("--by", "by", help="Email address of the admin deciding (recorded).")
@with_appcontext
def exclude(response_id: int, reason: str, by: str | None) -> None:
    """Leave a response out of every estimate, recording why."""
    _review(response_id, True, reason, by)


@responses.command("restore")
@click.argument("response_id", type=int)
@click.option("--reason", required=True, help="Why; kept with the decision.")
@click.option("--by", "by", help="Email address of the admin deciding (recorded).")
@with_appcontext
def restore(response_id: int, reason: str, by: str | None) -> None:
    """Count an excluded response again, recording why."""
    _review(response_id, False, reason, by)
