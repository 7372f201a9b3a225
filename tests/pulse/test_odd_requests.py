"""Requests no browser of ours would send, each still answered with a 4xx and a reason: a JSON
body, a file or text that is not UTF-8 posted to the survey form, typed values and lone
surrogates in the JSON API, JSON nested thousands deep, and query parameters named like the
page's own."""
from __future__ import annotations

import io
import json
import uuid
from urllib.parse import quote_plus

import pytest
from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Answer, Response
from tests.support import GOOD_ANSWERS, csrf_from, form_tokens, open_survey

ORIGIN = {"Origin": "http://localhost"}
DEEP = b"[" * 5000 + b"]" * 5000


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Response)),
                db.session.scalar(select(func.count()).select_from(Answer)))


@pytest.mark.parametrize("query", ["code=E05000438", "endpoint=x", "_method=POST", "_anchor=x",
                                   "lang=cy&lang=en", "via=qr&via=web"])
def test_query_parameters_named_like_the_pages_own_keep_the_page(client, survey_area, query):
    for path in (f"/s/{survey_area.ward}", "/s/", f"/s/{survey_area.ward}/thanks",
                 f"/s/{survey_area.ward}/questions?consent=yes"):
        page = client.get(path + ("&" if "?" in path else "?") + query)
        assert page.status_code == 200, (path, query)
        html = page.get_data(as_text=True)
        # The language switch is built: a link, or on the questions page a button that
        # posts the answers given so far.
        assert 'hreflang=' in html or 'name="switch_lang"' in html


def test_the_language_link_keeps_the_query_as_it_came(client, survey_area):
    html = client.get(f"/s/{survey_area.ward}?via=qr&code=x").get_data(as_text=True)
    assert f'href="/s/{survey_area.ward}?via=qr&amp;code=x&amp;lang=cy"' in html


@pytest.mark.parametrize("answers", [
    {"safe_day": 8}, {"safe_day": 5.0}, {"safe_day": True}, {"safe_day": {"v": 8}},
    {"top_issue": 5}, {"sex": ["female"]},
])
def test_a_json_body_to_the_survey_form_is_415(app, client, survey_area, answers):
    tokens = open_survey(client, survey_area.ward)
    # A valid CSRF token in the JSON: Flask-WTF would read it as the form and hand the numbers
    # and objects to fields that take text.
    reply = client.post(f"/s/{survey_area.ward}/questions",
                        data=json.dumps({**tokens, **GOOD_ANSWERS, **answers}),
                        content_type="application/json")
    assert reply.status_code == 415
    assert "send your answers from the survey page" in reply.get_data(as_text=True)
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("body,content_type", [
    (b"[1, 2]", "application/json"), (b'"text"', "application/json"), (DEEP, "application/json"),
    (b"safe_day=8", "text/plain"), (b"safe_day=8", ""),
])
def test_any_body_but_a_form_is_415(app, client, survey_area, body, content_type):
    open_survey(client, survey_area.ward)
    reply = client.post(f"/s/{survey_area.ward}/questions", data=body, content_type=content_type)
    assert reply.status_code == 415
    assert counts(app) == (0, 0)


def test_a_file_in_place_of_an_answer_is_400(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    reply = client.post(f"/s/{survey_area.ward}/questions",
                        data={**tokens, **GOOD_ANSWERS, "top_issue": (io.BytesIO(b"x"), "a.txt")},
                        content_type="multipart/form-data")
    assert reply.status_code == 400
    assert "not files" in reply.get_data(as_text=True)
    # The same form without the file goes through: multipart itself is fine.
    tokens = open_survey(client, survey_area.ward)
    reply = client.post(f"/s/{survey_area.ward}/questions", data={**tokens, **GOOD_ANSWERS},
                        content_type="multipart/form-data")
    assert reply.status_code == 302
    assert counts(app) == (1, len(GOOD_ANSWERS) - 3)


def multipart(fields: list[tuple[bytes, bytes]]) -> tuple[bytes, str]:
    """A multipart body built byte by byte, as no test client would build one that is not UTF-8."""
    boundary = b"pulse-test-boundary"
    parts = [b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, name, value)
             for name, value in fields]
    return b"".join(parts) + b"--%s--\r\n" % boundary, f"multipart/form-data; boundary={boundary.decode()}"


def not_utf8(fields: dict[str, str], how: str) -> tuple[bytes, str]:
    """The fields as a form body whose ``top_issue`` (its value, or its name) is not UTF-8."""
    raw = [(k.encode(), v.encode()) for k, v in fields.items() if k != "top_issue"]
    bad = {"value": (b"top_issue", b"caf\xe9"), "name": (b"top_issu\xe9", b"cafe")}
    if how.startswith("urlencoded"):
        escaped = "&".join(f"{k}={quote_plus(v)}" for k, v in fields.items() if k != "top_issue")
        tail = b"&top_issue=caf%E9" if how == "urlencoded-escaped" else b"&top_issue=caf\xe9"
        return escaped.encode() + tail, "application/x-www-form-urlencoded"
    return multipart(raw + [bad[how.split("-")[1]]])


NOT_UTF8 = ["urlencoded", "urlencoded-escaped", "multipart-value", "multipart-name"]


@pytest.mark.parametrize("how", NOT_UTF8)
def test_a_form_body_that_is_not_utf8_is_400_and_says_so(app, client, survey_area, how):
    tokens = open_survey(client, survey_area.ward)
    body, content_type = not_utf8({**tokens, **GOOD_ANSWERS}, how)
    reply = client.post(f"/s/{survey_area.ward}/questions", data=body, content_type=content_type)
    # Not stored with U+FFFD or "%E9" in place of the letter, nor read as no fields at all
    # ("answer every question" to a body full of answers would be wrong).
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    assert "not UTF-8 text" in html
    assert "Please answer this question." not in html
    assert counts(app) == (0, 0)
    # The same multipart body in UTF-8 is stored as typed.
    body, content_type = multipart([(k.encode(), v.encode()) for k, v in tokens.items()]
                                   + [(k.encode(), v.encode()) for k, v in GOOD_ANSWERS.items()
                                      if k != "top_issue"] + [(b"top_issue", "café".encode())])
    reply = client.post(f"/s/{survey_area.ward}/questions", data=body, content_type=content_type)
    assert reply.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Answer.text).where(Answer.text.is_not(None))) == "café"


@pytest.mark.parametrize("how", NOT_UTF8)
def test_assisted_mode_and_code_entry_refuse_text_that_is_not_utf8(app, client, auth, runner,
                                                                    survey_area, how):
    auth.login("officer", areas=[survey_area.borough])
    path = f"/assist/{survey_area.ward}"
    token = form_tokens(client.get(path).get_data(as_text=True))["csrf_token"]
    body, content_type = not_utf8({"csrf_token": token, **GOOD_ANSWERS}, how)
    reply = client.post(path, data=body, content_type=content_type)
    assert reply.status_code == 400 and "not UTF-8 text" in reply.get_data(as_text=True)
    assert counts(app) == (0, 0)
    assert runner.invoke(args=["codes", "access", str(survey_area.wave_id), "code"]).exit_code == 0
    path = f"/s/{survey_area.ward}/code"
    body, content_type = not_utf8({"csrf_token": csrf_from(client, path), "top_issue": "x"}, how)
    reply = client.post(path, data=body, content_type=content_type)
    assert reply.status_code == 400 and "not UTF-8 text" in reply.get_data(as_text=True)


def test_assisted_mode_refuses_json_and_files_too(app, client, auth, survey_area):
    auth.login("officer", areas=[survey_area.borough])
    token = form_tokens(client.get(f"/assist/{survey_area.ward}").get_data(as_text=True))[
        "csrf_token"]
    as_json = client.post(f"/assist/{survey_area.ward}",
                          data=json.dumps({"csrf_token": token, **GOOD_ANSWERS, "safe_day": 8}),
                          content_type="application/json", headers={"X-CSRFToken": token})
    assert as_json.status_code == 415
    with_file = client.post(f"/assist/{survey_area.ward}",
                            data={"csrf_token": token, **GOOD_ANSWERS,
                                  "top_issue": (io.BytesIO(b"x"), "a.txt")},
                            content_type="multipart/form-data")
    assert with_file.status_code == 400
    assert counts(app) == (0, 0)


def _api(client, code, **extra):
    tokens = open_survey(client, code)
    body = {"key": str(uuid.uuid4()), "area": code, "answers": dict(GOOD_ANSWERS),
            "started": tokens["started"], **extra}
    return client.post("/api/v1/responses", data=json.dumps(body),
                       content_type="application/json", headers=ORIGIN)


@pytest.mark.parametrize("started", [5, 1.5, True, ["x"], {"a": 1}, "\ud800"])
def test_api_started_token_of_any_other_type_is_403(app, client, survey_area, started):
    reply = _api(client, survey_area.ward, started=started)
    assert reply.status_code == 403
    assert "open the survey page again" in reply.get_json()["error"]
    assert counts(app) == (0, 0)


def test_api_lone_surrogates_are_refused_or_ignored_never_stored(app, client, survey_area):
    text = _api(client, survey_area.ward, answers={**GOOD_ANSWERS, "top_issue": "hi \ud800"})
    assert text.status_code == 422
    assert text.get_json()["errors"]["top_issue"]["reason"] == "control_characters"
    assert counts(app) == (0, 0)
    # An assist token that cannot be one is simply not an assist token: the page token counts.
    assisted = _api(app.test_client(), survey_area.ward, assist="\udc00")
    assert assisted.status_code == 201
    assert counts(app) == (1, len(GOOD_ANSWERS) - 3)


@pytest.mark.parametrize("path,error", [("/api/v1/responses", "Send a JSON object."),
                                        ("/s/locate", "Send a latitude and longitude.")])
def test_json_nested_thousands_deep_is_400(app, client, survey_area, path, error):
    for body in (DEEP, b'{"a":' * 3000 + b"1" + b"}" * 3000):
        reply = client.post(path, data=body, content_type="application/json", headers=ORIGIN)
        assert reply.status_code == 400
        assert reply.get_json()["error"] == error
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("body", [b'{"lat": ' + b"9" * 400 + b', "lon": 0}',
                                  b'{"lat": true, "lon": false}'])
def test_locate_refuses_numbers_no_float_holds_and_booleans(client, survey_area, body):
    reply = client.post("/s/locate", data=body, content_type="application/json")
    assert reply.status_code == 400
    assert reply.get_json()["error"] == "Send a latitude and longitude."


def test_api_values_no_form_could_send_are_400_naming_the_question(app, client, survey_area):
    reply = _api(client, survey_area.ward,
                 answers={**GOOD_ANSWERS, "safe_day": 5.0, "listen": True, "top_issue": ["x"],
                          "informed": {"v": "dk"}, "respect": 7, "sex": None})
    assert reply.status_code == 400
    body = reply.get_json()
    # Whole numbers and null are what a form would mean; the others are named.
    assert body["errors"] == {code: {"reason": "wrong_type"}
                              for code in ("safe_day", "listen", "top_issue", "informed")}
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("value", [5, 1.5, True, "\ud800"])
def test_code_entry_takes_a_posted_form_only(client, runner, survey_area, value):
    assert runner.invoke(args=["codes", "access", str(survey_area.wave_id), "code"]).exit_code == 0
    path = f"/s/{survey_area.ward}/code"
    token = csrf_from(client, path)
    # With the token in a header, Flask-WTF would read the JSON body as the form.
    as_json = client.post(path, data=json.dumps({"csrf_token": token, "code": value}),
                          content_type="application/json", headers={"X-CSRFToken": token})
    assert as_json.status_code == 415
    as_file = client.post(path, data={"csrf_token": token, "code": (io.BytesIO(b"x"), "c.txt")},
                          content_type="multipart/form-data")
    assert as_file.status_code == 400 and "not files" in as_file.get_data(as_text=True)
