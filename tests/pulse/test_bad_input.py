"""Every bad input a browser, a bot or a flaky network can send to the resident survey.

Each gets a clear 4xx with a reason (never a 500), and none leaves part of a response behind:
every test counts both responses and answers.
"""
from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from pulse.extensions import db
from pulse.models import Answer, Area, Response, Wave
from tests.support import GOOD_ANSWERS, form_tokens, open_survey, submit

#: Answers stored for GOOD_ANSWERS: every question but the three demographics.
GOOD_ANSWER_ROWS = len(GOOD_ANSWERS) - 3


def counts(app) -> tuple[int, int]:
    """(responses, answers) in the database."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Response)),
                db.session.scalar(select(func.count()).select_from(Answer)))


def post(client, code: str, data, **kwargs):
    return client.post(f"/s/{code}/questions", data=data, **kwargs)


def field_html(html: str, code: str) -> str:
    """The markup of one question, from its wrapper to the next question's."""
    start = html.index(f'id="q-{code}"')
    end = html.find('<div class="q', start)
    return html[start:end if end != -1 else len(html)]


def assert_kept(html: str, *, changed: str = "") -> None:
    """The resident's other answers are still there after a rejected submission."""
    kept = {"safe_night": 'value="5" checked', "relied_on": 'value="4" checked',
            "informed": 'value="dk" checked', "top_issue": GOOD_ANSWERS["top_issue"]}
    for code, mark in kept.items():
        if code != changed:
            assert mark in field_html(html, code), code


# --- size, addresses and shape of the request ------------------------------------------------

def test_oversized_body_is_413_and_stores_nothing(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    big = {**tokens, **GOOD_ANSWERS, "top_issue": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}
    reply = post(client, survey_area.ward, big)
    assert reply.status_code == 413
    assert "too much to send" in reply.get_data(as_text=True)
    # Hundreds of tiny fields are refused the same way, before anything parses them.
    many = MultiDict([(f"f{i}", "1") for i in range(app.config["MAX_FORM_PARTS"] + 1)])
    assert post(client, survey_area.ward, many,
                content_type="multipart/form-data").status_code == 413
    assert post(client, survey_area.ward, many).status_code == 400  # unknown questions
    huge_json = b'{"lat": 51.45, "lon": -0.02, "pad": "' + b"x" * 70000 + b'"}'
    assert client.post("/s/locate", data=huge_json,
                       content_type="application/json").status_code == 413
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("code", ["XX999", "E0500043", "%00", "a" * 400, "%C3%A9", "E05%09"])
def test_unknown_area_is_404(app, client, survey_area, code):
    for reply in (client.get(f"/s/{code}"),
                  client.get(f"/s/{code}/questions?consent=yes"),
                  client.get(f"/s/{code}/thanks"),
                  post(client, code, GOOD_ANSWERS)):
        assert reply.status_code == 404, reply.request.path
        assert "could not find an area" in reply.get_data(as_text=True)
    assert counts(app) == (0, 0)


def test_retired_area_is_404_and_not_offered(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
        area.retired_at = datetime.now(UTC)
        db.session.commit()
    assert client.get(f"/s/{survey_area.ward}").status_code == 404
    assert post(client, survey_area.ward, {**tokens, **GOOD_ANSWERS}).status_code == 404
    assert "Bellingham" not in client.get("/s/").get_data(as_text=True)
    assert counts(app) == (0, 0)


def test_unknown_question_code_is_400(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    reply = post(client, survey_area.ward,
                 {**tokens, **GOOD_ANSWERS, "favourite_colour": "blue"})
    assert reply.status_code == 400
    assert "no question called favourite_colour" in reply.get_data(as_text=True)
    # A file where only answers belong is just as unknown.
    upload = post(client, survey_area.ward,
                  {**tokens, **GOOD_ANSWERS, "photo": (io.BytesIO(b"x"), "a.jpg")},
                  content_type="multipart/form-data")
    assert upload.status_code == 400
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(app, client, survey_area, method):
    reply = client.open(f"/s/{survey_area.ward}/questions", method=method, data=GOOD_ANSWERS)
    assert reply.status_code == 405
    assert set(reply.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "not allowed" in reply.get_data(as_text=True)
    for path in (f"/s/{survey_area.ward}", f"/s/{survey_area.ward}/thanks"):
        assert client.open(path, method="POST", data=GOOD_ANSWERS).status_code == 405
    locate = client.put("/s/locate", json={"lat": 51.45, "lon": -0.02})
    assert locate.status_code == 405 and "POST" in locate.headers["Allow"]
    assert counts(app) == (0, 0)


# --- answers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code,value,message", [
    ("safe_day", "11", "Choose a value from 0-10."),
    ("safe_day", "-1", "Choose a value from 0-10."),
    ("relied_on", "6", "Choose a value from 1-5."),
    ("good_job", "0", "Choose a value from 1-5."),
    ("safe_day", "eight", "Choose one of the options given."),
    ("safe_day", "5.5", "Choose one of the options given."),
    ("safe_day", "1_0", "Choose one of the options given."),
    ("safe_day", "\u0665", "Choose one of the options given."),  # an Arabic-Indic five
    ("safe_day", "9" * 5000, "Choose one of the options given."),
    ("age_band", "17", "Choose one of the options given."),
    ("sex", "dk", "Choose one of the options given."),
    ("top_issue", "x" * 1001, "Answers can be up to 1,000 characters. Please shorten yours."),
    ("respect", "", "Please answer this question."),
])
def test_bad_value_is_422_beside_the_field(app, client, survey_area, code, value, message):
    tokens = open_survey(client, survey_area.ward)
    reply = post(client, survey_area.ward, {**tokens, **GOOD_ANSWERS, code: value})
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert message in field_html(html, code)
    assert 'role="alert"' in html  # the summary at the top links to the field
    assert_kept(html, changed=code)
    assert counts(app) == (0, 0)


def test_same_field_twice_is_422(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    reply = post(client, survey_area.ward, {**tokens, **GOOD_ANSWERS, "safe_day": ["3", "9"]})
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "Choose only one answer." in field_html(html, "safe_day")
    assert_kept(html)
    assert counts(app) == (0, 0)


def test_nul_byte_in_free_text_is_422(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    reply = post(client, survey_area.ward,
                 {**tokens, **GOOD_ANSWERS, "top_issue": "More\x00 lighting"})
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "characters we cannot store" in field_html(html, "top_issue")
    assert 'name="safe_night" value="5" checked' in html
    assert counts(app) == (0, 0)


def test_nul_bytes_elsewhere_never_reach_the_database(app, client, survey_area):
    # PostgreSQL refuses NUL in text outright; each of these must be a 4xx or harmless.
    assert client.get("/s/?q=Bell%00ingham").status_code == 200
    assert client.get(f"/s/{survey_area.ward}?lang=c%00y&via=q%00r").status_code == 200
    tokens = open_survey(client, survey_area.ward)
    for extra in ({"safe_day": "8\x00"}, {"sex": "female\x00"}):
        assert post(client, survey_area.ward, {**tokens, **GOOD_ANSWERS, **extra}).status_code == 422
    assert post(client, survey_area.ward,
                {**tokens, **GOOD_ANSWERS, "bad\x00name": "1"}).status_code == 400
    assert counts(app) == (0, 0)
    # Control fields with NUL are ignored or flagged, never stored raw.
    done = post(client, survey_area.ward,
                {**tokens, **GOOD_ANSWERS, "via": "q\x00r", "website": "\x00"})
    assert done.status_code == 302
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.channel == "web" and "honeypot" in response.quality_flags


def test_control_characters_in_free_text_are_removed(app, client, survey_area):
    text = "Better\x07 lighting\x1b on the\r\npath\x7f"
    assert submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": text}).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Answer.text).where(Answer.text.is_not(None)))
    assert stored == "Better lighting on the\npath"
    assert counts(app) == (1, GOOD_ANSWER_ROWS)


# --- duplicates ------------------------------------------------------------------------------

def test_same_form_posted_twice_is_stored_once(app, client, survey_area):
    data = {**open_survey(client, survey_area.ward), **GOOD_ANSWERS}
    assert post(client, survey_area.ward, data).status_code == 302
    again = post(client, survey_area.ward, data)
    assert again.status_code == 409
    assert "already answered" in again.get_data(as_text=True)
    # A retry from a browser that never received the first reply's cookies is caught by the
    # form's own submission key.
    client.delete_cookie("pulse_answered")
    client.delete_cookie("pulse_device")
    assert post(client, survey_area.ward, data).status_code == 409
    assert counts(app) == (1, GOOD_ANSWER_ROWS)


def test_same_device_again_is_409_but_another_area_is_fine(app, client, survey_area):
    assert submit(client, survey_area.ward).status_code == 302
    # The questions page itself says so.
    assert client.get(f"/s/{survey_area.ward}/questions?consent=yes").status_code == 409
    # Clearing the answered cookie is not enough: the device token still matches.
    client.delete_cookie("pulse_answered")
    assert submit_status(client, survey_area.ward) == 409
    assert counts(app) == (1, GOOD_ANSWER_ROWS)
    assert submit(client, survey_area.other_ward).status_code == 302
    assert counts(app) == (2, 2 * GOOD_ANSWER_ROWS)


def submit_status(client, code: str) -> int:
    return post(client, code, {**open_survey(client, code), **GOOD_ANSWERS}).status_code


# --- waves -----------------------------------------------------------------------------------

def _set_wave(app, wave_id: int, **times) -> None:
    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        for key, value in times.items():
            setattr(wave, key, value)
        db.session.commit()


def test_closed_wave_is_410(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    # The wave closes while the resident is answering.
    _set_wave(app, survey_area.wave_id, closes_at=datetime.now(UTC) - timedelta(seconds=1))
    reply = post(client, survey_area.ward, {**tokens, **GOOD_ANSWERS})
    assert reply.status_code == 410
    assert "not open at the moment" in reply.get_data(as_text=True)
    assert client.get(f"/s/{survey_area.ward}").status_code == 410
    assert client.get(f"/s/{survey_area.ward}/questions?consent=yes").status_code == 410
    assert counts(app) == (0, 0)


def test_wave_not_yet_open_says_when(app, client, survey_area):
    opens = datetime.now(UTC) + timedelta(days=3)
    _set_wave(app, survey_area.wave_id, opens_at=opens)
    for reply in (client.get(f"/s/{survey_area.ward}"),
                  client.get(f"/s/{survey_area.ward}/questions?consent=yes"),
                  post(client, survey_area.ward, GOOD_ANSWERS)):
        assert reply.status_code == 403
        html = reply.get_data(as_text=True)
        assert "not open yet" in html and str(opens.astimezone(UTC).year) in html
    assert counts(app) == (0, 0)


# --- CSRF ------------------------------------------------------------------------------------

def _expired_csrf(app, client) -> str:
    """A correctly signed CSRF token for this browser's session, issued five hours ago."""

    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 5 * 3600

    with client.session_transaction() as session:
        raw = session["csrf_token"]
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token",
                                  signer=Past).dumps(raw)


@pytest.mark.parametrize("problem", ["missing", "expired", "forged", "no_session"])
def test_bad_csrf_token_rerenders_with_answers_kept(app, client, survey_area, problem):
    tokens = open_survey(client, survey_area.ward)
    if problem == "missing":
        del tokens["csrf_token"]
    elif problem == "expired":
        tokens["csrf_token"] = _expired_csrf(app, client)
    elif problem == "forged":
        tokens["csrf_token"] = tokens["csrf_token"][:-4] + "AAAA"
    poster = app.test_client() if problem == "no_session" else client
    reply = post(poster, survey_area.ward, {**tokens, **GOOD_ANSWERS})
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    assert "press Send again" in html
    assert_kept(html)
    assert counts(app) == (0, 0)
    # Pressing Send again on the re-rendered page works.
    again = post(poster, survey_area.ward, {**form_tokens(html), **GOOD_ANSWERS})
    assert again.status_code == 302
    assert counts(app) == (1, GOOD_ANSWER_ROWS)


def test_a_browser_that_keeps_no_cookies_is_told_so_not_to_press_send_again(
        app, client, survey_area):
    """A browser set to refuse cookies never sends the session back, so its token can never
    match: "the page was open for a long time, press Send again" would send it round for ever.
    It is told what is wrong and what to do, its answers still there."""
    tokens = open_survey(client, survey_area.ward)
    cookieless = app.test_client(use_cookies=False)
    for _ in range(2):
        reply = post(cookieless, survey_area.ward, {**tokens, **GOOD_ANSWERS})
        assert reply.status_code == 400
        html = reply.get_data(as_text=True)
        assert "allow cookies" in html and "open for a long time" not in html
        assert_kept(html)
        tokens = form_tokens(html)
    assert counts(app) == (0, 0)
    # A browser that keeps cookies but lost its session (the tab restored after a restart)
    # still hears that the page was open too long: its device cookie is there.
    with client.session_transaction() as session:
        session.clear()
    reply = post(client, survey_area.ward, {**tokens, **GOOD_ANSWERS})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "open for a long time" in html


# --- suspicious but kept ---------------------------------------------------------------------

def _flags(app) -> list[str]:
    with app.app_context():
        return db.session.scalar(select(Response.quality_flags))


def test_honeypot_is_stored_and_flagged(app, client, survey_area):
    reply = submit(client, survey_area.ward, {**GOOD_ANSWERS, "website": "http://spam.example"})
    assert reply.status_code == 302
    assert "honeypot" in _flags(app)
    assert counts(app) == (1, GOOD_ANSWER_ROWS)


def test_too_fast_is_stored_and_flagged(app, client, survey_area):
    app.config["PULSE_MIN_COMPLETION_SECONDS"] = 3600
    assert submit(client, survey_area.ward).status_code == 302
    assert _flags(app) == ["too_fast"]


def test_missing_timing_is_flagged(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    del tokens["started"]
    assert post(client, survey_area.ward, {**tokens, **GOOD_ANSWERS}).status_code == 302
    assert _flags(app) == ["no_timing"]


def test_rate_limit_is_429_with_every_answer_kept(app, survey_area):
    # Two households behind one shared address (a library's wifi): the test clients share one.
    app.config["PULSE_SUBMIT_LIMIT"] = "1 per minute"
    first, second = app.test_client(), app.test_client()
    assert submit(first, survey_area.ward).status_code == 302
    reply = submit(second, survey_area.ward)
    assert reply.status_code == 429
    assert int(reply.headers["Retry-After"]) > 0
    html = reply.get_data(as_text=True)
    # The questions page again, its summary announced, saying what happened and what to do.
    assert 'role="alert"' in html and 'id="answers"' in html
    assert "Many surveys were sent from this connection just now" in html
    assert "wait about a minute, then press Send again" in html
    assert_kept(html)
    assert counts(app) == (1, GOOD_ANSWER_ROWS)
    # Sending the kept page again, still within the minute, keeps them again and stores nothing.
    again = post(second, survey_area.ward, {**form_tokens(html), **GOOD_ANSWERS})
    assert again.status_code == 429
    assert_kept(again.get_data(as_text=True))
    assert counts(app) == (1, GOOD_ANSWER_ROWS)
    # Reading the survey is not limited, only sending it.
    assert second.get(f"/s/{survey_area.ward}/questions?consent=yes").status_code == 200


def test_other_rate_limits_keep_their_own_answer(app, client, survey_area):
    # The area finder's limit (30 a minute) keeps the general answer: JSON to a script
    # that asks for it, the plain error page otherwise.
    point = {"lat": 51.45, "lon": -0.02}
    json_only = {"Accept": "application/json"}
    replies = [client.post("/s/locate", json=point, headers=json_only) for _ in range(31)]
    assert replies[-1].status_code == 429
    assert replies[-1].get_json()["status"] == 429
    assert "wait a few minutes" in replies[-1].get_json()["detail"]
    page = client.post("/s/locate", json=point)
    assert page.status_code == 429
    assert "wait a few minutes" in page.get_data(as_text=True)
    assert 'id="answers"' not in page.get_data(as_text=True)
