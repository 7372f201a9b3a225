"""In Chromium: a resident who changes language half way through keeps every answer, with and
without script, and Enter on an answer still sends the form rather than changing language."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.browser.test_survey_browser import (  # noqa: F401  (fixtures)
    browser, live_server, new_page, radio)
from tests.support import GOOD_ANSWERS

SOME = {"safe_day": "7", "respect": "3", "relied_on": "4", "age_band": "35-44"}


def stored(app) -> int:
    from pulse.extensions import db
    from pulse.models import Response

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize("script", [False, True], ids=["no script", "script"])
def test_changing_language_keeps_the_answers(app, live_server, browser, script):  # noqa: F811
    base_url, area = live_server
    context, page = new_page(browser, base_url, java_script_enabled=script)
    try:
        page.goto(f"/s/{area.ward}/questions?consent=yes")
        for code, value in SOME.items():
            page.locator(f"label:has(#{code}-{value})").click()
        page.locator("#top_issue").fill("Better lighting by the station")
        page.get_by_role("button", name="Cymraeg").click()
        page.wait_for_function("document.documentElement.lang === 'cy'")
        assert page.get_by_role("button", name="Anfon fy atebion").is_visible()
        for code, value in SOME.items():
            assert radio(page, code, value).is_checked(), code
        assert page.locator("#top_issue").input_value() == "Better lighting by the station"
        assert page.locator(".summary").count() == 0
        assert stored(app) == 0  # nothing sent, queued or stored on the way
        # And back again, still holding everything.
        page.get_by_role("button", name="English").click()
        page.wait_for_function("document.documentElement.lang === 'en'")
        assert radio(page, "safe_day", "7").is_checked()
    finally:
        context.close()


def test_enter_on_an_answer_sends_the_form_not_a_language(app, live_server, browser):  # noqa: F811
    base_url, area = live_server
    context, page = new_page(browser, base_url, java_script_enabled=False)
    try:
        page.goto(f"/s/{area.ward}/questions?consent=yes")
        for code, value in GOOD_ANSWERS.items():
            if code == "top_issue":
                page.locator("#top_issue").fill(value)
            else:
                page.locator(f"label:has(#{code}-{value})").click()
        # Chromium submits a form when Enter is pressed on a radio button, pressing the form's
        # first submit button: that must be the plain one, not "Cymraeg" in the header.
        radio(page, "safe_day", GOOD_ANSWERS["safe_day"]).focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/s/{area.ward}/thanks")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert stored(app) == 1
    finally:
        context.close()
