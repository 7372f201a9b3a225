"""``flask --app pulse export estimates|comments|responses --out FILE [--format csv|xlsx]``.

The same operation as the Exports page; each run adds one audit row with actor "command line".
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .database_errors import refused


def run_export(kind: str, out: Path, fmt: str | None, area_code: str | None,
               period: str | None, date_from: str | None = None,
               date_to: str | None = None) -> None:
    """Check the options, write the file, record and commit; a ClickException on bad input."""
    from ..audit.operations import COMMAND_LINE
    from ..exports.filters import ExportFilter, check_range, parse_day, parse_period
    from ..exports.operations import write_file
    from ..models import Area

    fmt = fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    try:
        chosen = parse_period(period)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--period") from None
    try:
        start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
        check_range(start, end)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    area = None
    if area_code:
        area = db.session.scalar(select(Area).where(Area.code == area_code))
        if area is None:
            raise click.BadParameter(f"there is no area {area_code!r}", param_hint="--area")
    f = ExportFilter.build(area=area, period=chosen, date_from=start, date_to=end)
    try:
        rows = write_file(kind, fmt, f, out, actor=COMMAND_LINE)
        db.session.commit()
    except OSError as err:
        db.session.rollback()
        raise click.ClickException(f"cannot write {out}: {err}") from None
    except SQLAlchemyError as err:
        db.session.rollback()
        raise refused(err, f"the database refused the export ({type(err).__name__})") from None
    click.echo(f"{rows} rows written to {out}")


def _options(command):
    for option in reversed((
        click.option("--out", "out", required=True,
                     type=click.Path(dir_okay=False, path_type=Path), help="File to write."),
        click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]),
                     help="csv or xlsx (default: from the file name, else csv)."),
        click.option("--area", "area_code", help="This area and every area below it."),
        click.option("--period", help="Only this period (2026-10, 2026-Q4 or R12-2026-10)."),
        click.option("--from", "date_from", help="From this day (YYYY-MM-DD)."),
        click.option("--to", "date_to", help="Up to and including this day (YYYY-MM-DD)."),
    )):
        command = option(command)
    return command


@click.group("export", help="Export data to CSV or XLSX (each run is written to the audit log).")
def export() -> None:
    pass


@export.command("estimates")
@_options
@with_appcontext
def estimates(**kw) -> None:
    """Stored estimates; suppressed cells are empty and the suppressed column says why."""
    run_export("estimates", **kw)


@export.command("comments")
@_options
@with_appcontext
def comments(**kw) -> None:
    """Comments: redacted text only, with the live model's topic and confidence."""
    run_export("comments", **kw)


@export.command("responses")
@_options
@with_appcontext
def responses(**kw) -> None:
    """One row per response: answers by question code, demographics, channel, time, area.

    No free text, device hash or anything that links to an access code.
    """
    run_export("responses", **kw)
