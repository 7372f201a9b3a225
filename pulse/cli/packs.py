"""``flask --app pulse pack build|bulk|subscribe|unsubscribe|list``: briefing packs."""
from __future__ import annotations

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


@click.group(help="Briefing packs (PDF) for an area and period.")
def pack() -> None:
    pass


@pack.command("build")
@click.option("--area", "area_code", required=True, help="Area code, e.g. E05000437.")
@click.option("--period", required=True, help="2026-10, 2026-Q4 or R12-2026-10.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="PDF file to write (must not exist).")
@with_appcontext
def build(area_code: str, period: str, out: Path) -> None:
    """Build one area's pack for one period."""
    from ..packs.content import PackError
    from ..packs.operations import build_one, write_atomically

    _new_file(out)
    try:
        built = build_one(area_code, period)
        write_atomically(out, lambda fh: fh.write(built.data))
    except PackError as err:
        db.session.rollback()
        raise _fail(err) from None
    except OSError as err:
        db.session.rollback()
        raise click.ClickException(f"cannot write {out}: {err.strerror or err}") from None
    db.session.commit()
    click.echo(f"{out}: {built.pages} pages for {built.area_code}, {built.period}")


@pack.command("bulk")
@click.option("--area", "area_code", required=True, help="Parent area code (e.g. a borough).")
@click.option("--period", required=True, help="2026-10, 2026-Q4 or R12-2026-10.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="ZIP file to write (must not exist).")
@with_appcontext
def bulk(area_code: str, period: str, out: Path) -> None:
    """One pack per neighbourhood under the area, in one ZIP, with a progress bar."""
    from ..packs.content import PackError
    from ..packs.operations import build_bulk, bulk_targets, write_atomically

    _new_file(out)
    try:
        _, leaves, _ = bulk_targets(area_code, period)
        with click.progressbar(length=len(leaves), label="Building packs",
                               show_pos=True) as bar:
            def step(done: int, total: int) -> None:
                bar.update(done - bar.pos)

            count: list[int] = []
            write_atomically(out, lambda fh: count.append(
                build_bulk(area_code, period, fh, progress=step)))
    except PackError as err:
        db.session.rollback()
        raise _fail(err) from None
    except OSError as err:
        db.session.rollback()
        raise click.ClickException(f"cannot write {out}: {err.strerror or err}") from None
    db.session.commit()
    click.echo(f"{out}: {count[0]} packs of {len(leaves)} neighbourhoods")


@pack.command("subscribe")
@click.option("--area", "area_code", required=True, help="Area code.")
@click.option("--frequency", required=True, type=click.Choice(("weekly", "monthly")))
@click.option("--email", "emails", default="",
              help="Addresses to send the pack to, comma-separated (needs SMTP_HOST).")
@with_appcontext
def subscribe(area_code: str, frequency: str, emails: str) -> None:
    """Write a weekly or monthly pack for an area to PACK_FOLDER (and e-mail it)."""
    from ..packs.content import PackError
    from ..packs.subscriptions import subscribe as add

    try:
        row = add(area_code, frequency, emails)
    except PackError as err:
        db.session.rollback()
        raise _fail(err) from None
    db.session.commit()
    click.echo(f"subscription {row.id}: {frequency} pack for {area_code}"
               + (f", e-mailed to {row.email_to}" if row.email_to else ""))


@pack.command("unsubscribe")
@click.argument("subscription_id", type=int)
@with_appcontext
def unsubscribe(subscription_id: int) -> None:
    """Stop a subscription (kept, inactive, for the record)."""
    from ..packs.content import PackError
    from ..packs.subscriptions import unsubscribe as stop

    try:
        stop(subscription_id)
    except PackError as err:
        db.session.rollback()
        raise _fail(err) from None
    db.session.commit()
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
