"""Fill a fresh database with the Lewisham demo. Operations add and flush; the CLI commits.

The numbers come from :mod:`pulse.demo.simulate` (plain Python); this module supplies the
areas, the wave and the instrument, runs every simulated answer through the same validation
and integrity rules as the web form, and writes the result in bulk.
"""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from surveys.integrity import hash_token, quality_flags
from surveys.validation import validate_submission

from ..areas.operations import ensure_area, import_geojson, open_wave
from ..extensions import db
from ..instruments.operations import ensure_core
from ..instruments.queries import definition_of
from ..models import PopulationMargin, Response
from ..survey.operations import Meta, NewResponse, record_responses
from . import simulate
from .queries import DEMO_WAVE, demo_wave

DATA = Path(__file__).parent / "data"
BOROUGH = ("E09000023", "Lewisham")


class SeedRefused(RuntimeError):
    """The database is not one the demo may fill."""


@dataclass(frozen=True)
class SeedReport:
    wards: int
    margins: int
    responses: int
    first_month: date
    last_month: date


def _wards(path: Path) -> list[simulate.Ward]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [simulate.Ward(f["properties"]["WD13CD"], f["properties"]["WD13NM"])
            for f in data["features"]]


def _fms_texts() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    with open(DATA / "fms_lewisham_sample.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["topic"]].append(row["text"])
    return dict(out)


def _margins(area_ids: dict[str, int], cells: dict[str, dict[tuple[str, str], int]]) -> int:
    """Store age band, sex and their cross as margins, for wards that have none yet."""
    have = set(db.session.scalars(select(PopulationMargin.area_id).distinct()))
    rows = []
    for code, table in cells.items():
        area_id = area_ids[code]
        if area_id in have:
            continue  # real figures loaded earlier win over illustrative ones
        by_age: dict[str, int] = defaultdict(int)
        by_sex: dict[str, int] = defaultdict(int)
        for (age, sex), n in table.items():
            by_age[age] += n
            by_sex[sex] += n
            rows.append(PopulationMargin(area_id=area_id, dimension="age_band:sex",
                                         category=f"{age}:{sex}", population=n))
        rows += [PopulationMargin(area_id=area_id, dimension="age_band", category=k, population=n)
                 for k, n in by_age.items()]
        rows += [PopulationMargin(area_id=area_id, dimension="sex", category=k, population=n)
                 for k, n in by_sex.items()]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def seed_demo(*, seed: int = 2023, months: int = 12, scale: float = 1.0,
              today: date | None = None) -> SeedReport:
    """Add the borough, its wards, margins, an always-on wave and simulated responses.

    Refuses (:class:`SeedRefused`) a database that already holds the demo or any response:
    simulated answers must never mix with real ones.
    """
    if demo_wave() is not None:
        raise SeedRefused("the demo is already seeded; nothing to do")
    existing = db.session.scalar(select(func.count()).select_from(Response))
    if existing:
        raise SeedRefused(f"the database already holds {existing} responses; the demo only "
                          "fills a fresh database")
    end = simulate.last_complete_month(today or datetime.now(UTC).date())
    month_list = simulate.month_starts(end, months)
    with open(DATA / "pas_lewisham_quarterly.csv", encoding="utf-8", newline="") as fh:
        levels = simulate.monthly_levels(simulate.read_pas(fh), months)

    version = ensure_core()
    borough = ensure_area(*BOROUGH, level="borough")
    geojson = DATA / "lewisham_wards_2013.geojson"
    import_geojson(geojson, parent=borough, level="ward")
    wards = _wards(geojson)
    area_ids = {w.code: a.id for w in wards for a in [ensure_area(w.code, w.name, "ward", borough)]}
    margins = _margins(area_ids, simulate.population_margins(wards, seed))
    opens = datetime(month_list[0].year, month_list[0].month, 1, tzinfo=UTC)
    wave = open_wave(borough, version.instrument, name=DEMO_WAVE, opens_at=opens)

    simulator = simulate.Simulator(wards, levels, month_list, seed=seed, scale=scale,
                                   fms=_fms_texts())
    instrument = definition_of(version)
    secret = current_app.config["SECRET_KEY"]
    min_seconds = current_app.config.get("PULSE_MIN_COMPLETION_SECONDS", 10)
    items = []
    for sim in simulator.run():
        submission = validate_submission(instrument, sim.answers)
        if not submission.ok:  # the simulator writes only valid answers; say so loudly if not
            raise AssertionError(f"simulated answer failed validation: {submission.errors}")
        flags = quality_flags(instrument, honeypot=sim.honeypot, elapsed_seconds=sim.duration_seconds,
                              answers=submission.answers.values(), min_seconds=min_seconds)
        items.append(NewResponse(
            area_id=area_ids[sim.area_code], wave_id=wave.id, submission=submission,
            meta=Meta(submitted_at=sim.submitted_at, language=sim.language, channel=sim.channel,
                      device_hash=hash_token(secret, sim.device_token),
                      submission_key=sim.form_key,
                      duration_seconds=sim.duration_seconds, quality_flags=tuple(flags))))
    record_responses(version, items)
    return SeedReport(wards=len(wards), margins=margins, responses=len(items),
                      first_month=month_list[0], last_month=month_list[-1])
