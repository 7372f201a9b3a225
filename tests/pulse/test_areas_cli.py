"""`flask areas import` and `flask waves`: boundaries in, collection opened and closed."""
from __future__ import annotations

import json

from sqlalchemy import select

from pulse.extensions import db
from pulse.models import Area, Wave


def square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}


def write_geojson(path, features) -> str:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def test_import_reports_bad_features_and_keeps_good_ones(runner, app, tmp_path):
    features = [
        {"type": "Feature", "properties": {"WD13CD": "E05000001", "WD13NM": "North"}, "geometry": square(0, 0)},
        {"type": "Feature", "properties": {"WD13CD": "E05000002", "WD13NM": "South"}, "geometry": square(0, 1)},
        {"type": "Feature", "properties": {"WD13NM": "No code"}, "geometry": square(0, 2)},
        {"type": "Feature", "properties": {"code": "P1"}, "geometry": {"type": "Point", "coordinates": [0, 0]}},
        {"type": "Feature", "properties": {"WD13CD": "E05000001"}, "geometry": square(0, 3)},
    ]
    path = write_geojson(tmp_path / "wards.geojson", features)
    result = runner.invoke(args=["areas", "import", path, "--parent", "E09000099",
                                 "--parent-name", "Testborough", "--level", "ward"])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 3 rejected" in result.output
    assert "feature 3: no code property" in result.output
    assert "feature 4: P1: geometry is not a Polygon" in result.output
    assert "feature 5: code 'E05000001' is too long or repeated" in result.output
    with app.app_context():
        north = db.session.scalar(select(Area).where(Area.code == "E05000001"))
        assert north.name == "North" and north.level == "ward"
        assert north.parent.code == "E09000099" and north.parent.level == "borough"
        assert north.boundary["type"] == "Polygon"

    # Importing again updates rather than duplicating.
    again = runner.invoke(args=["areas", "import", path, "--parent", "E09000099"])
    assert "0 created, 2 updated" in again.output
    listing = runner.invoke(args=["areas", "list"])
    assert "E09000099\tTestborough [borough]" in listing.output
    assert "  E05000001\tNorth [ward]" in listing.output


def test_import_refuses_unusable_files(runner, app, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    result = runner.invoke(args=["areas", "import", str(bad)])
    assert result.exit_code != 0 and "cannot read" in result.output
    other = tmp_path / "point.geojson"
    other.write_text(json.dumps({"type": "Feature"}))
    result = runner.invoke(args=["areas", "import", str(other)])
    assert result.exit_code != 0 and "not a GeoJSON FeatureCollection" in result.output
    result = runner.invoke(args=["areas", "import", str(other), "--parent", "NOPE"])
    assert result.exit_code != 0 and "no area NOPE" in result.output
    with app.app_context():
        assert db.session.scalar(select(Area)) is None


def test_waves_open_list_close(runner, app, tmp_path, client):
    path = write_geojson(tmp_path / "w.geojson", [
        {"type": "Feature", "properties": {"code": "W1", "name": "Ward One"}, "geometry": square(0, 0)}])
    runner.invoke(args=["areas", "import", path, "--parent", "B1", "--parent-name", "Borough"])
    assert client.get("/s/W1").status_code == 410  # nothing open yet
    opened = runner.invoke(args=["waves", "open", "--area", "B1", "--name", "Autumn"])
    assert opened.exit_code == 0 and "open for B1" in opened.output
    assert client.get("/s/W1").status_code == 200  # a borough's wave covers its wards
    assert "Autumn" in runner.invoke(args=["waves", "list"]).output
    with app.app_context():
        wave_id = db.session.scalar(select(Wave.id))
    closed = runner.invoke(args=["waves", "close", str(wave_id)])
    assert closed.exit_code == 0
    assert client.get("/s/W1").status_code == 410
    missing = runner.invoke(args=["waves", "open", "--area", "NOPE"])
    assert missing.exit_code != 0 and "no area with code NOPE" in missing.output
