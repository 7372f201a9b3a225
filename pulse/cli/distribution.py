"""``flask --app pulse distribute ...`` and ``flask --app pulse codes ...``"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from surveys.access_codes import grouped

from ..codes import queries as code_queries
from ..codes.operations import MAX_BATCH, issue_codes, set_access
from ..distribution import links, printed, social
from ..distribution.material import NotForThisArea, check_languages, material_for, wave_for
from ..extensions import db
from ..models import Area, Wave
from ..models.wave import ACCESS_MODES
from .database_errors import refused


def _area(code: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None:
        raise click.UsageError(f"no area with code {code}")
    if not area.active:
        raise click.UsageError(f"area {code} is retired")
    return area


def _wave(wave_id: int | None) -> Wave | None:
    if wave_id is None:
        return None
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise click.UsageError(f"no wave {wave_id}")
    return wave


def _target(area_code: str | None, wave_id: int | None) -> tuple[Area, Wave | None]:
    wave = _wave(wave_id)
    if area_code is None and wave is None:
        raise click.UsageError("give --area CODE, or --wave ID to print for the wave's own area")
    area = _area(area_code) if area_code else wave.area
    try:
        return area, wave_for(area, wave)
    except NotForThisArea as err:
        raise click.UsageError(str(err)) from None


def _base(base_url: str | None) -> str:
    try:
        return links.public_base(base_url)
    except (ValueError, links.NoPublicUrl) as err:
        raise click.UsageError(str(err)) from None


def _languages(asked: tuple[str, ...]) -> list[str]:
    try:
        return check_languages(asked)
    except (ValueError, LookupError) as err:
        raise click.UsageError(str(err)) from None


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, completely or not at all."""
    if path.exists():
        raise click.UsageError(f"{path} already exists; choose another name")
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {path}: {err.strerror or err}") from None


def _common(command):
    command = click.option("--area", "area_code", help="Area code.")(command)
    command = click.option("--wave", "wave_id", type=int,
                           help="Wave id (its closing date is printed).")(command)
    command = click.option("--lang", "langs", multiple=True,
                           help="Language; repeat for several. Default: every enabled one.")(command)
    command = click.option("--base-url", help="Public address (default PULSE_PUBLIC_URL).")(command)
    return command


@click.group(help="Posters, leaflets and social posts that bring residents to a survey.")
def distribute() -> None:
    pass


def _print(kind, area_code, wave_id, langs, base_url, out: Path) -> None:
    area, wave = _target(area_code, wave_id)
    base = _base(base_url)
    materials = [material_for(area, wave, lang, base) for lang in _languages(langs)]
    try:
        data = kind(materials)
    except printed.LayoutOverflow as err:
        raise click.ClickException(str(err)) from None
    _write_new(out, data)
    click.echo(f"{out}: {len(materials)} page(s) for {area.code} "
               f"({', '.join(m.language for m in materials)}), QR code -> {materials[0].url}")
    if wave is not None and wave.access == "code":
        click.echo(f"note: wave {wave.id} takes answers only with a single-use code; this link "
                   "asks residents for one (`codes generate` prints leaflets with codes)", err=True)


@distribute.command("poster")
@_common
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def poster(area_code, wave_id, langs, base_url, out: Path) -> None:
    """An A4 poster with a QR code, one page per language."""
    _print(printed.poster, area_code, wave_id, langs, base_url, out)


@distribute.command("leaflet")
@_common
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def leaflet(area_code, wave_id, langs, base_url, out: Path) -> None:
    """An A6 leaflet with a QR code, one page per language."""
    _print(printed.leaflet, area_code, wave_id, langs, base_url, out)


@distribute.command("social")
@_common
@with_appcontext
def social_(area_code, wave_id, langs, base_url) -> None:
    """Text for social posts, short (X) and long (Facebook, Nextdoor), per language."""
    area, wave = _target(area_code, wave_id)
    base = _base(base_url)
    for lang in _languages(langs):
        link = links.survey_url(base, area.code, language=lang)
        for post in social.posts(material_for(area, wave, lang, base), link):
            click.echo(f"[{post.language}, {post.kind}]\n{post.text}\n")


@click.group(help="Single-use codes for leaflets and letters.")
def codes() -> None:
    pass


@codes.command("generate")
@click.option("--area", "area_code", required=True, help="Area code.")
@click.option("--count", type=click.IntRange(1, MAX_BATCH), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF of A6 leaflets, four to an A4 sheet, one code each.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV for a mail merge: code, area, link.")
@click.option("--lang", default=None, help="Language of the leaflets (default: the first enabled).")
@click.option("--base-url", help="Public address (default PULSE_PUBLIC_URL).")
@with_appcontext
def generate(area_code, count, out, csv_out, lang, base_url) -> None:
    """Make COUNT codes for an area. The codes are shown once, in the files written."""
    if out is None and csv_out is None:
        raise click.UsageError("give --out FILE.pdf, --csv FILE.csv, or both")
    area = _area(area_code)
    base = _base(base_url)
    language = _languages((lang,) if lang else ())[0]
    for path in (out, csv_out):
        if path is not None and path.exists():
            raise click.UsageError(f"{path} already exists; choose another name")
    wave = wave_for(area, None)
    written: list[Path] = []
    try:
        made = issue_codes(area, count, current_app.config["SECRET_KEY"])
        if out is not None:
            material = material_for(area, wave, language, base, codes=True)
            try:
                data = printed.code_sheets(material, made)
            except printed.LayoutOverflow as err:
                raise click.ClickException(str(err)) from None
            _write_new(out, data)
            written.append(out)
        if csv_out is not None:
            _write_new(csv_out, _mail_merge(area, made, links.code_url(base, area.code)))
            written.append(csv_out)
        db.session.commit()
    except (click.ClickException, SQLAlchemyError) as err:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(err, click.ClickException):
            raise
        raise refused(err, f"the database refused the codes ({type(err).__name__}); "
                           "none were issued") from None
    status = code_queries.status(area)
    click.echo(f"{count} codes issued for {area.code} -> {', '.join(map(str, written))} "
               f"(area now has {status.issued} issued, {status.used} used)")
    if wave is None or wave.access == "open":
        click.echo("note: no wave here takes codes yet; "
                   "`flask --app pulse codes access WAVE_ID code` (or both) turns them on")


def _mail_merge(area: Area, made: list[str], url: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "area_code", "area_name", "url"])
    for code in made:
        writer.writerow([grouped(code), area.code, area.name, url])
    return buf.getvalue().encode("utf-8")


@codes.command("status")
@click.option("--area", "area_code", required=True, help="Area code.")
@with_appcontext
def status_(area_code) -> None:
    """How many codes an area has had issued, and how many are used."""
    area = _area(area_code)
    status = code_queries.status(area)
    click.echo(f"{area.code}\tissued {status.issued}\tused {status.used}\tunused {status.unused}")


@codes.command("access")
@click.argument("wave_id", type=int)
@click.argument("mode", type=click.Choice(ACCESS_MODES))
@with_appcontext
def access(wave_id: int, mode: str) -> None:
    """Who may answer a wave: open (the link), code (a code only), or both."""
    wave = _wave(wave_id)
    set_access(wave, mode)
    db.session.commit()
    click.echo(f"wave {wave.id} ({wave.area.code}): access {mode}")
