""""Use my location": a point inside a real Lewisham ward finds that ward; anything else is a
clear 4xx with a message, and the point is never stored."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Area, Response

WARDS = Path(__file__).resolve().parent.parent / "data" / "lewisham_wards_2013.geojson"


@pytest.fixture
def wards(app, survey_area):
    """The 18 real Lewisham ward boundaries, under the survey area's borough."""
    from pulse.areas.operations import import_geojson

    with app.app_context():
        borough = db.session.scalar(select(Area).where(Area.code == survey_area.borough))
        report = import_geojson(WARDS, parent=borough, level="ward")
        db.session.commit()
        assert len(report.created) + len(report.updated) == 18 and not report.rejected
    return survey_area


@pytest.mark.parametrize("lat,lon,code,name", [
    (51.43902, -0.00916, "E05000440", "Catford South"),
    (51.45083, -0.03871, "E05000441", "Crofton Park"),
    (51.42859, -0.02456, "E05000437", "Bellingham"),
])
def test_point_inside_a_ward_finds_it(app, client, wards, lat, lon, code, name):
    reply = client.post("/s/locate", json={"lat": lat, "lon": lon})
    assert reply.status_code == 200
    assert reply.json == {"code": code, "name": name, "url": f"/s/{code}"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


@pytest.mark.parametrize("lat,lon", [
    (51.5080, -0.1281),   # Trafalgar Square, outside the borough
    (40.7580, -73.9855),  # Times Square
])
def test_point_outside_every_area_is_404(client, wards, lat, lon):
    reply = client.post("/s/locate", json={"lat": lat, "lon": lon})
    assert reply.status_code == 404
    assert "do not run a survey where you are" in reply.json["error"]


def test_retired_ward_is_not_found(app, client, wards):
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == "E05000440"))
        area.retired_at = area.created_at
        db.session.commit()
    assert client.post("/s/locate", json={"lat": 51.43902, "lon": -0.00916}).status_code == 404


@pytest.mark.parametrize("body,content_type", [
    (b'{"lat": 51.4, "lon": ', "application/json"),    # cut short
    (b"\xff\xfe not json", "application/json"),        # not even text
    (b"[51.4, -0.02]", "application/json"),            # the wrong shape
    (b'"51.4,-0.02"', "application/json"),
    (b"null", "application/json"),
    (b'{"lat": "north", "lon": -0.02}', "application/json"),
    (b'{"lat": 51.4}', "application/json"),
    (b'{"lat": NaN, "lon": 0}', "application/json"),
    (b'{"lat": 1e999, "lon": 0}', "application/json"),
    (b'{"lat": 91, "lon": 0}', "application/json"),
    (b'{"lat": 51.4, "lon": -181}', "application/json"),
    (b"lat=51.4&lon=-0.02", "application/x-www-form-urlencoded"),
    (b"", "application/json"),
])
def test_malformed_location_is_400(client, wards, body, content_type):
    reply = client.post("/s/locate", data=body, content_type=content_type)
    assert reply.status_code == 400
    assert reply.json["error"]
