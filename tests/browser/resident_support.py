"""What the resident page tests share: the app served on 127.0.0.1 with an area in every state
a resident can meet, and the way to reach each state in a browser."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from surveys.core import CORE
from tests.browser.test_survey_browser import PHONE, TIMEOUT_MS
from tests.support import GOOD_ANSWERS, make_survey_area, make_user

ROOT = Path(__file__).resolve().parents[2]
CLOSED, UPCOMING, CODED = "E09000901", "E09000902", "E09000903"
OPERATOR = "Lewisham Council"
TOPIC, ACTION = "Street lighting", "New lights are going up on the path by the station."
SCREENS = {"360 x 640": ({"width": 360, "height": 640}, 1),
           "320 px (reflow)": ({"width": 320, "height": 640}, 1),
           "200% zoom": ({"width": 640, "height": 450}, 2)}


@pytest.fixture
def site(app, serve):
    """Areas in every state, 10 responses last month in one ward (aggregated) and a public
    action in another."""
    from pulse.areas.operations import ensure_area, open_wave
    from pulse.codes.operations import set_access
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Action, Area, Instrument, Topic
    from pulse.survey.operations import Meta, NewResponse, record_responses
    from pulse.survey.summary import recent_figures
    from surveys.validation import validate_submission

    # Each screen size and language answers the survey again from this one address.
    app.config["PULSE_SUBMIT_LIMIT"] = "100 per minute"
    # The operator's details, so the pages show everything they can (never fetched).
    app.config.update(PULSE_OPERATOR_NAME=OPERATOR, PULSE_CONTACT_EMAIL="survey@example.org",
                      PULSE_PRIVACY_URL="https://example.org/privacy")
    with app.app_context():
        area = make_survey_area()
        core = db.session.scalar(select(Instrument))
        now = datetime.now(UTC)
        closed = ensure_area(CLOSED, "Closedham", "borough")
        open_wave(closed, core, name="Spring", opens_at=now - timedelta(days=60),
                  closes_at=now - timedelta(days=30))
        upcoming = ensure_area(UPCOMING, "Laterton", "borough")
        open_wave(upcoming, core, name="Next", opens_at=now + timedelta(days=30))
        coded = ensure_area(CODED, "Codeford", "borough")
        leaflets = open_wave(coded, core, name="Leaflets", opens_at=now - timedelta(days=1))
        set_access(leaflets, "code")
        # Ten responses: just enough for the thank-you page to show figures.
        other = db.session.scalar(select(Area.id).where(Area.code == area.other_ward))
        answers = validate_submission(CORE, {k: v for k, v in GOOD_ANSWERS.items()
                                             if k != "top_issue"})
        record_responses(latest_version("core"), [
            NewResponse(area_id=other, submission=answers, meta=Meta(
                submitted_at=now - timedelta(days=40), language="en", channel="import",
                submission_key=uuid.uuid4().hex)) for _ in range(10)])
        officer = make_user("team@example.org", "officer", [area.borough])
        topic = db.session.scalar(select(Topic)) or Topic(code="lighting", label=TOPIC)
        topic.label = TOPIC
        db.session.add(topic)
        db.session.flush()
        ward = db.session.scalar(select(Area.id).where(Area.code == area.ward))
        db.session.add(Action(area_id=ward, topic_id=topic.id, title="Lights", owner="SNT",
                              status="in progress", public=True, public_text=ACTION,
                              created_by=officer))
        db.session.commit()
        # The page shows the stored year to the end of last month.
        aggregate(full=True)
        db.session.commit()
        assert recent_figures(db.session.get(Area, other), now, 10)  # "with figures" is true
        names = set(db.session.scalars(select(Area.name))) | {OPERATOR, "survey@example.org"}
    return serve(app), area, names


def states(area):
    """(name, how to reach it) for every resident page state; ``lang`` is added to each URL."""
    ward, other = area.ward, area.other_ward

    def go(path):
        return lambda page, lang: page.goto(path + ("&" if "?" in path else "?") + f"lang={lang}")

    def with_errors(page, lang):
        go(f"/s/{ward}/questions?consent=yes")(page, lang)
        page.locator("form[data-collect] button[type=submit]").last.click()
        page.locator(".summary").wait_for()

    def wrong_code(page, lang):
        go(f"/s/{CODED}/code")(page, lang)
        page.locator("#code").fill("ABCD-EFGH-JKL0")
        page.locator("form button[type=submit]").click()
        page.locator(".summary").wait_for()

    def already(page, lang):
        with_errors(page, lang)
        for code, value in GOOD_ANSWERS.items():
            if code != "top_issue":
                page.locator(f"label:has(#{code}-{value})").click()
        page.locator("form[data-collect] button[type=submit]").last.click()
        page.wait_for_url(f"**/s/{ward}/thanks")
        go(f"/s/{ward}/questions?consent=yes")(page, lang)

    return [
        ("area list", go("/s/")), ("area search", go("/s/?q=Bell")),
        ("area search, no match", go("/s/?q=Nowhere")), ("consent", go(f"/s/{ward}")),
        ("questions", go(f"/s/{ward}/questions?consent=yes")),
        ("questions with errors", with_errors),
        ("thank-you with figures", go(f"/s/{other}/thanks")),
        ("thank-you, how to report, you said we did", go(f"/s/{ward}/thanks?report=1")),
        ("closed", go(f"/s/{CLOSED}")), ("not open yet", go(f"/s/{UPCOMING}")),
        ("enter a code", go(f"/s/{CODED}/code")), ("wrong code", wrong_code),
        ("no code needed", go(f"/s/{ward}/code")), ("not found", go("/s/ZZ404")),
        ("privacy notice", go("/privacy")), ("accessibility statement", go("/accessibility")),
        ("you said, we did", go(f"/s/{ward}/you-said-we-did")),
        ("already answered", already),
    ]


def context(browser, base_url, viewport=PHONE, scale=1, **options):  # noqa: F811
    ctx = browser.new_context(base_url=base_url, viewport=viewport, device_scale_factor=scale,
                              locale="en-GB", **options)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    return ctx


# Tab from the top of the page to the end; ``probe`` describes each stop (null at the end).
def tab_through(page, probe: str) -> list:
    page.evaluate("() => { const m = document.createElement('span'); m.id = 'tab-start';"
                  " m.tabIndex = -1; document.body.prepend(m); m.focus(); }")
    stops: list = []
    for _ in range(80):
        page.keyboard.press("Tab")
        stop = page.evaluate(probe)
        if stop is None or (stops and stop["name"] == stops[0]["name"]):
            break
        stops.append(stop)
    page.evaluate("() => document.getElementById('tab-start').remove()")
    return stops
