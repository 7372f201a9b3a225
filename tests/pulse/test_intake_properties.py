"""Property-based tests of the survey form over HTTP: any body gives a 4xx or a stored valid
response, never a 500 and never a half-written record (hypothesis, on every backend)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Answer, Response
from surveys.core import CORE
from tests.support import GOOD_ANSWERS, open_survey

CODES = list(CORE.codes)
VALUE = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "0", "10", "11", "dk", "female", "35-44", "\x00", "<script>alert(1)</script>",
     "' OR 1=1 --", "=cmd|' /C calc'!A0", "x" * 600]))
FIELDS = st.dictionaries(st.one_of(st.sampled_from(CODES), st.text(min_size=1, max_size=10)),
                         VALUE, max_size=len(CODES) + 2)
# Fixtures are set up once per test, not per example; each example uses a fresh client.
SETTINGS = settings(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(app, response, before: int) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Response))
        if response.status_code == 302:
            assert total == before + 1
            newest = db.session.scalar(select(Response).order_by(Response.id.desc()).limit(1))
            stored = db.session.scalars(select(Answer).where(Answer.response_id == newest.id)).all()
            assert stored, "a response with no answers"
            for answer in stored:
                assert answer.text is None or "\x00" not in answer.text
        else:
            assert 400 <= response.status_code < 500 and total == before
        db.session.remove()


def _count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Response))
        db.session.remove()
        return count


@SETTINGS
@given(fields=FIELDS, keep_good=st.booleans())
def test_any_form_fields_give_4xx_or_a_valid_stored_response(app, survey_area, fields, keep_good):
    app.config["PULSE_SUBMIT_LIMIT"] = "100000 per minute"
    client = app.test_client()
    tokens = open_survey(client, survey_area.ward)
    data = {**(GOOD_ANSWERS if keep_good else {}), **fields, **tokens}
    before = _count(app)
    _check(app, client.post(f"/s/{survey_area.ward}/questions", data=data), before)


@SETTINGS
@given(body=st.binary(max_size=600), content_type=st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
    "application/json", "text/plain", "multipart/form-data"]))
def test_any_byte_soup_is_refused_with_a_4xx(app, survey_area, body, content_type):
    app.config["PULSE_SUBMIT_LIMIT"] = "100000 per minute"
    client = app.test_client()
    open_survey(client, survey_area.ward)
    before = _count(app)
    response = client.post(f"/s/{survey_area.ward}/questions", data=body,
                           content_type=content_type)
    # No valid CSRF token can be in random bytes, so nothing may be stored.
    assert 400 <= response.status_code < 500, response.status_code
    _check(app, response, before)
