"""A resident on a phone loses the connection mid-survey, in a real browser (Debian's Chromium,
Playwright): the mirror of the assisted-mode test for the public survey page.

The resident opens the survey while online and the service worker installs. The network goes
away: the page still reloads (from the worker's cache), the answers are completed, and pressing
Send keeps them on the device with a message saying the resident is offline and one response is
waiting; nothing reaches the server. The network comes back: the response arrives exactly once
and the resident lands on the thank-you page, as if they had sent it online.
"""
from __future__ import annotations

import os

import pytest

from tests.browser.offline_support import (  # noqa: F401  (live_app is a fixture)
    OUTBOX_COUNT, answer_everything, cache_then_go_offline, live_app, offline_context, stored)
from tests.browser.test_survey_browser import (  # noqa: F401  (browser is a fixture)
    CHROMIUM, PHONE, browser)
from tests.support import GOOD_ANSWERS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

OFFLINE = ("You are offline. Your answers are saved on this device and will be sent when the "
           "connection returns.")


def test_resident_answers_offline_are_kept_and_sent_once_on_reconnection(app, live_app,  # noqa: F811
                                                                         browser):  # noqa: F811
    base_url, area = live_app
    context = offline_context(browser, base_url, PHONE)
    page = context.new_page()
    try:
        page.goto(f"/s/{area.ward}/questions?consent=yes")
        cache_then_go_offline(context, page)
        assert page.locator("#outbox").is_hidden()

        answer_everything(page, "Broken street lights on the estate")
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_function("(text) => document.getElementById('outbox').textContent"
                               " === text", arg=f"{OFFLINE} 1 response waiting to send")
        status = page.locator("#outbox")
        assert status.is_visible() and status.get_attribute("role") == "status"
        # Kept on the phone, answers and all, and not sent anywhere yet.
        queued = page.evaluate("""() => new Promise(done => { const r = indexedDB.open('pulse', 1);
            r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox')
            .getAll(); q.onsuccess = () => done(q.result.map(i => i.body.answers)); }; })""")
        assert len(queued) == 1
        assert queued[0]["safe_day"] == GOOD_ANSWERS["safe_day"]
        assert queued[0]["top_issue"] == "Broken street lights on the estate"
        assert stored(app) == []

        context.set_offline(False)  # the "online" event sends the queue
        page.wait_for_url(f"**/s/{area.ward}/thanks", timeout=30_000)
        assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
        rows = stored(app)
        assert len(rows) == 1
        channel, device, key, answers = rows[0]
        assert channel != "assisted" and key and answers == len(GOOD_ANSWERS) - 3

        # Nothing left on the phone, and going back to the survey sends nothing more.
        page.goto(f"/s/{area.ward}/questions?consent=yes")
        left = page.evaluate(OUTBOX_COUNT)
        assert left == 0
        assert len(stored(app)) == 1
    finally:
        context.close()
