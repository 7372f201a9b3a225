"""``flask --app pulse waves ...``"""
from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..areas.operations import close_wave, open_wave
from ..extensions import db
from ..instruments.operations import ensure_core
from ..models import Area, Wave


def _area(code: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None:
        raise click.UsageError(f"no area with code {code}")
    return area


@click.group(help="Collection waves: open and close surveys per area.")
def waves() -> None:
    pass


@waves.command("open")
@click.option("--area", "area_code", required=True, help="Area code; covers every area below it.")
@click.option("--name", default="Always on", show_default=True)
@click.option("--closes", type=click.DateTime(), help="Closing time (UTC); omit for always-on.")
@click.option("--target", type=int, help="Target number of responses.")
@with_appcontext
def open_(area_code: str, name: str, closes: datetime | None, target: int | None) -> None:
    """Open collection for an area now."""
    area = _area(area_code)
    version = ensure_core()
    closes_at = closes.replace(tzinfo=UTC) if closes else None
    try:
        wave = open_wave(area, version.instrument, name=name, opens_at=datetime.now(UTC),
                         closes_at=closes_at, target=target)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    db.session.commit()
    click.echo(f"wave {wave.id} open for {area.code} ({name})")


@waves.command("close")
@click.argument("wave_id", type=int)
@with_appcontext
def close(wave_id: int) -> None:
    """Close a wave now."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise click.UsageError(f"no wave {wave_id}")
    close_wave(wave, datetime.now(UTC))
    db.session.commit()
    click.echo(f"wave {wave.id} closed")


@waves.command("list")
@with_appcontext
def list_() -> None:
    """List waves."""
    for wave in db.session.scalars(select(Wave).order_by(Wave.id)):
        # Both ends alike, to the minute (a wave opened from the console or the API opens at
        # the moment it was asked, not at midnight).
        closes = f"{wave.closes_at:%Y-%m-%d %H:%M} UTC" if wave.closes_at else "always on"
        click.echo(f"{wave.id}\t{wave.area.code}\t{wave.name}\t"
                   f"{wave.opens_at:%Y-%m-%d %H:%M} UTC → {closes}")
