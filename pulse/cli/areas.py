"""``flask --app pulse areas ...``"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..areas.operations import CODE, ImportError_, ensure_area, import_geojson
from ..extensions import db
from ..models import Area


@click.group(help="Areas: boundaries, the tree and population margins.")
def areas() -> None:
    pass


@areas.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--parent", "parent_code", help="Code of the parent area (created if --parent-name is given).")
@click.option("--parent-name", help="Name for the parent area, when it does not exist yet.")
@click.option("--parent-level", default="borough", show_default=True)
@click.option("--level", default="neighbourhood", show_default=True, help="Level of the imported areas.")
@with_appcontext
def import_(file: Path, parent_code: str | None, parent_name: str | None, parent_level: str,
            level: str) -> None:
    """Load area boundaries from a GeoJSON FeatureCollection."""
    parent = None
    if parent_code:
        if not CODE.fullmatch(parent_code):
            raise click.UsageError(f"--parent {parent_code[:40]!r}: a code is 1 to 32 letters, "
                                   "digits and _ . -")
        parent = db.session.scalar(select(Area).where(Area.code == parent_code))
        if parent is None and not parent_name:
            raise click.UsageError(f"no area {parent_code}; give --parent-name to create it")
        if parent is None and not 1 <= len(parent_name.strip()) <= 200:
            raise click.UsageError("--parent-name must be 1 to 200 characters")
        parent = parent or ensure_area(parent_code, parent_name, parent_level)
    try:
        report = import_geojson(file, parent=parent, level=level)
    except ImportError_ as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from None
    db.session.commit()
    click.echo(f"{len(report.created)} created, {len(report.updated)} updated, "
               f"{len(report.rejected)} rejected")
    for number, reason in report.rejected:
        click.echo(f"  feature {number}: {reason}", err=True)


@areas.command("list")
@with_appcontext
def list_() -> None:
    """List areas as an indented tree."""
    rows = db.session.scalars(select(Area).order_by(Area.name)).all()
    children: dict[int | None, list[Area]] = {}
    for area in rows:
        children.setdefault(area.parent_id, []).append(area)

    def show(parent_id: int | None, depth: int) -> None:
        for area in children.get(parent_id, []):
            retired = " (retired)" if area.retired_at else ""
            click.echo(f"{'  ' * depth}{area.code}\t{area.name} [{area.level}]{retired}")
            show(area.id, depth + 1)

    show(None, 0)


@areas.command("margins")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def margins(file: Path) -> None:
    """Load population margins (area_code,dimension,category,population) for weighting.

    Every row is checked first; if any is wrong, each problem is listed with its line number
    and nothing is stored. The areas' estimates are recomputed at the next aggregation.
    """
    from ..areas.margins import MarginsFileError, check_file, replace_margins
    from ..estimates.operations import mark_areas_dirty

    try:
        report = check_file(file)
    except MarginsFileError as err:
        raise click.ClickException(f"{err}; nothing stored") from None
    if report.errors:
        for number, problem in report.errors:
            click.echo(f"  line {number}: {problem}", err=True)
        raise click.ClickException(f"{len(report.errors)} rows rejected; nothing stored")
    stored = replace_margins(report)
    mark_areas_dirty(report.areas)
    db.session.commit()
    click.echo(f"{stored} margins stored for {len(report.areas)} areas")
