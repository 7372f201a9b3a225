"""``flask --app pulse pack build|bulk|subscribe|unsubscribe|list``: briefing packs."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db


def _fail(err: Exception) -> click.ClickException:
    return click.ClickException(str(err))


def _new_file(path: Path) -> None:
    if path.exists():
        raise click.UsageError(f"{path} already exists; choose another name")
    if not path.parent.is_dir():
        raise click.UsageError(f"the folder {path.parent} does not exist")


def _pack_options(area_help: str, out_help: str):
    """--area, --period and --out, as build and bulk both take them."""
    def wrap(command):
        command = click.option("--out", required=True, help=out_help,
                               type=click.Path(dir_okay=False, path_type=Path))(command)
        command = click.option("--period", required=True,
                               help="2026-10, 2026-Q4 or R12-2026-10.")(command)
        return click.option("--area", "area_code", required=True, help=area_help)(command)
    return wrap


@contextmanager
def _committing(out: Path | None = None) -> Iterator[None]:
    """Commit what the block did (the audit row, the subscription); on a pack error, or a
    file ``out`` that cannot be written, roll back and say why. An existing ``out`` is
    refused first; the file itself is written whole or not at all (write_atomically)."""
    from ..packs.content import PackError

    if out is not None:
        _new_file(out)
    try:
        yield
    except PackError as err:
        db.session.rollback()
        raise _fail(err) from None
    except OSError as err:
        db.session.rollback()
        if out is None:
            raise
        raise click.ClickException(f"cannot write {out}: {err.strerror or err}") from None
    db.session.commit()


@click.group(help="Briefing packs (PDF) for an area and period.")
def pack() -> None:
    pass


@pack.command("build")
@_pack_options("Area code, e.g. E05000437.", "PDF file to write (must not exist).")
@with_appcontext
def build(area_code: str, period: str, out: Path) -> None:
    """Build one area's pack for one period."""
    from ..packs.operations import build_one, write_atomically

    with _committing(out):
        built = build_one(area_code, period)
        write_atomically(out, lambda fh: fh.write(built.data))
    click.echo(f"{out}: {built.pages} pages for {built.area_code}, {built.period}")


@pack.command("bulk")
@_pack_options("Parent area code (e.g. a borough).", "ZIP file to write (must not exist).")
@with_appcontext
def bulk(area_code: str, period: str, out: Path) -> None:
    """One pack per neighbourhood under the area, in one ZIP, with a progress bar.

    The packs are rendered in worker processes (PACK_PROCESSES, default one per CPU); if one
    fails, the run stops, says which area, and writes no ZIP.
    """
    from ..packs.operations import build_bulk, bulk_targets, write_atomically

    count: list[int] = []
    with _committing(out):
        _, leaves, _ = bulk_targets(area_code, period)
        with click.progressbar(length=len(leaves), label="Building packs",
                               show_pos=True) as bar:
            def step(done: int, total: int) -> None:
                bar.update(done - bar.pos)

            write_atomically(out, lambda fh: count.append(
                build_bulk(area_code, period, fh, progress=step)))
    click.echo(f"{out}: {count[0]} packs of {len(leaves)} neighbourhoods")


@pack.command("subscribe")
@click.option("--area", "area_code", required=True, help="Area code.")
@click.option("--frequency", required=True, type=click.Choice(("weekly", "monthly")))
@click.option("--email", "emails", default="",
              help="Addresses to send the pack to, comma-separated (needs SMTP_HOST).")
@with_appcontext
def subscribe(area_code: str, frequency: str, emails: str) -> None:
    """Write a weekly or monthly pack for an area to PACK_FOLDER (and e-mail it)."""
    from ..packs.subscriptions import subscribe as add

    with _committing():
        row = add(area_code, frequency, emails)
    click.echo(f"subscription {row.id}: {frequency} pack for {area_code}"
               + (f", e-mailed to {row.email_to}" if row.email_to else ""))


@pack.command("unsubscribe")
@click.argument("subscription_id", type=int)
@with_appcontext
def unsubscribe(subscription_id: int) -> None:
    """Stop a subscription (kept, inactive, for the record)."""
    from ..packs.subscriptions import unsubscribe as stop

    with _committing():
        stop(subscription_id)
    click.echo(f"subscription {subscription_id} stopped")


@pack.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include stopped subscriptions.")
@with_appcontext
def list_subscriptions(show_all: bool) -> None:
    """List pack subscriptions."""
    from ..packs.subscriptions import listing

    rows = listing(active_only=not show_all)
    if not rows:
        click.echo("no subscriptions")
    for sub, area in rows:
        last = sub.last_sent_at.strftime("%Y-%m-%d %H:%M") if sub.last_sent_at else "never"
        click.echo(f"{sub.id}\t{area.code}\t{sub.frequency}\t"
                   f"{'active' if sub.active else 'stopped'}\tlast {last}\t{sub.email_to or '-'}")
