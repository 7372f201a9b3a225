"""Areas in the admin console: uploads with preview and confirm, the tree, retiring."""
from __future__ import annotations

import io
import json
import re

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.support import csrf_from, form_tokens

SQUARE = {"type": "Polygon", "coordinates": [[[-0.02, 51.45], [-0.01, 51.45], [-0.01, 51.46],
                                               [-0.02, 51.46], [-0.02, 51.45]]]}


def _geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(code, name, geometry=SQUARE):
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}


def _count_areas(app) -> int:
    from pulse.extensions import db
    from pulse.models import Area

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Area))


def _post_file(client, path, content: bytes, filename: str, **fields):
    token = csrf_from(client, path)
    return client.post(path, data={"csrf_token": token, "file": (io.BytesIO(content), filename),
                                   **fields}, content_type="multipart/form-data")


def test_boundaries_preview_then_confirm_applies_what_was_previewed(app, client, auth, tree):
    auth.login("admin")
    before = _count_areas(app)
    content = _geojson(_feature("LW-01", "Ladywell Fields"), _feature("E05000437", "Bellingham (new)"),
                       {"type": "Feature", "properties": {"name": "no code"}, "geometry": SQUARE},
                       _feature("LW-02", "Broken", {"type": "Point", "coordinates": [0, 51]}))
    preview = _post_file(client, "/admin/areas/boundaries", content, "areas.geojson",
                         parent=tree.borough, level="neighbourhood")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:1000]
    assert "1 areas will be created, 1 updated, 2 features rejected" in page
    assert "LW-01" in page and "no code property" in page and "not a Polygon" in page
    assert _count_areas(app) == before          # the preview stored nothing
    token = form_tokens(page)  # csrf_token of the confirm form is the session's, the same
    confirm_token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post("/admin/areas/boundaries/confirm",
                       data={"csrf_token": token["csrf_token"], "token": confirm_token})
    assert done.status_code == 302
    assert _count_areas(app) == before + 1
    from pulse.extensions import db
    from pulse.models import Area
    with app.app_context():
        new = db.session.scalar(select(Area).where(Area.code == "LW-01"))
        assert new.parent.code == tree.borough and new.boundary == SQUARE
    # The token is used up: applying twice is refused with a reason, not a 500.
    again = client.post("/admin/areas/boundaries/confirm",
                        data={"csrf_token": token["csrf_token"], "token": confirm_token},
                        follow_redirects=True)
    assert "expired or was already applied" in again.get_data(as_text=True)
    forged = client.post("/admin/areas/boundaries/confirm",
                         data={"csrf_token": token["csrf_token"], "token": "../../etc/passwd"},
                         follow_redirects=True)
    assert "not known" in forged.get_data(as_text=True)


def test_bad_uploads_get_clear_messages(app, client, auth, tree):
    auth.login("admin")
    cases = [(b"{not json", "a.geojson", "Expecting"),
             (b"\xff\xfe\x00binary", "a.geojson", "cannot read the file"),
             (json.dumps({"type": "Feature"}).encode(), "a.geojson", "not a GeoJSON FeatureCollection"),
             (b"   ", "a.geojson", "The file is empty")]
    for content, name, message in cases:
        page = _post_file(client, "/admin/areas/boundaries", content, name, parent="",
                          level="ward")
        text = page.get_data(as_text=True)
        assert page.status_code == 422 and message in text, (content, text[:2000])
        assert "/uploads/" not in text      # no server path in the message
    missing = _post_file(client, "/admin/areas/boundaries", b"", "", parent="", level="ward")
    assert missing.status_code == 422 and "Choose a GeoJSON file" in missing.get_data(as_text=True)


def test_odd_features_are_rejected_in_the_preview_not_a_500(app, client, auth, tree):
    auth.login("admin")
    before = _count_areas(app)
    strings = {"type": "Polygon", "coordinates": [[["a", "b"], ["c", "d"], ["a", "b"]]]}
    content = _geojson(1, _feature("LW-03", "Strings", strings), _feature("LW-04", "Fine"))
    preview = _post_file(client, "/admin/areas/boundaries", content, "areas.geojson",
                         parent=tree.borough, level="neighbourhood")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:1000]
    assert "1 areas will be created, 0 updated, 2 features rejected" in page
    assert "not a GeoJSON Feature" in page and "a position holds &#39;a&#39;" in page
    for content, message in ((b'{"type": "FeatureCollection", "features": {"a": 1}}',
                              "is not a list"),
                             (b"[" * 50000 + b"]" * 50000, "JSON nested too deeply")):
        refused = _post_file(client, "/admin/areas/boundaries", content, "a.geojson",
                             parent="", level="ward")
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert _count_areas(app) == before


def test_a_nul_byte_beside_an_upload_is_a_400_that_says_why(app, client, auth, tree):
    """Multipart is read inside the view, after the NUL check of every other staff form: the
    upload views check it themselves (a NUL in the parent's code was a 500 on PostgreSQL, one
    in the level kept with the file). A NUL in a name's second value counts as well."""
    from pathlib import Path

    auth.login("admin")
    before = _count_areas(app)
    content = _geojson(_feature("LW-05", "Ladywell Fields"))
    for fields in ({"parent": "E0\x009000023", "level": "ward"},
                   {"parent": tree.borough, "level": "wa\x00rd"}):
        page = _post_file(client, "/admin/areas/boundaries", content, "areas.geojson", **fields)
        assert page.status_code == 400, (fields, page.status_code)
        assert "NUL byte" in page.get_data(as_text=True)
    margins = _post_file(client, "/admin/areas/margins", b"area_code,dimension,category,"
                         b"population\n", "m.csv", note="x\x00y")
    assert margins.status_code == 400 and "NUL byte" in margins.get_data(as_text=True)
    uploads = Path(app.instance_path) / "uploads"
    assert not uploads.exists() or not any(uploads.rglob("*.*")), "nothing kept"
    token = csrf_from(client, f"/admin/areas/{tree.ward_a}")
    twice = client.post(f"/admin/areas/{tree.ward_a}", data=MultiDict([
        ("csrf_token", token), ("name", "Fine"), ("name", "Not\x00fine"),
        ("parent", tree.borough)]))
    assert twice.status_code == 400 and "NUL byte" in twice.get_data(as_text=True)
    assert _count_areas(app) == before


def test_huge_upload_is_refused_with_a_reason(app, client, auth, tree):
    from pulse.admin import area_views

    auth.login("admin")
    token = csrf_from(client, "/admin/areas/margins")
    # A body built here in memory: the test client would spool a multipart dict to a temp file.
    body = (b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            + token.encode() + b'\r\n--B\r\nContent-Disposition: form-data; name="file"; '
            b'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
            + b"x" * (area_views.CSV_MAX + 70 * 1024) + b"\r\n--B--\r\n")
    page = client.post("/admin/areas/margins", data=body,
                       content_type="multipart/form-data; boundary=B")
    assert page.status_code == 413
    assert "larger than 5 MB" in page.get_data(as_text=True)


def test_margins_preview_reports_rows_and_errors_and_confirm_stores(app, client, auth, tree):
    from pulse.extensions import db
    from pulse.models import PopulationMargin

    auth.login("admin")
    bad = (f"area_code,dimension,category,population\n{tree.ward_a},sex,female,500\n"
           f"NOPE,sex,male,3\n{tree.ward_a},sex,robot,4\n").encode()
    page = _post_file(client, "/admin/areas/margins", bad, "m.csv")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "2 rows have problems" in text
    assert "no area with code &#39;NOPE&#39;" in text and "robot" in text
    assert "Store these margins" not in text
    good = (f"area_code,dimension,category,population\n{tree.ward_a},sex,female,500\n"
            f"{tree.ward_a},sex,male,480\n").encode()
    text = _post_file(client, "/admin/areas/margins", good, "m.csv").get_data(as_text=True)
    assert "2 rows for 1 areas" in text and "Bellingham" in text
    token = text.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post("/admin/areas/margins/confirm",
                       data={"csrf_token": form_tokens(text)["csrf_token"], "token": token})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.sum(PopulationMargin.population))) == 980
    broken = _post_file(client, "/admin/areas/margins", b"just,some\x00,junk\n", "m.csv")
    assert broken.status_code == 422 and "header must be" in broken.get_data(as_text=True)


def test_edit_name_and_parent_refuses_cycles(app, client, auth, tree):
    from pulse.extensions import db
    from pulse.models import Area

    auth.login("admin")
    path = f"/admin/areas/{tree.ward_a}"
    token = csrf_from(client, path)
    loop = client.post(path, data={"csrf_token": token, "name": "Bellingham Ward",
                                   "parent": tree.ward_a_child})
    text = loop.get_data(as_text=True)
    assert loop.status_code == 422 and "cannot sit inside itself" in text
    assert "Bellingham Ward" in text          # what was typed is kept
    moved = client.post(path, data={"csrf_token": token, "name": "Bellingham Ward",
                                    "parent": tree.other_borough})
    assert moved.status_code == 302
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == tree.ward_a))
        assert area.name == "Bellingham Ward" and area.parent.code == tree.other_borough


def test_an_edit_that_leaves_out_the_parent_keeps_the_area_where_it_is(app, client, auth, tree):
    """A POST without the ``parent`` field renames the area and leaves its parent alone (the form
    once took the Area object for a code and answered 422 "No area has that code")."""
    from pulse.extensions import db
    from pulse.models import Area

    auth.login("admin")
    path = f"/admin/areas/{tree.ward_a}"
    with app.app_context():
        before = db.session.scalar(select(Area).where(Area.code == tree.ward_a)).parent.code
    page = client.get(path).get_data(as_text=True)
    assert re.search(rf'<option selected value="{before}">', page)   # where it sits is shown
    renamed = client.post(path, data={"csrf_token": csrf_from(client, path),
                                      "name": "Renamed Ward"})
    assert renamed.status_code == 302, renamed.get_data(as_text=True)
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == tree.ward_a))
        assert area.name == "Renamed Ward" and area.parent.code == before


def test_retire_and_restore_keep_history(app, client, auth, survey_area):
    from pulse.extensions import db
    from pulse.models import Area
    from tests.support import submit

    assert submit(client, survey_area.ward).status_code in (200, 302)
    auth.login("admin")
    token = csrf_from(client, f"/admin/areas/{survey_area.ward}")
    assert client.post(f"/admin/areas/{survey_area.ward}/retire",
                       data={"csrf_token": token}).status_code == 302
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
        assert area.retired_at is not None
        from pulse.models import Response
        assert db.session.scalar(select(func.count()).select_from(Response)
                                 .where(Response.area_id == area.id)) == 1
    assert client.post(f"/admin/areas/{survey_area.ward}/restore",
                       data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Area.retired_at).where(Area.code == survey_area.ward)) is None


def test_a_retired_areas_open_wave_is_not_shown_as_collecting(app, client, auth, survey_area):
    """The wave stays open (restoring the area resumes it) but no one can answer there: the
    waves list and the wave's page say so instead of "Open"."""
    from pulse.extensions import db
    from pulse.models import Area, Wave

    with app.app_context():            # the fixture's always-on wave for the borough
        wave_id, name = db.session.execute(select(Wave.id, Wave.name).join(Area).where(
            Area.code == survey_area.borough)).one()
    auth.login("admin")
    token = csrf_from(client, f"/admin/areas/{survey_area.borough}")
    assert client.post(f"/admin/areas/{survey_area.borough}/retire",
                       data={"csrf_token": token}).status_code == 302
    assert client.get(f"/s/{survey_area.borough}").status_code == 404
    for path in ("/admin/waves/", f"/admin/waves/{wave_id}"):
        page = client.get(path).get_data(as_text=True)
        assert "Area retired: not collecting" in page, path
    listed = client.get("/admin/waves/").get_data(as_text=True)
    row = re.search(rf"{re.escape(name)}.*?</tr>", listed, re.S).group(0)
    assert ">Open<" not in row
    client.post(f"/admin/areas/{survey_area.borough}/restore", data={"csrf_token": token})
    row = re.search(rf"{re.escape(name)}.*?</tr>",
                    client.get("/admin/waves/").get_data(as_text=True), re.S).group(0)
    assert ">Open<" in row
