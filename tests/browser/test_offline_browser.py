"""Door-to-door collection with no signal, in a real browser (Debian's Chromium, Playwright).

An officer signs in on a "tablet", opens assisted mode, and the service worker installs. The
network goes away: the page still reloads (from the worker's cache), two residents' answers
are completed and shown as waiting on the device, and nothing reaches the server. The network
comes back: both responses arrive, each exactly once.
"""
from __future__ import annotations

import os

import pytest

from tests.browser.offline_support import (  # noqa: F401  (live_app is a fixture)
    OFFICER, OUTBOX_COUNT, answer_everything, cache_then_go_offline, live_app, offline_context,
    stored)
from tests.browser.test_survey_browser import CHROMIUM, browser  # noqa: F401  (a fixture)
from tests.support import GOOD_ANSWERS, STAFF_PASSWORD

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

TABLET = {"width": 800, "height": 1280}


def outbox(page) -> str:
    return page.locator("#outbox").inner_text()


def test_offline_queue_sends_each_response_once_after_reconnection(app, live_app, browser):  # noqa: F811
    base_url, area = live_app
    context = offline_context(browser, base_url, TABLET)
    page = context.new_page()
    try:
        page.goto("/login")
        page.locator("input[name=email]").fill(OFFICER)
        page.locator("input[name=password]").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

        page.goto(f"/assist/{area.ward}")
        cache_then_go_offline(context, page)
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
        left = page.evaluate(OUTBOX_COUNT)
        assert left == 0
        assert len(stored(app)) == 2
    finally:
        context.close()
