"""Changing language on the questions page keeps every answer given so far: the header's
choices post the form back to the page in the other language, and nothing is stored."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.support import GOOD_ANSWERS, open_survey

SOME = {"safe_day": "7", "relied_on": "4", "top_issue": "Better lighting on the path",
        "age_band": "35-44"}


def stored(app) -> int:
    from pulse.extensions import db
    from pulse.models import Response

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def checked(html: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r'<input[^>]*id="([\w-]+)"[^>]*\bchecked\b', html)}


def test_the_header_offers_the_other_language_as_a_button_that_posts_the_answers(
        client, survey_area):
    html = client.get(f"/s/{survey_area.ward}/questions?consent=yes").get_data(as_text=True)
    button = re.search(r'<button form="answers" type="submit" name="switch_lang" value="cy" '
                       r'formaction="([^"]+)" lang="cy">Cymraeg</button>', html)
    assert button and button.group(1) == f"/s/{survey_area.ward}/questions?lang=cy"
    # Enter in the form must still send it: its first submit button is a plain one.
    first = re.search(r'<button form="answers"[^>]*>', html).group(0)
    assert "hidden" in first and "switch_lang" not in first
    assert '<form id="answers"' in html


def test_switching_keeps_the_answers_and_stores_nothing(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    page = client.post(f"/s/{survey_area.ward}/questions?lang=cy",
                       data={**tokens, **SOME, "switch_lang": "cy"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="cy"' in html and "Anfon fy atebion" in html
    assert {"safe_day-7", "relied_on-4", "age_band-35-44"} <= checked(html)
    assert "Better lighting on the path" in html
    assert 'class="summary"' not in html  # nothing was checked, so nothing is wrong yet
    assert stored(app) == 0
    # The same form, now complete, is sent and stored in Welsh.
    hidden = dict(re.findall(r'<input[^>]*name="(csrf_token|started|via)"[^>]*value="([^"]*)"',
                             html))
    sent = client.post(f"/s/{survey_area.ward}/questions", data={**hidden, **GOOD_ANSWERS})
    assert sent.status_code == 302 and stored(app) == 1
    from pulse.extensions import db
    from pulse.models import Response
    with app.app_context():
        assert db.session.scalar(select(Response.language)) == "cy"


def test_a_switch_with_any_value_never_submits(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    page = client.post(f"/s/{survey_area.ward}/questions",
                       data={**tokens, **GOOD_ANSWERS, "switch_lang": "xx"})
    assert page.status_code == 200 and stored(app) == 0


def test_switching_keeps_the_time_the_form_was_first_shown(app, client, survey_area):
    """The completion time runs from when the questions were first shown, not from the switch:
    a resident who answers, then reads the page again in Welsh and sends it at once, took as
    long as they took, and is not flagged as too fast."""
    from pulse.extensions import db
    from pulse.models import Response
    from pulse.survey.tokens import read_started_token

    tokens = open_survey(client, survey_area.ward)
    page = client.post(f"/s/{survey_area.ward}/questions?lang=cy",
                       data={**tokens, **SOME, "switch_lang": "cy"})
    hidden = dict(re.findall(r'<input[^>]*name="(csrf_token|started|via)"[^>]*value="([^"]*)"',
                             page.get_data(as_text=True)))
    assert hidden["started"] == tokens["started"]
    sent = client.post(f"/s/{survey_area.ward}/questions", data={**hidden, **GOOD_ANSWERS})
    assert sent.status_code == 302
    with app.app_context():
        key = db.session.scalar(select(Response.submission_key))
    with app.test_request_context():
        assert key == read_started_token(tokens["started"])[0]


def test_a_switch_without_a_valid_start_time_gets_a_fresh_one(client, survey_area):
    from pulse.survey.tokens import read_started_token

    tokens = open_survey(client, survey_area.ward)
    page = client.post(f"/s/{survey_area.ward}/questions?lang=cy",
                       data={**tokens, "started": "forged", "switch_lang": "cy"})
    started = re.search(r'name="started" type="hidden" value="([^"]*)"',
                        page.get_data(as_text=True)).group(1)
    with client.application.test_request_context():
        assert read_started_token(started) is not None
