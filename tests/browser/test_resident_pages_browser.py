"""Every resident page, in every state a resident can meet, in English and Welsh, in a real
browser (Debian's Chromium driven by Playwright) against the app served on 127.0.0.1.

The states: the area list (plain, searched, no match), the consent page, the questions (fresh
and sent back with errors), the thank-you page (no figures yet, figures from 10 responses,
the how-to-report notice, "you said, we did"), already answered, closed, not yet open, the
single-use code pages (enter, a wrong code, not needed), a page not found, the privacy notice,
the accessibility statement and "you said, we did".

On each, at 360 x 640, at 320 px wide (WCAG 1.4.10 reflow) and at 200% zoom (1280 device
pixels): no sideways scrolling and every target at least 44 x 44 CSS px, links inside a sentence
excepted (WCAG 2.5.8's inline exception). At 360 px: axe-core clean, a visible focus on every
control reached by Tab, the page's lang, and no English interface text left on a Welsh page.
Also: the questions page's whole first visit under 50 KB as the browser fetches it, with and
without script and with errors, from no host but the server; a keyboard-only journey with
script off in Welsh; "Use my location" when the place is outside every area or refused.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from surveys.core import CORE
from surveys.scales import SCALES
from tests.browser.test_axe import AXE, violations
from tests.browser.test_survey_browser import (  # noqa: F401  (browser is a fixture)
    CHROMIUM, PHONE, TIMEOUT_MS, browser)
from tests.support import GOOD_ANSWERS, make_survey_area, make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

ROOT = Path(__file__).resolve().parents[2]
CLOSED, UPCOMING, CODED = "E09000901", "E09000902", "E09000903"
TOPIC, ACTION = "Street lighting", "New lights are going up on the path by the station."
SCREENS = {"360 x 640": ({"width": 360, "height": 640}, 1),
           "320 px (reflow)": ({"width": 320, "height": 640}, 1),
           "200% zoom": ({"width": 640, "height": 450}, 2)}
KB50 = 50 * 1024


@pytest.fixture
def site(app, serve):
    """Areas in every state, 10 responses in one ward and a public action in another."""
    from pulse.areas.operations import ensure_area, open_wave
    from pulse.codes.operations import set_access
    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Action, Area, Instrument, Topic
    from pulse.survey.operations import Meta, NewResponse, record_responses
    from surveys.validation import validate_submission

    # Each screen size and language answers the survey again from this one address.
    app.config["PULSE_SUBMIT_LIMIT"] = "100 per minute"
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
                submitted_at=now - timedelta(days=2), language="en", channel="import",
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
        names = set(db.session.scalars(select(Area.name)))
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


# Targets under 44 x 44 CSS px. A link in running text (its parent has words of its own)
# falls under WCAG 2.5.8's inline exception; radios are measured by the label around them.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), textarea, select, label.opt')]
  .filter(e => !e.closest('[hidden], [aria-hidden=true]') && !e.matches('.opt input')
    && !(e.matches('a.skip') && document.activeElement !== e))
  .filter(e => !(e.matches('a') && [...e.parentElement.childNodes].some(
    n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())))
  .map(e => [e.id || e.textContent.trim().slice(0, 40), e.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def test_every_state_fits_small_screens_and_zoom_with_44px_targets(site, browser):  # noqa: F811
    base_url, area, _names = site
    problems: dict[str, object] = {}
    for screen, (viewport, scale) in SCREENS.items():
        for lang in ("en", "cy"):
            ctx = context(browser, base_url, viewport, scale)
            try:
                page = ctx.new_page()
                for name, reach in states(area):
                    reach(page, lang)
                    where = f"{screen} {lang} {name}"
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        problems[f"{where}: scrolls sideways"] = width
                    small = page.evaluate(SMALL_TARGETS)
                    if small:
                        problems[f"{where}: small targets"] = small
                # The skip link is a target too, once it shows itself.
                page.goto(f"/s/?lang={lang}")
                page.keyboard.press("Tab")
                box = page.locator("a.skip").bounding_box()
                if not box or box["height"] < 44 or box["width"] < 44:
                    problems[f"{screen} {lang} skip link"] = box
            finally:
                ctx.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# Where focus is after a Tab, and whether it shows: a ring on the control or on its answer box.
FOCUS = """() => { const e = document.activeElement;
  if (!e || e === document.body || e.id === 'tab-start') return null;
  const t = e.closest('label.opt') || e, s = getComputedStyle(t), r = t.getBoundingClientRect();
  return {name: e.id || e.name || e.textContent.trim().slice(0, 40),
    ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
    seen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth}; }"""
# Text a page shows, with the language it is marked as (names in <code> are identifiers).
TEXTS = """() => { const out = [[document.title, document.documentElement.lang]];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) { const p = w.currentNode.parentElement;
    if (!p.closest('script, [hidden], code')) out.push([w.currentNode.textContent.trim(),
      p.closest('[lang]').getAttribute('lang')]); }
  for (const e of document.querySelectorAll('[aria-label], [data-finding], #outbox'))
    for (const a of e.getAttributeNames())
      if (a === 'aria-label' || (a.startsWith('data-') && !a.endsWith('url') && a !== 'data-api'))
        out.push([e.getAttribute(a), e.closest('[lang]').getAttribute('lang')]);
  return out.filter(([t]) => t); }"""
WORD = re.compile(r"[^\W\d_]{3,}")


def welsh_vocabulary() -> set[str]:
    """Every word the Welsh catalogue, instrument and scales use (some are English words too)."""
    with (ROOT / "pulse/translations/cy/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh, locale="cy")
    texts = [s for m in catalogue for s in (m.string if isinstance(m.string, tuple)
                                            else (m.string,)) if s]
    for q in CORE.questions:
        texts += [q.wording.get("cy", ""), q.hint.get("cy", ""), *q.anchors.get("cy", ())]
        texts += [o.labels.get("cy", "") for o in q.options]
    texts += [label for s in SCALES.values() for label in s.labels.get("cy", {}).values()]
    texts.append(CORE.title.get("cy", ""))
    return {w.lower() for t in texts for w in WORD.findall(t)}


def words(texts, lang: str) -> set[str]:
    return {w.lower() for text, marked in texts if marked == lang for w in WORD.findall(text)}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not unpacked: run scripts/test-deps.sh")
def test_every_state_is_axe_clean_focus_visible_and_in_its_language(site, browser):  # noqa: F811
    base_url, area, names = site
    problems: dict[str, object] = {}
    seen: dict[tuple[str, str], list] = {}
    for lang in ("en", "cy"):
        ctx = context(browser, base_url, bypass_csp=True)  # axe is injected as a script
        try:
            page = ctx.new_page()
            for name, reach in states(area):
                reach(page, lang)
                page.wait_for_load_state("load")
                where = f"{lang} {name}"
                if page.evaluate("document.documentElement.lang") != lang:
                    problems[f"{where}: lang"] = page.evaluate("document.documentElement.lang")
                seen[lang, name] = page.evaluate(TEXTS)
                found = violations(page)
                if found:
                    problems[f"{where}: axe"] = found
                # Tab through the whole page from the top: every stop shows where it is.
                page.evaluate("() => { const m = document.createElement('span');"
                              " m.id = 'tab-start'; m.tabIndex = -1; document.body.prepend(m);"
                              " m.focus(); }")
                stops = []
                for _ in range(60):
                    page.keyboard.press("Tab")
                    stop = page.evaluate(FOCUS)
                    if stop is None or (stops and stop["name"] == stops[0]["name"]):
                        break
                    stops.append(stop)
                hidden = [s["name"] for s in stops if not (s["ring"] and s["seen"])]
                if hidden or len(stops) < 3:
                    problems[f"{where}: focus not shown"] = hidden or stops
        finally:
            ctx.close()

    # A Welsh page holds no English words but names; staff-written text is marked English.
    known = welsh_vocabulary() | {w.lower() for n in names for w in WORD.findall(n)}
    for name, _reach in states(area):
        texts = seen["cy", name]
        english = words(texts, "cy") & words(seen["en", name], "en") - known
        if english:
            problems[f"cy {name}: English words on a Welsh page"] = sorted(english)
        marked = {text for text, lang in texts if lang == "en"} - {"English"}
        if marked - {TOPIC, ACTION}:
            problems[f"cy {name}: marked English"] = sorted(marked)
    said = {text for text, lang in seen["cy", "you said, we did"] if lang == "en"}
    if not {TOPIC, ACTION} <= said:
        problems["cy you said, we did: staff-written text not marked English"] = sorted(said)
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def fetched(ctx, page, reach) -> list[dict]:
    """Everything the browser fetches while ``reach`` runs, the service worker's fetches too."""
    log: list[dict] = []

    def finished(request):
        sizes, reply = request.sizes(), request.response()
        redirect = reply is None or 300 <= reply.status < 400
        body = b"" if redirect or request.method == "HEAD" else reply.body()
        log.append({"url": request.url, "bytes": sizes["responseBodySize"]
                    + sizes["responseHeadersSize"], "gzip": len(gzip.compress(body))})

    ctx.on("requestfinished", finished)
    reach()
    page.wait_for_load_state("networkidle")
    ctx.remove_listener("requestfinished", finished)
    return log


def test_the_questions_page_weighs_under_50_kb_from_the_server_alone(site, browser):  # noqa: F811
    base_url, area, _names = site
    host = urlparse(base_url).netloc
    weights, problems = {}, {}
    for lang in ("en", "cy"):
        for script in (True, False):
            ctx = context(browser, base_url, java_script_enabled=script,
                          service_workers="allow")
            try:
                page = ctx.new_page()
                url = f"/s/{area.ward}/questions?consent=yes&lang={lang}"
                first = fetched(ctx, page, lambda: page.goto(url))
                if script:  # the offline copy is made from the page already downloaded
                    page.wait_for_function("() => caches.has('pulse-pages-v1')")
                    page.wait_for_function("() => caches.match(location.href).then(h => !!h)")
                errors = fetched(ctx, page, lambda: (
                    page.locator("form[data-collect] button[type=submit]").last.click(),
                    page.locator(".summary").wait_for()))
            finally:
                ctx.close()
            for state, log in (("first visit", first), ("with errors", errors)):
                key = f"{lang}, script {'on' if script else 'off'}, {state}"
                weights[key] = (sum(r["bytes"] for r in log), sum(r["gzip"] for r in log))
                others = {urlparse(r["url"]).netloc for r in log} - {host}
                if others:
                    problems[f"{key}: fetched from"] = sorted(others)
                pages = sum(1 for r in log if "/questions" in r["url"])
                if pages != 1:
                    problems[f"{key}: the page fetched {pages} times"] = pages
                if max(weights[key]) >= KB50:
                    problems[f"{key}: over 50 KB (bytes, gzipped)"] = weights[key]
    assert not problems, json.dumps(problems, indent=1)


def test_a_welsh_resident_answers_by_keyboard_alone_without_script(site, browser):  # noqa: F811
    base_url, area, _names = site
    ctx = context(browser, base_url, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto("/s/?lang=cy")

        def tab_to(test: str) -> None:
            for _ in range(80):
                page.keyboard.press("Tab")
                if page.evaluate(test):
                    return
            raise AssertionError(f"Tab never reached {test}")

        tab_to("document.activeElement.id === 'q'")
        page.keyboard.type("Bell")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/s/\?q=Bell$"))
        tab_to("document.activeElement.textContent.trim() === 'Bellingham'")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/s/{area.ward}")
        tab_to("document.activeElement.matches('form button.primary')")
        page.keyboard.press("Enter")
        page.wait_for_url("**/questions?consent=yes")
        assert page.get_by_role("button", name="Anfon fy atebion").count() == 1
        for code in page.evaluate("[...document.querySelectorAll('.q[data-code]')]"
                                  ".filter(q => !q.hasAttribute('data-optional'))"
                                  ".map(q => q.dataset.code)"):
            tab_to(f"document.activeElement.name === '{code}'")
            page.keyboard.press("Space")  # the first answer of the group
        tab_to("document.activeElement.matches('button.primary')")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/s/{area.ward}/thanks")
        assert page.get_by_role("heading", level=1).inner_text() == "Diolch"
    finally:
        ctx.close()


@pytest.mark.parametrize("where", [{"latitude": 51.4816, "longitude": -3.1791}, None],
                         ids=["outside every area", "permission refused"])
def test_use_my_location_explains_itself_in_welsh_when_it_cannot_help(site, browser,  # noqa: F811
                                                                        where):
    base_url, _area, _names = site
    ctx = context(browser, base_url, permissions=["geolocation"] if where else [],
                  geolocation=where)
    try:
        page = ctx.new_page()
        page.goto("/s/?lang=cy")
        page.get_by_role("button", name="Defnyddio fy lleoliad").click()
        status = page.locator("#locate-status")
        expected = ("Nid ydym yn cynnal arolwg lle rydych chi" if where
                    else "Nid oedd modd cael eich lleoliad")
        status.filter(has_text=expected).wait_for()
        assert status.get_attribute("role") == "status"
        assert page.url.endswith("/s/?lang=cy")  # still on the list, which still works
        assert page.get_by_role("link", name="Bellingham").is_visible()
    finally:
        ctx.close()
