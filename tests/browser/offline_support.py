"""What the two offline browser tests share: the live app, a page cached by the service worker
and then cut off, the device's outbox, and the responses that reached the server."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.test_survey_browser import TIMEOUT_MS
from tests.support import GOOD_ANSWERS, make_survey_area, make_user

OFFICER = "door.to.door@example.org"
# The number of responses waiting in the device's IndexedDB outbox.
OUTBOX_COUNT = """() => new Promise(done => { const r = indexedDB.open('pulse', 1);
    r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox')
    .count(); q.onsuccess = () => done(q.result); }; })"""


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


def offline_context(browser, base_url: str, viewport: dict):
    """A browser context that lets the service worker run, with the tests' bounded waits."""
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="en-GB",
                                  service_workers="allow")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def cache_then_go_offline(context, page) -> None:
    """Let the worker claim and keep the open page, cut the network, and reload from its cache."""
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
