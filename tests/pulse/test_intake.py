"""One intake path: the one-response rule lives in the database, and a stored response is whole."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from tests.support import GOOD_ANSWERS, open_survey


def _rows(app):
    from pulse.extensions import db
    from pulse.models import Answer, Comment, Response

    with app.app_context():
        return (db.session.scalars(select(Response)).all(),
                db.session.scalars(select(Answer)).all(),
                db.session.scalars(select(Comment)).all())


def _post(client, code, tokens, answers=GOOD_ANSWERS):
    return client.post(f"/s/{code}/questions", data={**tokens, **answers})


def test_two_tabs_of_one_device_store_one_response(app, client, survey_area):
    ward = survey_area.ward
    first, second = open_survey(client, ward), open_survey(client, ward)
    assert _post(client, ward, first).status_code == 302
    # Without the "answered" cookie only the database can tell it is the same device.
    client.delete_cookie("pulse_answered")
    again = _post(client, ward, second)
    assert again.status_code == 409
    assert "already" in again.get_data(as_text=True)
    responses, answers, _ = _rows(app)
    assert len(responses) == 1 and len(answers) == len(
        [a for a in answers if a.response_id == responses[0].id])


def test_the_api_says_already_answered_for_a_device_that_used_the_form(app, client,
                                                                      survey_area):
    ward = survey_area.ward
    tokens = open_survey(client, ward)
    assert _post(client, ward, tokens).status_code == 302
    client.delete_cookie("pulse_answered")
    body = {"key": str(uuid.uuid4()), "area": ward, "answers": dict(GOOD_ANSWERS),
            "started": open_survey(client, ward)["started"], "seconds": 60}
    reply = client.post("/api/v1/responses", json=body, headers={"Origin": "http://localhost"})
    assert reply.status_code == 409
    assert "already answered" in reply.get_json()["error"]
    assert len(_rows(app)[0]) == 1


def test_the_database_refuses_a_second_row_for_a_device_and_wave(app, survey_area):
    from pulse.extensions import db
    from pulse.models import Area, InstrumentVersion, Response

    with app.app_context():
        area_id = db.session.scalar(select(Area.id).where(Area.code == survey_area.ward))
        version_id = db.session.scalar(select(InstrumentVersion.id))
        row = {"area_id": area_id, "wave_id": survey_area.wave_id, "version_id": version_id,
               "language": "en", "channel": "web", "quality_flags": [], "excluded": False}
        # No device (assisted, imported): any number.
        db.session.execute(insert(Response), [row, row])
        db.session.execute(insert(Response), {**row, "device_hash": "a" * 64})
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(insert(Response), {**row, "device_hash": "a" * 64})
        db.session.rollback()
        assert len(db.session.scalars(select(Response)).all()) == 3


def test_a_comment_is_redacted_once_for_the_answer_and_the_comment(app, client, survey_area):
    ward = survey_area.ward
    text = "Call me on 07700 900123 about the lights on Rushey Green"
    reply = _post(client, ward, open_survey(client, ward), {**GOOD_ANSWERS, "top_issue": text})
    assert reply.status_code == 302
    _, answers, comments = _rows(app)
    stored = [a.text for a in answers if a.text]
    assert len(comments) == 1 and stored == [comments[0].redacted_text]
    assert "07700" not in stored[0] and comments[0].raw_text == text


def test_a_flagged_comment_sends_the_resident_to_how_to_report(app, client, survey_area):
    ward = survey_area.ward
    text = "my neighbour hits his kids every night and I can hear them screaming"
    reply = _post(client, ward, open_survey(client, ward), {**GOOD_ANSWERS, "top_issue": text})
    assert reply.status_code == 302 and "report=1" in reply.headers["Location"]
    assert _rows(app)[2][0].safeguarding_flag is True
