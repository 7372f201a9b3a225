"""Assisted mode on a tablet: the resident's questions, channel "assisted", no officer stored."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.support import GOOD_ANSWERS, form_tokens


def stored(app):
    from pulse.extensions import db
    from pulse.models import Response

    with app.app_context():
        return [(r.channel, r.device_hash, r.submission_key)
                for r in db.session.scalars(select(Response))]


def test_an_officer_collects_one_resident_after_another(app, client, auth, survey_area):
    auth.login("officer", areas=[survey_area.borough])
    page = client.get(f"/assist/{survey_area.ward}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The resident-facing wording, from the same question macros as the public page.
    resident = client.get(f"/s/{survey_area.ward}/questions?consent=yes").get_data(as_text=True)
    assert 'id="q-safe_day"' in html and "Send my answers" in html
    assert html[html.index('id="q-safe_day"'):html.index('id="q-safe_night"')] == \
        resident[resident.index('id="q-safe_day"'):resident.index('id="q-safe_night"')]
    assert 'data-assist="' in html and 'rel="manifest"' in html
    assert "<script>" not in html  # scripts only from /static (the CSP forbids inline code)

    for n in range(2):  # two residents, one tablet: the device rule does not apply
        tokens = form_tokens(client.get(f"/assist/{survey_area.ward}").get_data(as_text=True))
        sent = client.post(f"/assist/{survey_area.ward}", data={**tokens, **GOOD_ANSWERS})
        assert sent.status_code == 302, sent.get_data(as_text=True)[:300]
        assert sent.headers["Location"].startswith(f"/assist/{survey_area.ward}?saved=1")
        fresh = client.get(sent.headers["Location"]).get_data(as_text=True)
        assert "ready for the next resident" in fresh
        assert 'checked' not in fresh  # an empty form
    rows = stored(app)
    assert len(rows) == 2
    assert {(channel, device) for channel, device, _key in rows} == {("assisted", None)}


def test_bad_answers_come_back_with_reasons(app, client, auth, survey_area):
    auth.login("officer", areas=[survey_area.ward])
    tokens = form_tokens(client.get(f"/assist/{survey_area.ward}").get_data(as_text=True))
    sent = client.post(f"/assist/{survey_area.ward}",
                       data={**tokens, **GOOD_ANSWERS, "safe_day": ""})
    assert sent.status_code == 422
    assert "Please answer this question." in sent.get_data(as_text=True)
    assert stored(app) == []


def test_changing_language_keeps_the_residents_answers(app, client, auth, survey_area):
    auth.login("officer", areas=[survey_area.ward])
    html = client.get(f"/assist/{survey_area.ward}").get_data(as_text=True)
    assert (f'name="switch_lang" value="cy" formaction="/assist/{survey_area.ward}?lang=cy"'
            in html)
    partial = {"safe_day": "7", "top_issue": "Better lighting on the path"}
    page = client.post(f"/assist/{survey_area.ward}?lang=cy",
                       data={**form_tokens(html), **partial, "switch_lang": "cy"})
    welsh = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="cy"' in welsh
    assert re.search(r'<input[^>]*id="safe_day-7"[^>]*\bchecked\b', welsh)
    assert "Better lighting on the path" in welsh and 'class="summary"' not in welsh
    assert stored(app) == []
    sent = client.post(f"/assist/{survey_area.ward}",
                       data={**form_tokens(welsh), **GOOD_ANSWERS})
    assert sent.status_code == 302 and len(stored(app)) == 1


def test_scope_and_roles(app, client, auth, survey_area):
    assert client.get(f"/assist/{survey_area.ward}").status_code == 302  # sign in first
    auth.login("officer", areas=[survey_area.other_ward])
    assert client.get(f"/assist/{survey_area.ward}").status_code == 404  # outside the scope
    assert client.get(f"/assist/{survey_area.other_ward}").status_code == 200
    auth.logout()
    auth.login("analyst", areas=[survey_area.borough])
    assert client.get(f"/assist/{survey_area.ward}").status_code == 403


def fetch(client, path):
    """GET a file; the response is closed so its file handle is too."""
    with client.get(path) as response:
        response.get_data()
        return response


def test_web_app_files(client):
    manifest = fetch(client, "/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.mimetype == "application/manifest+json"
    data = manifest.get_json(force=True)
    assert data["start_url"] == "/s/" and data["display"] == "standalone"
    for icon in data["icons"]:
        assert fetch(client, icon["src"]).status_code == 200, icon["src"]
    worker = fetch(client, "/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    assert worker.headers["Cache-Control"] == "no-cache"


def test_resident_page_stays_small(client, survey_area):
    """HTML + CSS + JS of the survey page under 50 KB, as sent (before any compression)."""
    page = client.get(f"/s/{survey_area.ward}/questions?consent=yes")
    total = len(page.data)
    for asset in ("/static/pulse.css", "/static/collect.js"):
        total += len(fetch(client, asset).data)
    assert total < 50_000, total
