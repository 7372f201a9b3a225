"""`flask demo seed` and `flask demo status` on a real database (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import func, select

from pulse.extensions import db
from pulse.instruments.queries import latest_version
from pulse.models import Answer, Area, PopulationMargin, Response, Wave

SMALL = ["demo", "seed", "--months", "2", "--scale", "0.1"]


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_fills_a_fresh_database(app, runner):
    assert runner.invoke(args=["demo", "status", "--quiet"]).exit_code == 1
    result = runner.invoke(args=SMALL)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("seeded Lewisham: 18 wards, 360 population margins, ")
    with app.app_context():
        borough = db.session.scalar(select(Area).where(Area.code == "E09000023"))
        assert borough.level == "borough" and borough.name == "Lewisham"
        wards = borough.children
        assert len(wards) == 18 and {w.level for w in wards} == {"ward"}
        assert all(w.boundary and w.boundary["type"] in ("Polygon", "MultiPolygon") for w in wards)
        assert "Bellingham" in {w.name for w in wards}

        [wave] = db.session.scalars(select(Wave)).all()
        assert wave.area_id == borough.id and wave.closes_at is None

        bellingham = next(w for w in wards if w.name == "Bellingham")
        margins = {(m.dimension, m.category): m.population for m in bellingham.margins}
        assert margins[("age_band", "65+")] == (margins[("age_band:sex", "65+:female")]
                                                + margins[("age_band:sex", "65+:male")])
        assert {c for d, c in margins if d == "sex"} == {"female", "male"}
        assert sum(n for (d, _), n in margins.items() if d == "sex") == \
            sum(n for (d, _), n in margins.items() if d == "age_band")

        responses = db.session.scalars(select(Response)).all()
        assert 50 < len(responses) < 200  # about 45 a month at a tenth of the scale
        core = latest_version("core")
        assert {r.version_id for r in responses} == {core.id}
        assert {r.wave_id for r in responses} == {wave.id}
        assert {r.area.parent_id for r in responses} == {borough.id}
        assert {r.channel for r in responses} <= {"web", "qr"}
        assert all(r.submitted_at >= wave.opens_at for r in responses)
        assert all(r.device_hash and len(r.device_hash) == 64 for r in responses)
        months = {(r.submitted_at.year, r.submitted_at.month) for r in responses}
        assert len(months) == 2
        # Every response answers every closed question (a value or "don't know").
        per_response = db.session.execute(
            select(Answer.response_id, func.count()).where(Answer.text.is_(None))
            .group_by(Answer.response_id)).all()
        assert {n for _, n in per_response} == {9} and len(per_response) == len(responses)


def test_status_and_seeding_twice(app, runner):
    assert runner.invoke(args=SMALL).exit_code == 0
    status = runner.invoke(args=["demo", "status"])
    assert status.exit_code == 0 and status.output.startswith("seeded: ")
    assert runner.invoke(args=["demo", "status", "--quiet"]).output == ""
    with app.app_context():
        before = count(Response)
    again = runner.invoke(args=SMALL)
    assert again.exit_code == 0 and "already seeded; nothing to do" in again.output
    with app.app_context():
        assert count(Response) == before and count(Wave) == 1 and count(PopulationMargin) == 360


def test_same_seed_same_data(app, runner):
    def snapshot():
        with app.app_context():
            return db.session.execute(select(
                Response.submitted_at, Response.age_band, Response.channel, Response.quality_flags)
                .order_by(Response.id)).all()

    assert runner.invoke(args=[*SMALL, "--seed", "5"]).exit_code == 0
    first = snapshot()
    with app.app_context():
        from tests.support import clean_tables
        clean_tables(db)
    assert runner.invoke(args=[*SMALL, "--seed", "5"]).exit_code == 0
    assert snapshot() == first and first


def test_seed_refuses_a_database_with_real_responses(app, runner, survey_area, client):
    from tests.support import submit

    assert submit(client, survey_area.ward).status_code == 302
    result = runner.invoke(args=SMALL)
    assert result.exit_code != 0
    assert "already holds 1 responses" in result.output
    with app.app_context():
        assert count(Response) == 1 and count(PopulationMargin) == 0
    assert runner.invoke(args=["demo", "status", "--quiet"]).exit_code == 1
