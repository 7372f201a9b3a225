"""Generated survey data for the aggregation tests, written through the real operations."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from surveys.core import AGE_BANDS, CORE, ETHNICITIES, SEXES
from surveys.validation import validate_submission

BOROUGH = "E09000099"
WARDS = [f"E0599{i:04d}" for i in range(5)]


def make_tree() -> None:
    from pulse.areas.operations import ensure_area
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core

    ensure_core()
    borough = ensure_area(BOROUGH, "Testham", "borough")
    for i, code in enumerate(WARDS):
        ensure_area(code, f"Ward {i}", "ward", borough)
    db.session.commit()


def raw_answers(rng: random.Random, lean: int) -> dict[str, str]:
    def s10() -> str:
        return "dk" if rng.random() < 0.05 else str(max(0, min(10, round(rng.gauss(5 + lean, 2)))))

    def five() -> str:
        return "dk" if rng.random() < 0.05 else str(rng.randint(1, 5))

    return {
        "safe_day": s10(), "safe_night": s10(), "respect": s10(), "listen": s10(),
        "fair": s10(), "relied_on": five(), "things_that_matter": five(), "informed": five(),
        "good_job": five(),
        "age_band": rng.choice(AGE_BANDS + ("prefer_not",)),
        "sex": rng.choice(SEXES[:2] * 4 + ("prefer_not",)),
        "ethnicity": rng.choice(ETHNICITIES + ("prefer_not",)),
    }


def add_responses(count: int, months: list[tuple[int, int]], seed: int,
                  wards: list[str] | None = None) -> None:
    """Add ``count`` valid responses through record_responses (which marks cells dirty)."""
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Area
    from pulse.survey.operations import Meta, NewResponse, record_responses

    rng = random.Random(seed)
    version = latest_version("core")
    ids = {code: aid for code, aid in db.session.execute(select(Area.code, Area.id))}
    weights = [30, 25, 20, 15, 3]
    items = []
    for _ in range(count):
        code = rng.choices(wards or WARDS, weights=None if wards else weights)[0]
        year, month = rng.choice(months)
        at = datetime(year, month, rng.randint(1, 28), rng.randint(0, 23), tzinfo=UTC)
        submission = validate_submission(CORE, raw_answers(rng, WARDS.index(code) % 3))
        assert submission.ok, submission.errors
        items.append(NewResponse(area_id=ids[code], submission=submission, meta=Meta(
            submitted_at=at, language="en", channel="import",
            submission_key=uuid.uuid4().hex)))
    record_responses(version, items)
    db.session.commit()


def seed_small_ward(small_count: int, seed: int = 7) -> list[tuple[int, int]]:
    """Four wards with 300 responses between them and the fifth with ``small_count``.

    The months are 40 and 10 days back, so both fall inside every current period whatever the
    date; they are returned for callers that add more. Call inside an application context.
    """
    now = datetime.now(UTC)
    recent = [(d.year, d.month) for d in (now - timedelta(days=40), now - timedelta(days=10))]
    make_tree()
    add_margins()
    add_responses(300, recent, seed=seed, wards=WARDS[:4])
    add_responses(small_count, recent, seed=seed + 1, wards=[WARDS[4]])
    return recent


def open_borough_wave() -> None:
    """An always-on wave for the borough, opened yesterday, so residents can answer in every ward."""
    from sqlalchemy import select

    from pulse.areas.operations import open_wave
    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Area

    borough = db.session.scalar(select(Area).where(Area.code == BOROUGH))
    open_wave(borough, latest_version("core").instrument, name="Always on",
              opens_at=datetime.now(UTC) - timedelta(days=1))
    db.session.commit()


def add_margins() -> None:
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area, PopulationMargin

    for code in WARDS[:4]:
        area_id = db.session.scalar(select(Area.id).where(Area.code == code))
        for k, band in enumerate(AGE_BANDS):
            db.session.add(PopulationMargin(area_id=area_id, dimension="age_band",
                                            category=band, population=800 + 150 * k))
        for sex, pop in (("female", 5200), ("male", 4900)):
            db.session.add(PopulationMargin(area_id=area_id, dimension="sex", category=sex,
                                            population=pop))
    db.session.commit()


def table_snapshot() -> list[tuple]:
    """Every stored estimate row, without ids and timestamps, in a stable order."""
    from sqlalchemy import text

    from pulse.extensions import db

    rows = db.session.execute(text(
        "SELECT a.code, e.period, e.measure, e.group_label, e.unit, e.n, e.effective_n, "
        "e.estimate, e.std_error, e.ci_low, e.ci_high, e.suppressed, e.suppressed_reason, "
        "e.weighted, e.change, e.change_significant, e.modelled_estimate "
        "FROM estimate e JOIN area a ON a.id = e.area_id")).all()
    return sorted(tuple(r) for r in rows)


def headline_pack_text(app, runner, area_code: str, kind: str, out) -> tuple[str, str]:
    """Build the briefing pack of ``area_code`` for its latest period of ``kind`` into
    ``out`` through the CLI; return its whole text and its headline table, each with
    whitespace collapsed."""
    from pypdf import PdfReader
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area, Estimate

    with app.app_context():
        area_id = db.session.scalar(select(Area.id).where(Area.code == area_code))
        period = db.session.scalar(select(Estimate.period).where(
            Estimate.area_id == area_id, Estimate.period_kind == kind)
            .order_by(Estimate.period_end.desc()).limit(1))
    result = runner.invoke(args=["pack", "build", "--area", area_code, "--period", period,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    return text, text[text.index("Headline measures"):text.index("Methodology and caveats")]
