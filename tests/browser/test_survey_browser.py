"""The resident survey in a real browser (Debian's Chromium driven by Playwright).

The app is served by a real WSGI server on 127.0.0.1 against the test database. One journey
runs with JavaScript off on a 360 x 740 screen, answering by keyboard and by tapping; a second
context with JavaScript on measures the layout and tries "Use my location".

Set PULSE_BROWSER_ARTIFACTS=/some/dir to keep the screenshots for a look.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
WARDS = Path(__file__).resolve().parents[1] / "data" / "lewisham_wards_2013.geojson"
# Ladywell station: inside the Ladywell ward boundary of the 2013 file.
LADYWELL = {"code": "E05000446", "name": "Ladywell", "latitude": 51.4563, "longitude": -0.0190}
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason=f"{CHROMIUM} is missing and scripts/test-deps.sh could not install it "
                              "(it needs root or sudo and Debian's apt)"),
]


@pytest.fixture
def live_server(app, serve):
    """The app on a free port of 127.0.0.1, seeded with Lewisham's wards and an open wave."""
    from pulse.areas.operations import import_geojson
    from pulse.extensions import db
    from pulse.models import Area
    from tests.support import make_survey_area

    with app.app_context():
        seeded = make_survey_area()
        borough = db.session.scalar(select(Area).where(Area.code == seeded.borough))
        report = import_geojson(WARDS, parent=borough, level="ward")
        assert not report.rejected and LADYWELL["code"] in report.created
        db.session.commit()

    return serve(app), seeded


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("PULSE_BROWSER_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_page(browser, base_url, **options):
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


def radio(page, code: str, value: str):
    return page.locator(f"#{code}-{value}")


# Keyboard, taps, the error summary and focus without script: the browser's side (SQLite only).
@pytest.mark.one_backend
def test_survey_without_javascript_on_a_phone(live_server, browser, artifacts):
    base_url, area = live_server
    context, page = new_page(browser, base_url, java_script_enabled=False)
    try:
        page.goto(f"/s/{area.ward}")
        assert "Bellingham" in page.title()
        page.get_by_role("button", name="I agree – start the survey").click()
        page.wait_for_url(f"**/s/{area.ward}/questions?consent=yes")
        # Script only from files (the offline queue), never inline; it does not run here.
        assert page.locator("script:not([src])").count() == 0

        # By keyboard: tab into the first scale from the hint above it and move with arrows.
        radio(page, "safe_day", "0").focus()
        for _ in range(8):
            page.keyboard.press("ArrowRight")
        assert radio(page, "safe_day", "8").is_checked()
        page.keyboard.press("Tab")  # on to the next question's group
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        assert radio(page, "safe_night", "5").is_checked()

        # By tapping the labels; "listen" is left unanswered on purpose.
        for code, value in {"respect": "7", "fair": "6", "relied_on": "4",
                            "things_that_matter": "3", "informed": "dk", "good_job": "4",
                            "age_band": "35-44", "sex": "female"}.items():
            page.locator(f"label:has(#{code}-{value})").click()
            assert radio(page, code, value).is_checked(), code
        page.locator("#top_issue").click()
        page.keyboard.type("Better lighting by the station")
        page.screenshot(path=str(artifacts / "survey-360.png"), full_page=True)

        page.get_by_role("button", name="Send my answers").click()
        summary = page.locator(".summary")
        assert summary.is_visible()
        assert page.title().startswith("Error:")
        # autofocus puts keyboard and screen-reader users on the summary, without script.
        assert page.evaluate("document.activeElement.classList.contains('summary')")
        link = summary.get_by_role("link")
        assert link.count() == 1 and "Please answer this question." in link.inner_text()
        beside = page.locator("#q-listen .error")
        assert beside.is_visible() and "Please answer this question." in beside.inner_text()
        assert "err-listen" in page.locator("#q-listen fieldset").get_attribute("aria-describedby")
        # Every other answer survived the round trip.
        assert radio(page, "safe_day", "8").is_checked() and radio(page, "sex", "female").is_checked()
        assert page.locator("#top_issue").input_value() == "Better lighting by the station"
        page.screenshot(path=str(artifacts / "survey-360-error.png"), full_page=True)

        # The summary link takes focus to the question; answer it from the keyboard.
        link.click()
        assert page.evaluate("document.activeElement.id") == "listen-0"
        for _ in range(6):
            page.keyboard.press("ArrowRight")
        assert radio(page, "listen", "6").is_checked()
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_url(f"**/s/{area.ward}/thanks")
        assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    finally:
        context.close()


PAGES = {"choose": "/s/", "intro": "/s/{ward}", "questions": "/s/{ward}/questions?consent=yes",
         "questions-cy": "/s/{ward}/questions?consent=yes&lang=cy", "privacy-cy": "/privacy",
         "thanks-cy": "/s/{ward}/thanks"}


# Layout, target sizes and focus as rendered: the same on every backend.
@pytest.mark.one_backend
def test_layout_fits_a_360px_screen_with_44px_targets(live_server, browser, artifacts):
    base_url, area = live_server
    context, page = new_page(browser, base_url)
    try:
        for name, path in PAGES.items():
            page.goto(path.format(ward=area.ward))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} scrolls sideways: {width}px"
            page.screenshot(path=str(artifacts / f"{name}-360.png"))

        # WCAG 1.4.10 reflow is judged at 320 CSS px: still no sideways scrolling there.
        page.set_viewport_size({"width": 320, "height": 640})
        for path in ("/s/{ward}/questions?consent=yes&lang=cy", "/s/"):
            page.goto(path.format(ward=area.ward))
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        page.set_viewport_size(PHONE)

        page.goto(f"/s/{area.ward}/questions?consent=yes&lang=en")
        boxes = page.locator("label.opt").evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return [e.querySelector('input').id, r.width, r.height]; })")
        assert len(boxes) > 50
        small = [(name, w, h) for name, w, h in boxes if w < 44 or h < 44]
        assert not small, f"answer targets under 44x44 px: {small[:5]}"
        # On the questions page the other language is a button (it keeps the answers).
        for selector in ("button.primary", ".langs button", ".brand"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["height"] >= 44 and box["width"] >= 44, selector

        # Keyboard: the skip link comes first and shows itself, then leads past the header
        # straight to the first answer (the honeypot is not in the tab order); focus is visible.
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert page.evaluate("document.activeElement.className") == "skip"
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "safe_day-0"
        ring = page.evaluate("getComputedStyle(document.activeElement.closest('label'))"
                             ".outlineStyle")
        assert ring == "solid"

        # Submitting with an error must not widen the page either.
        page.get_by_role("button", name="Send my answers").click()
        assert page.locator(".summary").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(artifacts / "survey-360-js-error.png"), full_page=False)
    finally:
        context.close()


def test_use_my_location_finds_the_ward(live_server, browser):
    base_url, _area = live_server
    context, page = new_page(
        browser, base_url, permissions=["geolocation"],
        geolocation={"latitude": LADYWELL["latitude"], "longitude": LADYWELL["longitude"]})
    try:
        page.goto("/s/")
        button = page.get_by_role("button", name="Use my location")
        assert button.is_visible()
        button.click()
        page.wait_for_url(f"**/s/{LADYWELL['code']}")
        assert LADYWELL["name"] in page.get_by_role("heading", level=1).inner_text()
    finally:
        context.close()


# What the page shows without script: the same on every backend.
@pytest.mark.one_backend
def test_use_my_location_is_absent_without_javascript(live_server, browser):
    base_url, _area = live_server
    context, page = new_page(browser, base_url, java_script_enabled=False)
    try:
        page.goto("/s/")
        assert page.get_by_role("button", name="Use my location").count() == 0
        assert page.get_by_role("link", name="Ladywell").is_visible()
    finally:
        context.close()
