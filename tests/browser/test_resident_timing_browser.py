"""In Chromium with script: the time a resident took runs from when the questions were first
shown, across a change of language, so reading the page again in Welsh and sending it at once
is not taken for a response sent too fast to have been read."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from tests.browser.test_survey_browser import (  # noqa: F401  (fixtures)
    CHROMIUM, browser, live_server, new_page)
from tests.support import GOOD_ANSWERS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]


def test_changing_language_does_not_restart_the_time_taken(app, live_server, browser):  # noqa: F811
    from pulse.extensions import db
    from pulse.models import Response

    base_url, area = live_server
    context, page = new_page(browser, base_url, java_script_enabled=True)
    try:
        # The page's clock is Playwright's: five minutes pass without waiting for them.
        page.clock.install()
        page.goto(f"/s/{area.ward}/questions?consent=yes")
        page.wait_for_function("document.querySelector('#outbox') !== null")
        for code, value in GOOD_ANSWERS.items():
            if code == "top_issue":
                page.locator("#top_issue").fill(value)
            else:
                page.locator(f"label:has(#{code}-{value})").click()
        page.clock.fast_forward("05:00")
        page.get_by_role("button", name="Cymraeg").click()
        page.wait_for_function("document.documentElement.lang === 'cy'")
        page.get_by_role("button", name="Anfon fy atebion").click()
        page.wait_for_url("**/thanks*")
        with app.app_context():
            seconds, flags = db.session.execute(
                select(Response.duration_seconds, Response.quality_flags)).one()
        assert seconds >= 300 and "too_fast" not in flags
    finally:
        context.close()
