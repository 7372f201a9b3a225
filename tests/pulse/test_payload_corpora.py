"""XSS, SQL-injection and formula-injection payloads through every resident input and the
sign-in form: never a 5xx, never executed markup in HTML, and stored text kept verbatim
(escaped on the way out, never interpreted on the way in)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Area, Response
from tests.support import GOOD_ANSWERS, csrf_from, open_survey

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'\"><iframe srcdoc='<script>alert(1)</script>'>",
    "{{7*7}}{% print 1 %}",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE response; --",
    "1 UNION SELECT password_hash FROM app_user--",
    "\\'; SELECT pg_sleep(5); --",
    "%' AND 1=1 AND '%'='",
]
FORMULA = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1", " =1+1", "=HYPERLINK(\"http://x\",\"y\")"]
CORPUS = XSS + SQL + FORMULA


def assert_escaped(html: str) -> None:
    lowered = html.lower()
    for marker in ("<img src=x", "<svg/onload", "<iframe srcdoc", "<script>alert"):
        assert marker not in lowered, marker
    assert "49" not in html.split("{{7*7}}")[0][-5:]  # no template evaluation


@pytest.fixture
def open_limits(app):
    app.config["PULSE_SUBMIT_LIMIT"] = "100000 per minute"
    return app


def test_free_text_payloads_are_stored_and_escaped(open_limits, survey_area):
    app = open_limits
    for number, payload in enumerate(CORPUS, start=1):
        client = app.test_client()  # a new device for each answer
        tokens = open_survey(client, survey_area.ward)
        reply = client.post(f"/s/{survey_area.ward}/questions",
                            data={**tokens, **GOOD_ANSWERS, "top_issue": payload})
        assert reply.status_code == 302, payload
        thanks = client.get(f"/s/{survey_area.ward}/thanks")
        assert thanks.status_code == 200
        assert_escaped(thanks.get_data(as_text=True))
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Response)) == number
            # The tables are all still there, and the areas untouched.
            assert db.session.scalar(select(func.count()).select_from(Area)) == 3
            db.session.remove()


def test_payloads_in_a_rejected_form_come_back_escaped(open_limits, client, survey_area):
    for payload in CORPUS:
        tokens = open_survey(client, survey_area.ward)
        reply = client.post(f"/s/{survey_area.ward}/questions", data={
            **tokens, **GOOD_ANSWERS, "top_issue": payload, "safe_day": payload})
        assert reply.status_code == 422, payload
        assert_escaped(reply.get_data(as_text=True))


@pytest.mark.parametrize("payload", CORPUS)
def test_search_paths_and_locate_refuse_payloads_cleanly(client, survey_area, payload):
    search = client.get("/s/", query_string={"q": payload})
    assert search.status_code == 200
    assert_escaped(search.get_data(as_text=True))
    for path in (f"/s/{payload}", f"/s/{payload}/questions"):
        page = client.get(path)
        assert page.status_code in (404, 400), (path, page.status_code)
        assert_escaped(page.get_data(as_text=True))
    located = client.post("/s/locate", data=json.dumps({"lat": payload, "lon": payload}),
                          content_type="application/json")
    assert located.status_code == 400 and located.is_json
    assert payload not in located.get_data(as_text=True)


@pytest.mark.parametrize("payload", CORPUS)
def test_code_entry_refuses_payloads_cleanly(client, runner, survey_area, payload):
    assert runner.invoke(args=["codes", "access", str(survey_area.wave_id), "code"]).exit_code == 0
    path = f"/s/{survey_area.ward}/code"
    reply = client.post(path, data={"csrf_token": csrf_from(client, path), "code": payload})
    assert 400 <= reply.status_code < 500
    assert_escaped(reply.get_data(as_text=True))


@pytest.mark.parametrize("payload", CORPUS)
def test_sign_in_refuses_payloads_cleanly(client, payload):
    reply = client.post("/login", data={"csrf_token": csrf_from(client, "/login"),
                                        "email": payload, "password": payload})
    assert 400 <= reply.status_code < 500 or reply.status_code == 200
    assert_escaped(reply.get_data(as_text=True))
