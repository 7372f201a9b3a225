"""``flask --app pulse demo ...``"""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from ..demo.queries import demo_status
from ..demo.seed import SeedRefused, seed_demo
from ..extensions import db


@click.group(help="The demonstration database: Lewisham wards and simulated responses.")
def demo() -> None:
    pass


@demo.command("seed")
@click.option("--seed", "seed", default=2023, show_default=True, help="Random seed.")
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 36),
              help="Months of responses, ending last month.")
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(0.01, 10),
              help="Multiply the number of responses (1 = about 450 a month).")
@with_appcontext
def seed(seed: int, months: int, scale: float) -> None:
    """Fill a fresh database with Lewisham's wards and simulated responses.

    Running it again on a seeded database does nothing; a database that holds other
    responses is refused, so simulated answers never mix with real ones.
    """
    started = time.perf_counter()
    try:
        report = seed_demo(seed=seed, months=months, scale=scale)
    except SeedRefused as err:
        db.session.rollback()
        if demo_status() is not None:
            click.echo(str(err))
            return
        raise click.ClickException(str(err)) from None
    db.session.commit()
    click.echo(f"seeded Lewisham: {report.wards} wards, {report.margins} population margins, "
               f"{report.responses} simulated responses from {report.first_month:%B %Y} to "
               f"{report.last_month:%B %Y} in {time.perf_counter() - started:.1f} s")


@demo.command("status")
@click.option("--quiet", is_flag=True, help="Print nothing; the exit status says it all.")
@with_appcontext
def status(quiet: bool) -> None:
    """Exit 0 when the demo is seeded, 1 when it is not."""
    state = demo_status()
    if not quiet:
        if state is None:
            click.echo("not seeded")
        else:
            span = (f" from {state.first:%Y-%m-%d} to {state.last:%Y-%m-%d}"
                    if state.first and state.last else "")
            click.echo(f"seeded: {state.responses} simulated responses{span}")
    raise SystemExit(0 if state is not None else 1)
