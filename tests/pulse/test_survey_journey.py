"""The resident journey through the Flask test client."""
from __future__ import annotations

import re
from urllib.parse import quote

from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Answer, Response
from tests.support import GOOD_ANSWERS, form_tokens, open_survey, submit


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_area_link_consent_questions_thanks(app, client, survey_area):
    intro = client.get(f"/s/{survey_area.ward}")
    assert intro.status_code == 200
    assert "Bellingham" in intro.get_data(as_text=True)
    assert "privacy" in intro.get_data(as_text=True).lower()

    # The questions are behind the consent step.
    skipped = client.get(f"/s/{survey_area.ward}/questions")
    assert skipped.status_code == 302 and skipped.headers["Location"].endswith(survey_area.ward)

    done = submit(client, survey_area.ward)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/s/{survey_area.ward}/thanks")
    thanks = client.get(done.headers["Location"])
    assert thanks.status_code == 200
    assert "999" in thanks.get_data(as_text=True)

    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.channel == "web" and response.language == "en"
        assert (response.age_band, response.sex, response.ethnicity) == ("35-44", "female", "prefer_not")
        assert response.device_hash and len(response.device_hash) == 64
        answers = {a.question.code: a for a in response.answers}
        assert answers["safe_day"].value == 8
        assert answers["informed"].dont_know and answers["informed"].value is None
        assert answers["top_issue"].text == GOOD_ANSWERS["top_issue"]
        assert "age_band" not in answers  # demographics live on the response


def test_validation_error_keeps_every_other_answer(app, client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    bad = {**GOOD_ANSWERS, "respect": "11", "listen": ""}
    page = client.post(f"/s/{survey_area.ward}/questions", data={**tokens, **bad})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Choose a value from 0-10." in html
    assert "Please answer this question." in html
    # Earlier answers are still selected, and the comment is still typed in.
    assert 'name="safe_day" value="8" checked' in html
    assert 'name="relied_on" value="4" checked' in html
    assert GOOD_ANSWERS["top_issue"] in html
    with app.app_context():
        assert count(Response) == 0 and count(Answer) == 0
    # Correcting the field and resending succeeds with the same form.
    again = client.post(f"/s/{survey_area.ward}/questions",
                        data={**form_tokens(html), **GOOD_ANSWERS})
    assert again.status_code == 302


def _answered_last_month(ward: str, safe_day: list[int]) -> None:
    """Responses 40 days back (always last month or the one before), one per value."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from pulse.instruments.queries import latest_version
    from pulse.models import Area
    from pulse.survey.operations import Meta, NewResponse, record_responses
    from surveys.core import CORE
    from surveys.validation import validate_submission

    area = db.session.scalar(select(Area.id).where(Area.code == ward))
    at = datetime.now(UTC) - timedelta(days=40)
    record_responses(latest_version("core"), [
        NewResponse(area_id=area, submission=validate_submission(CORE, {
            **{k: v for k, v in GOOD_ANSWERS.items() if k != "top_issue"},
            "safe_day": str(value)}), meta=Meta(
                submitted_at=at, language="en", channel="import",
                submission_key=uuid.uuid4().hex)) for value in safe_day])
    db.session.commit()


def _aggregate() -> None:
    from pulse.estimates.operations import aggregate

    aggregate(full=True)
    db.session.commit()


def test_thanks_page_hides_figures_under_ten_responses(app, client, survey_area):
    with app.app_context():
        _answered_last_month(survey_area.ward, list(range(9)))
        _aggregate()
    page = client.get(f"/s/{survey_area.ward}/thanks").get_data(as_text=True)
    assert "Not enough people have answered" in page
    assert "out of 100" not in page
    with app.app_context():
        _answered_last_month(survey_area.ward, [8])
        _aggregate()
    page = client.get(f"/s/{survey_area.ward}/thanks").get_data(as_text=True)
    # Ten responses: safe_day answers 0..8 and 8 -> mean 4.4 -> 44 out of 100.
    assert "44 out of 100" in page
    assert "from 10 answers" in page


def test_thanks_page_figures_do_not_move_with_this_months_answers(app, client, survey_area):
    """The page shows the year to the end of last month: loading it before and after a
    neighbour answers, and after the aggregation has run, tells nothing of their answer."""
    with app.app_context():
        _answered_last_month(survey_area.ward, list(range(9)) + [8])
        _aggregate()
    before = client.get(f"/s/{survey_area.ward}/thanks").get_data(as_text=True)
    assert "44 out of 100" in before and "from 10 answers" in before
    assert submit(app.test_client(), survey_area.ward,
                  {**GOOD_ANSWERS, "safe_day": "0"}).status_code == 302
    with app.app_context():
        _aggregate()
    after = client.get(f"/s/{survey_area.ward}/thanks").get_data(as_text=True)
    assert "44 out of 100" in after and "from 10 answers" in after
    assert "40 out of 100" not in after and "from 11 answers" not in after


def test_welsh_survey(app, client, survey_area):
    page = client.get(f"/s/{survey_area.ward}/questions?consent=yes&lang=cy")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="cy">' in html
    assert "Pa mor ddiogel ydych chi" in html
    assert submit(client, survey_area.ward).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Response.language)) == "cy"


def test_qr_channel_recorded(app, client, survey_area):
    assert submit(client, survey_area.ward, via="qr").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Response.channel)) == "qr"


def test_page_weight_under_50kb(client, survey_area):
    page = client.get(f"/s/{survey_area.ward}/questions?consent=yes")
    size = len(page.data)
    for path in ("/static/pulse.css", "/static/collect.js"):
        with client.get(path) as asset:
            size += len(asset.data)
    assert size < 50 * 1024
    # The survey itself needs no JavaScript; the offline queue comes from a file, never inline.
    assert re.findall(rb"<script[^>]*>", page.data) == [b'<script src="/static/collect.js" defer>']


def test_health_reports_database(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.json == {"status": "ok", "database": "ok"}


def _stored(app) -> list[tuple]:
    """Every stored response with its answers, without ids, times or keys."""
    with app.app_context():
        rows = db.session.execute(
            select(Response.id, Response.language, Response.channel, Response.age_band,
                   Response.sex, Response.ethnicity, Response.quality_flags)
            .order_by(Response.id)).all()
        out = []
        for row in rows:
            answers = db.session.execute(
                select(Answer.question_id, Answer.value, Answer.dont_know, Answer.text)
                .where(Answer.response_id == row.id).order_by(Answer.question_id)).all()
            out.append((tuple(row[1:6]), tuple(row.quality_flags), tuple(map(tuple, answers))))
        return out


def test_valid_submit_stores_the_same_with_or_without_the_form(app, survey_area, monkeypatch):
    # A valid submit is read without building the WTForms form; anything the quick reading
    # does not take goes through the form (here the quick reading is made to take nothing).
    # Both store the same response, answers and flags.
    from pulse.survey import views

    quick, slow = app.test_client(), app.test_client()
    assert submit(quick, survey_area.ward).status_code == 302
    tokens = open_survey(slow, survey_area.ward)
    monkeypatch.setattr(views, "valid_submission", lambda definition: None)
    reply = slow.post(f"/s/{survey_area.ward}/questions", data={**tokens, **GOOD_ANSWERS})
    assert reply.status_code == 302
    first, second = _stored(app)
    assert first == second
    assert len(first[2]) == len(GOOD_ANSWERS) - 3


def test_the_area_list_says_when_it_shows_only_some_areas(app, client, survey_area):
    """A force with hundreds of wards lists the first 60 by name: the page says there are more
    and to search, rather than leaving a resident whose ward comes later to think it missing.
    A search for % or _ finds those characters, not every area."""
    from pulse.areas.operations import ensure_area
    from pulse.models import Area

    with app.app_context():
        borough = db.session.scalar(select(Area).where(Area.code == survey_area.borough))
        for i in range(70):
            ensure_area(f"E0599{i:04d}", f"Ward {i:02d}", "ward", borough)
        db.session.commit()
    html = client.get("/s/").get_data(as_text=True)
    assert html.count('<li><a href="/s/') == 60
    assert "Search to find yours" in html
    html = client.get("/s/?q=Ward 1").get_data(as_text=True)
    assert html.count('<li><a href="/s/') == 10 and "Search to find yours" not in html
    for wildcard in ("%", "_"):
        html = client.get(f"/s/?q={quote(wildcard)}").get_data(as_text=True)
        assert '<li><a href="/s/' not in html and "No area matches that search." in html


def test_area_search_ignores_case_and_accents(app, client, survey_area):
    """Welsh names carry ŵ, ŷ, â, ô: a resident typing without them, or in capitals, finds
    the area all the same, on SQLite as on PostgreSQL."""
    from pulse.areas.operations import ensure_area
    from pulse.models import Area

    with app.app_context():
        borough = db.session.scalar(select(Area).where(Area.code == survey_area.borough))
        ensure_area("W0500001", "Ynys Môn", "ward", borough)
        ensure_area("W0500002", "Tŷ Croes 100%", "ward", borough)
        db.session.commit()
    for typed in ("Ynys Mon", "YNYS MÔN", "ynys môn", "ynys mon", "w0500001"):
        html = client.get(f"/s/?q={quote(typed)}").get_data(as_text=True)
        assert html.count('<li><a href="/s/') == 1, typed
        assert "Ynys Môn" in html, typed
    html = client.get(f"/s/?q={quote('TY CROES')}").get_data(as_text=True)
    assert "Tŷ Croes 100%" in html
    # % is still a character to find, not a wildcard.
    html = client.get(f"/s/?q={quote('%')}").get_data(as_text=True)
    assert html.count('<li><a href="/s/') == 1 and "Tŷ Croes 100%" in html
