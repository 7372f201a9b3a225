"""Waves from the admin console: open with access and target, progress, population mix, close."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.support import csrf_from


def _margins(app, code: str) -> None:
    from pulse.extensions import db
    from pulse.models import Area, PopulationMargin

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == code))
        for dimension, category, population in (
                ("sex", "female", 500), ("sex", "male", 500),
                ("age_band", "16-24", 200), ("age_band", "25-34", 200), ("age_band", "35-44", 200),
                ("age_band", "45-54", 200), ("age_band", "55-64", 100), ("age_band", "65+", 100)):
            db.session.add(PopulationMargin(area_id=area.id, dimension=dimension,
                                            category=category, population=population))
        db.session.commit()


def _responses(app, wave_id: int, code: str, people) -> None:
    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Area, Response

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == code))
        version = latest_version("core")
        for age, sex in people:
            db.session.add(Response(area_id=area.id, wave_id=wave_id, version_id=version.id,
                                    age_band=age, sex=sex,
                                    submitted_at=datetime(2026, 11, 2, tzinfo=UTC)))
        db.session.commit()


def test_open_wave_with_access_and_target_then_progress_and_close(app, client, auth, survey_area):
    from pulse.extensions import db
    from pulse.models import Wave

    auth.login("admin")
    token = csrf_from(client, "/admin/waves/")
    opened = client.post("/admin/waves/", data={
        "csrf_token": token, "area": survey_area.ward, "name": "Autumn doors",
        "access": "code", "target": "10"})
    assert opened.status_code == 302, opened.get_data(as_text=True)[:800]
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.name == "Autumn doors"))
        assert (wave.access, wave.target_responses, wave.closes_at) == ("code", 10, None)
        wave_id = wave.id
    _margins(app, survey_area.ward)
    _responses(app, wave_id, survey_area.ward,
               [("45-54", "female")] * 3 + [("55-64", "female")] + [(None, None)])
    page = client.get(f"/admin/waves/{wave_id}").get_data(as_text=True)
    assert '<progress id="reached" max="100" value="50">' in page
    # Men 16-24: 0 of 5 responses against 10% of residents (20% of ages x 50% men).
    assert "Men 16-24: 0% of responses, 10% of residents" in page
    assert "Women 45-54" in page and "60%" in page
    token = csrf_from(client, f"/admin/waves/{wave_id}")
    assert client.post(f"/admin/waves/{wave_id}/close", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Wave, wave_id).closes_at is not None
    again = client.post(f"/admin/waves/{wave_id}/close", data={"csrf_token": token},
                        follow_redirects=True)
    assert "already closed" in again.get_data(as_text=True)


def test_bad_wave_form_keeps_what_was_typed(app, client, auth, survey_area):
    auth.login("admin")
    token = csrf_from(client, "/admin/waves/")
    page = client.post("/admin/waves/", data={
        "csrf_token": token, "area": "NOPE", "name": "Spring street stalls",
        "access": "both", "target": "-3"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Spring street stalls" in text and "There is a problem" in text


def test_retired_area_cannot_open(app, client, auth, survey_area):
    from pulse.admin.operations import start_wave
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import Area

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
        area.retired_at = datetime.now(UTC)
        try:
            start_wave(area, ensure_core().instrument, name="x", access="open", target=None,
                       closes_at=None, now=datetime.now(UTC))
        except ValueError as err:
            assert "retired" in str(err)
        else:
            raise AssertionError("a retired area opened for collection")
        db.session.rollback()


def test_admin_scoped_to_a_subtree_sees_only_their_areas_waves(app, client, auth, tree):
    """An admin linked to Bellingham manages Bellingham and what lies inside it, nothing else."""
    from pulse.areas.operations import open_wave
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import Area

    with app.app_context():
        instrument = ensure_core().instrument
        ids = {}
        for code, name in ((tree.ward_a, "Bellingham doors"), (tree.ward_a_child, "North stalls"),
                           (tree.ward_b, "Blackheath doors"), (tree.borough, "Borough-wide")):
            area = db.session.scalar(select(Area).where(Area.code == code))
            ids[name] = open_wave(area, instrument, name=name,
                                  opens_at=datetime(2026, 11, 1, tzinfo=UTC)).id
        db.session.commit()
    auth.login("admin", areas=[tree.ward_a], email="bellingham.admin@example.org")
    page = client.get("/admin/waves/").get_data(as_text=True)
    assert "Bellingham doors" in page and "North stalls" in page
    assert "Blackheath doors" not in page and "Borough-wide" not in page
    # The open-collection form offers only their areas.
    assert f'value="{tree.ward_a_child}"' in page and f'value="{tree.ward_b}"' not in page
    assert client.get(f"/admin/waves/{ids['North stalls']}").status_code == 200
    for outside in ("Blackheath doors", "Borough-wide"):
        assert client.get(f"/admin/waves/{ids[outside]}").status_code == 404
    token = csrf_from(client, "/admin/waves/")
    assert client.post(f"/admin/waves/{ids['Blackheath doors']}/close",
                       data={"csrf_token": token}).status_code == 404
    refused = client.post("/admin/waves/", data={"csrf_token": token, "area": tree.ward_b,
                                                 "name": "Sneaky", "access": "open"})
    assert refused.status_code == 422 and "Sneaky" in refused.get_data(as_text=True)
    with app.app_context():
        from pulse.models import Wave

        assert db.session.get(Wave, ids["Blackheath doors"]).closes_at is None
        assert db.session.scalar(select(Wave).where(Wave.name == "Sneaky")) is None


def test_admin_without_areas_sees_every_wave(app, client, auth, tree):
    from pulse.areas.operations import open_wave
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import Area

    with app.app_context():
        instrument = ensure_core().instrument
        for code, name in ((tree.ward_a, "Bellingham doors"), (tree.other_ward, "Peckham doors")):
            area = db.session.scalar(select(Area).where(Area.code == code))
            open_wave(area, instrument, name=name, opens_at=datetime(2026, 11, 1, tzinfo=UTC))
        db.session.commit()
    auth.login("admin")
    page = client.get("/admin/waves/").get_data(as_text=True)
    assert "Bellingham doors" in page and "Peckham doors" in page


def test_the_console_links_every_admin_page(client, auth):
    auth.login("admin")
    page = client.get("/admin/").get_data(as_text=True)
    for href in ("/admin/responses/flagged", "/admin/areas", "/admin/instruments", "/admin/waves",
                 "/admin/users", "/admin/packs/", "/admin/api-tokens", "/admin/audit"):
        assert f'href="{href}' in page, href
