"""`flask areas import` and `flask waves`: boundaries in, collection opened and closed."""
from __future__ import annotations

import json
import re

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
    listed = runner.invoke(args=["waves", "list"]).output
    assert re.search(r"Autumn\t\d{4}-\d\d-\d\d \d\d:\d\d UTC → always on$", listed, re.M)
    with app.app_context():
        wave_id = db.session.scalar(select(Wave.id))
    closed = runner.invoke(args=["waves", "close", str(wave_id)])
    assert closed.exit_code == 0
    assert client.get("/s/W1").status_code == 410
    dated = runner.invoke(args=["waves", "open", "--area", "W1", "--name", "Winter",
                                "--closes", "2030-01-31 18:00:00"])
    assert dated.exit_code == 0, dated.output
    listed = runner.invoke(args=["waves", "list"]).output
    # Both ends to the minute, in UTC, alike.
    assert re.search(r"Winter\t\d{4}-\d\d-\d\d \d\d:\d\d UTC → 2030-01-31 18:00 UTC$", listed, re.M)
    assert re.search(r"Autumn\t\d{4}-\d\d-\d\d \d\d:\d\d UTC → \d{4}-\d\d-\d\d \d\d:\d\d UTC$",
                     listed, re.M)                # closed just now
    missing = runner.invoke(args=["waves", "open", "--area", "NOPE"])
    assert missing.exit_code != 0 and "no area with code NOPE" in missing.output


def test_import_rejects_features_no_lookup_could_use(runner, app, client, tmp_path):
    """Each odd feature is one reported rejection; nothing that would break "use my location"
    (strings, NaN, projected eastings as coordinates) or the database is stored."""
    def ring(*points):
        return {"type": "Polygon", "coordinates": [[list(p) for p in points]]}

    features = [
        5, [1], {"properties": "W1", "geometry": square(0, 0)},
        {"type": "Feature", "properties": {"code": "S1"},
         "geometry": ring(("a", "b"), ("c", "d"), ("a", "b"))},
        {"type": "Feature", "properties": {"code": "S2"},
         "geometry": ring((True, False), (True, True), (False, True))},
        {"type": "Feature", "properties": {"code": "S3"},
         "geometry": ring((530000, 180000), (531000, 180000), (531000, 181000))},
        {"type": "Feature", "properties": {"code": "S4"}, "geometry": ring((0, 0), (1, 1))},
        {"type": "Feature", "properties": {"code": "S5", "name": "n" * 201}, "geometry": square(0, 0)},
        {"type": "Feature", "properties": {"code": "S6", "name": "a\x00b"}, "geometry": square(0, 0)},
        {"type": "Feature", "properties": {"code": "OK1", "name": "Good"}, "geometry": square(0, 0)},
    ]
    path = tmp_path / "odd.geojson"
    # NaN is valid to Python's JSON reader; a byte-order mark is accepted.
    text = json.dumps({"type": "FeatureCollection", "features": features})
    nan = '{"type": "Feature", "properties": {"code": "S7"}, "geometry": {"type": "Polygon", ' \
          '"coordinates": [[[NaN, 0], [1, 0], [1, 1], [NaN, 0]]]}}'
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("[5,", "[5, " + nan + ",").encode())
    result = runner.invoke(args=["areas", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated, 10 rejected" in result.output
    for expected in ("feature 1: not a GeoJSON Feature", "feature 2: S7: a position holds nan",
                     "feature 3: not a GeoJSON Feature", "feature 4: not a GeoJSON Feature",
                     "feature 5: S1: a position holds 'a'", "feature 6: S2: a position holds True",
                     "feature 7: S3: position [530000, 180000] is not a longitude and latitude",
                     "feature 8: S4: a ring has fewer than three positions",
                     "feature 9: S5: the name is longer than 200", "feature 10: S6: the name"):
        assert expected in result.output, expected
    with app.app_context():
        assert db.session.scalars(select(Area.code)).all() == ["OK1"]
    assert client.post("/s/locate", json={"lat": 0.5, "lon": 0.5}).status_code in (200, 404)


def test_import_refuses_whole_files_and_options_it_cannot_store(runner, app, tmp_path):
    deep = tmp_path / "deep.geojson"
    deep.write_text("[" * 100000 + "]" * 100000)
    listed = tmp_path / "listed.geojson"
    listed.write_text(json.dumps({"type": "FeatureCollection", "features": {"a": 1}}))
    good = write_geojson(tmp_path / "good.geojson", [
        {"type": "Feature", "properties": {"code": "G1"}, "geometry": square(0, 0)}])
    for args, message in (
            ([str(deep)], "nested too deeply"),
            ([str(listed)], '"features" is not a list'),
            ([good, "--level", "x" * 33], "the level must be 1 to 32 characters"),
            ([good, "--parent", "a/b", "--parent-name", "Slash"], "a code is 1 to 32 letters"),
            ([good, "--parent", "P" * 33, "--parent-name", "Long"], "a code is 1 to 32 letters"),
            ([good, "--parent", "P1", "--parent-name", "n" * 201], "1 to 200 characters")):
        result = runner.invoke(args=["areas", "import", *args])
        assert result.exit_code != 0 and message in result.output, (args[1:], result.output)
    with app.app_context():
        assert db.session.scalar(select(Area)) is None
