"""``flask --app pulse instruments ...``"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..instruments.operations import ensure_core


@click.group(help="Survey instruments.")
def instruments() -> None:
    pass


@instruments.command("sync")
@with_appcontext
def sync() -> None:
    """Publish the core instrument shipped with this release (new version only if changed)."""
    version = ensure_core()
    db.session.commit()
    click.echo(f"core instrument at version {version.version}")


@instruments.command("local")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def local(file: str) -> None:
    """Publish local questions and collect them in areas between dates, from a JSON file.

    {"name": "ladywell", "areas": ["E05000444"], "starts": "2026-12-01", "ends": "2027-02-01",
     "questions": [{"code": "ladywell_dark", "kind": "scale", "scale": "s10",
                    "wording": {"en": "...", "cy": "..."}}]}
    A changed file publishes a new version; unchanged, it keeps the current one.
    """
    import json
    from pathlib import Path

    from sqlalchemy import select

    from ..admin.local import LocalError, publish_local, question_from, schedule
    from ..models import Area

    try:
        spec = json.loads(Path(file).read_text(encoding="utf-8"))
        questions = [question_from(q) for q in spec["questions"]]
        version = publish_local(spec["name"], questions)
        areas = []
        for code in spec.get("areas") or []:
            area = db.session.scalar(select(Area).where(Area.code == code))
            if area is None:
                raise LocalError(f"no area with code {code}")
            areas.append(area)
        if areas:
            starts, ends = _utc(spec["starts"]), _utc(spec["ends"])
            schedule(version, areas, starts=starts, ends=ends, label=f"Local: {spec['name']}")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            ValueError) as err:
        db.session.rollback()
        # A missing key's own message is just its name in quotes; a message's full stop would
        # sit before the semicolon.
        reason = (f"the file has no {err.args[0]!r}" if isinstance(err, KeyError)
                  else str(err).rstrip("."))
        raise click.ClickException(f"{reason}; nothing published") from None
    db.session.commit()
    click.echo(f"{version.instrument.code} at version {version.version}; "
               f"collecting in {len(areas)} areas")


def _utc(value: str):
    """A day or time from the file in UTC: a bare day or time is UTC, an offset is honoured."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(value)
    # Replacing the zone of "09:00+01:00" would move collection an hour later than written.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
