"""The JSON submit endpoint behind the offline queue and assisted mode: exactly once per key."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.support import GOOD_ANSWERS, open_survey

ORIGIN = {"Origin": "http://localhost"}


def post(client, body, headers=ORIGIN):
    return client.post("/api/v1/responses", json=body, headers=headers)


def body_for(client, code, **extra):
    """A resident's body: the started token comes from the survey page, as in the browser."""
    tokens = open_survey(client, code)
    return {"key": str(uuid.uuid4()), "area": code, "answers": dict(GOOD_ANSWERS),
            "started": tokens["started"], "language": "en", "seconds": 95, **extra}


def responses(app):
    from pulse.extensions import db
    from pulse.models import Response

    with app.app_context():
        return [dict(channel=r.channel, device_hash=r.device_hash, key=r.submission_key,
                     duration=r.duration_seconds, answers=len(r.answers))
                for r in db.session.scalars(select(Response))]


def assist_token(app, code):
    from pulse.collect.tokens import new_assist_token

    with app.test_request_context():
        return new_assist_token(code)


def test_new_key_is_201_and_a_replay_is_200_with_the_same_body_and_one_row(app, client,
                                                                              survey_area):
    body = body_for(client, survey_area.ward)
    first = post(client, body)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["key"] == body["key"]
    assert first.get_json()["area"] == survey_area.ward
    again = post(client, body)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    stored = responses(app)
    assert len(stored) == 1
    assert stored[0]["key"] == body["key"] and stored[0]["channel"] == "web"
    assert stored[0]["answers"] == len(GOOD_ANSWERS) - 3  # demographics live on the response
    assert stored[0]["duration"] == 95


def test_a_replay_from_another_client_still_writes_nothing(app, client, survey_area):
    body = body_for(client, survey_area.ward)
    assert post(client, body).status_code == 201
    other = app.test_client()  # no cookies: a device that answered nothing
    assert post(other, body).status_code == 200
    assert len(responses(app)) == 1


def test_bad_answers_are_422_with_a_reason_per_question(app, client, survey_area):
    answers = {**GOOD_ANSWERS, "safe_day": "11", "sex": "maybe", "listen": "", "nosuch": "1"}
    reply = post(client, body_for(client, survey_area.ward, answers=answers))
    assert reply.status_code == 422
    errors = reply.get_json()["errors"]
    assert errors["safe_day"]["reason"] == "out_of_range"
    assert errors["sex"]["reason"] == "not_an_option"
    assert errors["listen"]["reason"] == "required"
    assert errors["nosuch"]["reason"] == "unknown_question"
    assert errors["listen"]["message"] == "Please answer this question."
    assert responses(app) == []


def test_unknown_area_is_404(app, client, survey_area):
    reply = post(client, body_for(client, survey_area.ward, area="E99999999"))
    assert reply.status_code == 404 and reply.is_json
    assert post(client, body_for(client, survey_area.ward, area="x" * 40)).status_code == 404


def test_closed_wave_is_410(app, client, survey_area):
    from pulse.areas.operations import close_wave
    from pulse.extensions import db
    from pulse.models import Wave

    body = body_for(client, survey_area.ward)
    with app.app_context():
        close_wave(db.session.get(Wave, survey_area.wave_id), datetime.now(UTC) - timedelta(hours=1))
        db.session.commit()
    reply = post(client, body)
    assert reply.status_code == 410 and "closed" in reply.get_json()["error"]
    assert responses(app) == []


def test_assisted_channel_stores_no_device_hash_and_no_user(app, client, survey_area):
    from pulse.models import Response

    token = assist_token(app, survey_area.ward)
    client.get(f"/s/{survey_area.ward}/questions?consent=yes")  # the tablet has a device cookie
    keys = [str(uuid.uuid4()) for _ in range(3)]
    for key in keys:  # three residents on one tablet: no one-per-device rule
        reply = post(client, {"key": key, "area": survey_area.ward, "assist": token,
                              "answers": GOOD_ANSWERS, "seconds": 120})
        assert reply.status_code == 201, reply.get_json()
    stored = responses(app)
    assert sorted(r["key"] for r in stored) == sorted(keys)
    assert {r["channel"] for r in stored} == {"assisted"}
    assert {r["device_hash"] for r in stored} == {None}
    # Nothing on a response could name who collected it.
    columns = set(Response.__table__.columns.keys())
    assert not {c for c in columns if "user" in c or "officer" in c}


def test_an_assist_token_for_another_area_is_not_assisted(app, client, survey_area):
    token = assist_token(app, survey_area.other_ward)
    reply = post(client, {"key": str(uuid.uuid4()), "area": survey_area.ward, "assist": token,
                          "answers": GOOD_ANSWERS})
    assert reply.status_code == 403  # neither a valid assist token nor a started token
    assert responses(app) == []


def test_public_device_answers_once(app, client, survey_area):
    # Two pages opened on one device (two tabs), both sent: the second is refused.
    first, second = body_for(client, survey_area.ward), body_for(client, survey_area.ward)
    assert post(client, first).status_code == 201
    assert post(client, second).status_code == 409
    assert len(responses(app)) == 1


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://evil.example"}])
def test_other_origins_are_refused(app, client, survey_area, headers):
    reply = post(client, body_for(client, survey_area.ward), headers=headers)
    assert reply.status_code == 403
    assert responses(app) == []


@pytest.mark.parametrize("body, status", [
    ({"key": "not-a-uuid"}, 400),
    ({"answers": ["8"]}, 400),
    ({"answers": {"safe_day": {"x": 1}}}, 400),
    ({"started": "forged"}, 403),
])
def test_malformed_bodies_get_4xx_with_a_reason(app, client, survey_area, body, status):
    reply = post(client, {**body_for(client, survey_area.ward), **body})
    assert reply.status_code == status and reply.get_json()["error"]
    assert client.post("/api/v1/responses", data="[1]", headers={
        **ORIGIN, "Content-Type": "application/json"}).status_code == 400
    assert client.post("/api/v1/responses", data="key=1", headers=ORIGIN).status_code == 400
    assert responses(app) == []


def test_the_public_limit_does_not_stop_a_tablet(app, client, survey_area):
    app.config["PULSE_SUBMIT_LIMIT"] = "2 per minute"
    token = assist_token(app, survey_area.ward)
    for _ in range(4):
        reply = post(client, {"key": str(uuid.uuid4()), "area": survey_area.ward,
                              "assist": token, "answers": GOOD_ANSWERS})
        assert reply.status_code == 201
    with app.app_context():
        from pulse.extensions import db
        from pulse.models import Response

        assert db.session.scalar(select(func.count(Response.id))) == 4
