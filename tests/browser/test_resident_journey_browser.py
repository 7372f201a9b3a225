"""The resident survey's weight and journeys in a real browser (Debian's Chromium, Playwright)
against the app served on 127.0.0.1: the questions page's whole first visit under 50 KB as the
browser fetches it, with and without script and with errors, from no host but the server; a
keyboard-only journey with script off in Welsh; "Use my location" when the place is outside
every area or the permission is refused.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from urllib.parse import urlparse

import pytest

from tests.browser.resident_support import context, site  # noqa: F401  (site is a fixture)
from tests.browser.test_survey_browser import (  # noqa: F401  (browser is a fixture)
    CHROMIUM, browser)

pytestmark = [
    pytest.mark.slow,
    # Page weight, keyboard without script and the location messages: the browser's side,
    # the same on every backend (storing a response on each backend is tests/pulse's job).
    pytest.mark.one_backend,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

KB50 = 50 * 1024


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
