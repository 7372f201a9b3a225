"""The per-process cache of areas, waves and versions never outlives a change made in-process."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, update

from tests.support import GOOD_ANSWERS, open_survey


def _post(client, code):
    return client.post(f"/s/{code}/questions", data={**open_survey(client, code), **GOOD_ANSWERS})


def test_a_wave_closed_by_a_bulk_update_is_closed_at_once(app, client, survey_area):
    from pulse.extensions import db
    from pulse.models import Wave

    assert client.get(f"/s/{survey_area.ward}").status_code == 200   # now cached
    with app.app_context():
        db.session.execute(update(Wave).where(Wave.id == survey_area.wave_id)
                           .values(closes_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(f"/s/{survey_area.ward}").status_code == 410


def test_a_retired_area_is_gone_at_once(app, client, survey_area):
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area

    assert _post(client, survey_area.ward).status_code == 302
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == survey_area.other_ward))
        assert client.get(f"/s/{survey_area.other_ward}").status_code == 200
        area.retired_at = datetime.now(UTC)
        db.session.commit()
    assert client.get(f"/s/{survey_area.other_ward}").status_code == 404


def test_with_the_cache_off_another_process_change_is_seen(app, client, survey_area):
    from pulse.models import Wave

    app.config["PULSE_SURVEY_CACHE_SECONDS"] = 0
    assert client.get(f"/s/{survey_area.ward}").status_code == 200
    # Another process: its own engine, which this app's listeners never see.
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.begin() as conn:
        conn.execute(update(Wave.__table__).where(Wave.__table__.c.id == survey_area.wave_id)
                     .values(closes_at=datetime.now(UTC) - timedelta(seconds=1)))
    other.dispose()
    assert client.get(f"/s/{survey_area.ward}").status_code == 410
