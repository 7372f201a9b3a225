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
