"""The officer workspace in a real browser: sign in, open the overview, click into an area, see
its chart (Debian's Chromium driven by Playwright, the app on a free port of 127.0.0.1)."""
from __future__ import annotations

import os

import pytest

from tests.browser.staff_support import sign_in
from tests.browser.test_survey_browser import ARGS, CHROMIUM, TIMEOUT_MS
from tests.pulse.officer.conftest import (comments, priority_comments, tree,  # noqa: F401
                                         workspace)
from tests.support import STAFF_PASSWORD, make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]


@pytest.fixture
def officer_server(app, comments, priority_comments, serve):  # noqa: F811
    # priority_comments: 2026-Q4 publishes its topic shares, so it has suggestions to decide.
    with app.app_context():
        make_user("officer@example.org", "officer", [comments.borough])
    return serve(app)


def test_officer_signs_in_opens_overview_and_an_area_chart(officer_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            errors: list[str] = []
            # Every page and file the pages ask for is served (the browser's own favicon aside).
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
            page.goto(officer_server + "/login")
            page.fill("input[name=email]", "officer@example.org")
            page.fill("input[name=password]", STAFF_PASSWORD)
            page.click("button[type=submit]")
            page.goto(officer_server + "/officer/?kind=quarter")
            assert page.locator("h1").inner_text() == "Overview of your areas"
            assert page.locator("svg.map path").count() == 2          # Bellingham, Blackheath
            assert "fell 12 points since last quarter" in page.locator("ul.changes").inner_text()
            page.get_by_role("link", name="Bellingham", exact=True).click()
            page.wait_for_url("**/officer/area/E05000437")
            chart = page.locator("svg.chart").first
            chart.wait_for(state="visible")
            box = chart.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 100
            assert page.locator("svg.chart polyline").count() > 0
            assert page.locator("svg.chart polygon").count() > 0      # the 95% band
            assert not errors, errors
        finally:
            browser.close()


# Elements that reach past the window's right edge, but inside a region that scrolls itself
# (a wide table scrolls in its own box; the page does not).
PAST_THE_EDGE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1
    && !e.closest('.scroll, details:not([open])'))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + ': ' + (e.textContent || '').trim().slice(0, 50))"""


# Fields that take typing or a choice, shorter than the pages' 44 px (WCAG 2.5.8 asks 24).
SHORT_FIELDS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
  .map(e => `${e.name || e.id} ${e.type} ${Math.round(e.getBoundingClientRect().height)}px`)"""


# Layout and field heights as rendered: the same on every backend (SQLite only).
@pytest.mark.one_backend
def test_staff_pages_fit_a_phone_and_their_fields_are_44px(officer_server, comments, app):  # noqa: F811
    """At 390 px (a phone) no officer or admin page scrolls sideways (a wide table scrolls in
    its own region) and no field is shorter than 44 px."""
    from playwright.sync_api import sync_playwright

    with app.app_context():
        make_user("admin@example.org", "admin")
    walks = {
        "officer@example.org": [
            "/officer/", f"/officer/area/{comments.ward_a}", f"/officer/area/{comments.borough}",
            f"/officer/area/{comments.ward_a}?kind=quarter",
            f"/officer/area/{comments.ward_a}/priorities",
            f"/officer/comments?area={comments.ward_a}", "/officer/labelling", "/exports/",
            "/account"],
        "admin@example.org": [
            "/admin/", "/admin/areas/", f"/admin/areas/{comments.ward_a}", "/admin/waves/",
            "/admin/users/", "/admin/users/new", "/admin/responses/flagged", "/admin/audit/",
            "/admin/packs/", "/admin/instruments/"],
    }
    problems = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        try:
            for email, paths in walks.items():
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.set_default_timeout(TIMEOUT_MS)
                sign_in(page, officer_server, email)
                page.wait_for_load_state("load")
                for path in paths:
                    reply = page.goto(officer_server + path)
                    assert reply.status == 200 and page.url.endswith(path), (path, page.url)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > 390:
                        problems[path] = [width, page.evaluate(PAST_THE_EDGE)]
                    if short := page.evaluate(SHORT_FIELDS):
                        problems[f"{path} fields"] = short
                page.close()
        finally:
            browser.close()
    assert not problems, problems


def test_notes_stop_at_their_limit_and_what_the_box_let_through_is_saved(officer_server, app):
    """The browser stops the notes at 2,000 characters, counting a line break as one though it
    sends two (CR LF); the server counts the same way, so a full box is accepted, not refused."""
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Action

    NOTES_MAX = 2000          # pulse.officer.operations.NOTES_MAX, as the page gives it
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            sign_in(page, officer_server, "officer@example.org")
            page.goto(officer_server + "/officer/area/E09000023/priorities?kind=quarter")
            page.locator("summary", has_text="Accept as an action").first.click()
            form = page.locator("form", has=page.locator("input[name=owner]")).first
            form.locator("input[name=owner]").fill("Sgt Patel")
            notes = form.locator("textarea[name=notes]")
            notes.fill("x" * (NOTES_MAX - 2))
            notes.press("End")
            notes.press("Enter")
            page.keyboard.type("abc")                 # one more fits; the rest is stopped
            assert notes.evaluate("t => t.value.length") == NOTES_MAX
            form.get_by_role("button", name="Accept").click()
            page.wait_for_url("**/priorities?kind=quarter")
            assert "Accepted: Antisocial behaviour in Bellingham" in page.content()
        finally:
            browser.close()
    with app.app_context():
        stored = db.session.scalar(select(Action.notes))
    assert stored.replace("\r\n", "\n") == "x" * (NOTES_MAX - 2) + "\na"
