"""Staff forms take only what a browser sends for a form (pulse/formbody.py).

Every staff POST route is found from ``app.url_map``, so a new one is covered without being
named here: a JSON body (even with the user's own CSRF token in ``X-CSRFToken``), plain text
or no body type at all is a 415 with its reason, multipart is one too except where the view
takes uploads, and text that is not UTF-8 is a 400 that says so. Nothing is stored or changed,
and the session that sent it is still signed in.
"""
from __future__ import annotations

import json

import pytest
from flask import url_for
from sqlalchemy import select

from pulse.database import STAFF_BLUEPRINTS
from tests.pulse.test_odd_requests import multipart
from tests.support import csrf_from

#: POST routes outside the staff blueprints, each with the check of its own: the resident
#: forms (and assisted mode, the resident's form on an officer's tablet) refuse an odd body
#: with the survey's words; the JSON endpoints take JSON.
NOT_STAFF_FORMS = {"survey.questions", "codes.enter", "collect.assist",
                   "survey.locate", "collect_api.submit"}
#: A staff form changes nothing by being refused; this text would show if one were acted on.
FIELDS = {"name": "Changed by JSON", "email": "json@example.org", "password": "x" * 20,
          "new_password": "y" * 20, "reason": "json", "area": "E05000437", "label": "json"}


def post_routes(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
                  key=lambda rule: rule.rule)


def staff_posts(app) -> list[tuple[str, str, bool]]:
    """(endpoint, a path to it, whether it takes uploads) for every staff POST route."""
    found = []
    with app.test_request_context():
        for rule in post_routes(app):
            if rule.endpoint.partition(".")[0] not in STAFF_BLUEPRINTS:
                continue
            # The check comes before the view, so any value of the right type will do.
            values = {name: 1 if name.endswith("_id") else "E05000437" for name in rule.arguments}
            view = app.view_functions[rule.endpoint]
            found.append((rule.endpoint, url_for(rule.endpoint, **values),
                          getattr(view, "pulse_takes_uploads", False)))
    return found


def snapshot(app) -> dict[str, list]:
    """Every row of every table, but the sign-in session's own (it notes when it was last used)."""
    from pulse.extensions import db

    with app.app_context():
        return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
                for table in db.metadata.sorted_tables if table.name != "login_session"}


def test_every_post_route_is_a_staff_form_or_has_a_check_of_its_own(app):
    others = {rule.endpoint for rule in post_routes(app)
              if rule.endpoint.partition(".")[0] not in STAFF_BLUEPRINTS}
    assert others == NOT_STAFF_FORMS, (
        "a POST route outside the staff blueprints: add its blueprint to STAFF_BLUEPRINTS "
        "(pulse/database.py) if it is a staff form, or give it a check of its own")
    # The uploads are where they should be, and every other staff form is URL-encoded only.
    uploads = {endpoint for endpoint, _path, upload in staff_posts(app) if upload}
    assert uploads == {"admin.boundaries", "admin.margins"}


def test_staff_forms_refuse_any_body_but_a_form(app, client, auth):
    auth.login("admin")
    token = csrf_from(client, "/account")
    before = snapshot(app)
    routes = staff_posts(app)
    assert len(routes) > 30  # the map was read
    wrong = []
    for endpoint, path, upload in routes:
        bodies = [
            # The user's own token in the header: Flask-WTF's check passes, and it would read
            # the JSON as the form.
            (json.dumps({"csrf_token": token, **FIELDS}), "application/json",
             {"X-CSRFToken": token}),
            (json.dumps([1, {"a": None}]), "application/json", {"X-CSRFToken": token}),
            (f"csrf_token={token}&name=x", "text/plain", {"X-CSRFToken": token}),
            (f"csrf_token={token}&name=x", "", {"X-CSRFToken": token}),
            ("", "", {"X-CSRFToken": token}),
        ]
        if not upload:
            bodies.append(multipart([(b"csrf_token", token.encode()), (b"name", b"x")]))
            bodies[-1] += ({"X-CSRFToken": token},)
        for body, content_type, headers in bodies:
            reply = client.post(path, data=body, content_type=content_type, headers=headers)
            html = reply.get_data(as_text=True)
            if reply.status_code != 415 or "takes only its own form" not in html:
                wrong.append((endpoint, content_type[:20], reply.status_code))
    assert not wrong, wrong
    assert snapshot(app) == before
    # Not signed out by a JSON POST to /logout, nor anything else.
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("how", ["urlencoded", "urlencoded-escaped", "multipart"])
def test_staff_forms_refuse_text_that_is_not_utf8(app, client, auth, how):
    from tests.pulse.test_odd_requests import not_utf8

    auth.login("admin")
    token = csrf_from(client, "/account")
    before = snapshot(app)
    wrong = []
    for endpoint, path, upload in staff_posts(app):
        body, content_type = not_utf8({"csrf_token": token, "name": "x", "top_issue": ""},
                                      "multipart-value" if how == "multipart" else how)
        reply = client.post(path, data=body, content_type=content_type)
        html = reply.get_data(as_text=True)
        if how == "multipart" and not upload:
            expected = (415, "takes only its own form")
        else:
            expected = (400, "not UTF-8 text")
        if (reply.status_code, expected[1] in html) != (expected[0], True):
            wrong.append((endpoint, reply.status_code))
    assert not wrong, wrong
    assert snapshot(app) == before
    assert client.get("/account").status_code == 200


def test_an_upload_whose_other_fields_are_not_utf8_is_400_and_kept_nowhere(app, client, auth):
    auth.login("admin")
    token = csrf_from(client, "/admin/areas/boundaries")
    geojson = json.dumps({"type": "FeatureCollection", "features": []}).encode()
    boundary = b"pulse-test-boundary"
    body = b"".join([
        b'--%s\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n%s\r\n'
        % (boundary, token.encode()),
        b'--%s\r\nContent-Disposition: form-data; name="level"\r\n\r\nward\xe9\r\n' % boundary,
        b'--%s\r\nContent-Disposition: form-data; name="file"; filename="a.geojson"\r\n'
        b"Content-Type: application/geo+json\r\n\r\n%s\r\n" % (boundary, geojson),
        b"--%s--\r\n" % boundary])
    reply = client.post("/admin/areas/boundaries", data=body,
                        content_type=f"multipart/form-data; boundary={boundary.decode()}")
    assert reply.status_code == 400
    assert "not UTF-8 text" in reply.get_data(as_text=True)
    from pathlib import Path

    uploads = Path(app.instance_path) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
