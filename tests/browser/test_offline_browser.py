"""Door-to-door collection with no signal, in a real browser (Debian's Chromium, Playwright).

An officer signs in on a "tablet", opens assisted mode, and the service worker installs. The
network goes away: the page still reloads (from the worker's cache), two residents' answers
are completed and shown as waiting on the device, and nothing reaches the server. The network
comes back: both responses arrive, each exactly once.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from tests.browser.test_survey_browser import CHROMIUM, TIMEOUT_MS, browser  # noqa: F401  (a fixture)
from tests.support import GOOD_ANSWERS, STAFF_PASSWORD, make_survey_area, make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

TABLET = {"width": 800, "height": 1280}
OFFICER = "door.to.door@example.org"


@pytest.fixture
def live_app(app, serve):
    """The app on a free port of 127.0.0.1 with an open wave and an officer for the borough."""
    with app.app_context():
        area = make_survey_area()
        make_user(OFFICER, "officer", [area.borough])
    return serve(app), area


def stored(app):
    from pulse.extensions import db
    from pulse.models import Response

    with app.app_context():
        rows = [(r.channel, r.device_hash, r.submission_key, len(r.answers))
                for r in db.session.scalars(select(Response))]
        db.session.remove()
        return rows


def answer_everything(page, top_issue: str):
    for code, value in GOOD_ANSWERS.items():
        if code == "top_issue":
            page.locator("#top_issue").fill(top_issue)
        else:
            page.locator(f"label:has(#{code}-{value})").click()


def outbox(page) -> str:
    return page.locator("#outbox").inner_text()


def test_offline_queue_sends_each_response_once_after_reconnection(app, live_app, browser):  # noqa: F811
    base_url, area = live_app
    context = browser.new_context(base_url=base_url, viewport=TABLET, locale="en-GB",
                                  service_workers="allow")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/login")
        page.locator("input[name=email]").fill(OFFICER)
        page.locator("input[name=password]").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

        page.goto(f"/assist/{area.ward}")
        # Installed and activated: it claims this page, so the page gets a controller.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.reload()  # now through the worker, which keeps a copy
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        started = page.locator("input[name=started]").input_value()
        page.wait_for_function("() => caches.match(location.href).then(hit => !!hit)")

        context.set_offline(True)
        # Served from the cache: the very same page, down to its signed start token.
        page.reload()
        assert page.locator("input[name=started]").input_value() == started
        assert page.get_by_role("heading", level=1).is_visible()

        answer_everything(page, "Speeding on the high road")
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_function("() => document.getElementById('outbox').textContent"
                               " === '1 response waiting to send'")
        # The form is empty again for the next resident.
        assert not page.locator("#safe_day-8").is_checked()
        answer_everything(page, "Lights out in the park")
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_function("() => document.getElementById('outbox').textContent"
                               " === '2 responses waiting to send'")
        assert page.locator("#outbox").get_attribute("aria-live") == "polite"
        assert stored(app) == []

        context.set_offline(False)  # the "online" event starts the queue
        page.wait_for_function("() => document.getElementById('outbox').textContent === ''",
                               timeout=30_000)
        rows = stored(app)
        assert len(rows) == 2
        assert {(channel, device) for channel, device, _key, _n in rows} == {("assisted", None)}
        assert len({key for _c, _d, key, _n in rows}) == 2
        assert all(n == len(GOOD_ANSWERS) - 3 for _c, _d, _k, n in rows)

        # Nothing left on the device, and a reload (which flushes again) sends nothing more.
        page.reload()
        left = page.evaluate("""() => new Promise(done => { const r = indexedDB.open('pulse', 1);
            r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox')
            .count(); q.onsuccess = () => done(q.result); }; })""")
        assert left == 0
        assert len(stored(app)) == 2
    finally:
        context.close()
