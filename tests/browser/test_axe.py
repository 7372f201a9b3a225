"""axe-core in Debian's Chromium on every resident page (English and Welsh), the officer
workspace and the admin console: no violation of any WCAG 2.0, 2.1 or 2.2 level A or AA rule.

axe-core is fetched pinned from the npm registry by scripts/test-deps.sh (checked against the
registry's sha512) into tests/browser/vendor/. It is injected as a script, which the site's
Content-Security-Policy rightly forbids; the axe contexts alone bypass the policy, so the pages
are checked as served otherwise.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser.test_officer_browser import officer_server  # noqa: F401
from tests.browser.test_survey_browser import (CHROMIUM, PHONE, TIMEOUT_MS,  # noqa: F401
                                               browser, live_server)
from tests.pulse.officer.conftest import (comments, priority_comments, tree,  # noqa: F401
                                         workspace)
from tests.support import GOOD_ANSWERS, STAFF_PASSWORD

AXE_VERSION = "4.14.1"
AXE = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.slow,
    # axe's verdict on a page as rendered: the same on every backend (SQLite only).
    pytest.mark.one_backend,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
    pytest.mark.skipif(not AXE.exists(), reason=f"axe-core {AXE_VERSION} is not unpacked at "
                       f"{AXE.parent}: run scripts/test-deps.sh (it needs npm)"),
]


def axe_context(browser, base_url, viewport):  # noqa: F811
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="en-GB",
                                  bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def violations(page) -> list[str]:
    """What axe finds on the page as it is now, one readable line per rule and element."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        # target-size (WCAG 2.2 AA 2.5.8) is off in axe unless asked for by name.
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " rules: {'target-size': {enabled: true}}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {node}"
            for v in found for node in v["nodes"]]


def check(page, name: str, problems: dict[str, list[str]]) -> None:
    page.wait_for_load_state("load")
    found = violations(page)
    if found:
        problems[f"{name} {page.url}"] = found


def test_resident_pages_have_no_wcag_violations(live_server, browser):  # noqa: F811
    base_url, area = live_server
    problems: dict[str, list[str]] = {}
    for language in ("en", "cy"):
        context = axe_context(browser, base_url, PHONE)
        try:
            page = context.new_page()
            page.goto(f"/s/?lang={language}")
            check(page, f"{language} area list", problems)
            page.goto(f"/s/?lang={language}&q=Bell")
            check(page, f"{language} area search", problems)
            page.goto(f"/s/{area.ward}")
            check(page, f"{language} consent", problems)
            page.locator("form button.primary").click()
            page.wait_for_url(f"**/s/{area.ward}/questions?consent=yes")
            check(page, f"{language} survey", problems)
            page.locator("form[data-collect] button[type=submit]").last.click()
            page.locator(".summary").wait_for()
            check(page, f"{language} survey with errors (422)", problems)
            for code, value in GOOD_ANSWERS.items():
                if code == "top_issue":
                    page.locator("#top_issue").fill(value)
                else:
                    page.locator(f"label:has(#{code}-{value})").click()
            page.locator("form[data-collect] button[type=submit]").last.click()
            page.wait_for_url(f"**/s/{area.ward}/thanks")
            check(page, f"{language} thank-you", problems)
            for path, name in (("/privacy", "privacy notice"),
                               ("/accessibility", "accessibility statement")):
                page.goto(path)
                check(page, f"{language} {name}", problems)
        finally:
            context.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_staff_pages_have_no_wcag_violations(officer_server, comments, browser):  # noqa: F811
    problems: dict[str, list[str]] = {}
    context = axe_context(browser, officer_server, DESKTOP)
    try:
        page = context.new_page()
        page.goto("/login")
        check(page, "sign-in", problems)
        page.fill("input[name=email]", "officer@example.org")
        page.fill("input[name=password]", STAFF_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/officer/**")
        for kind in ("quarter", "month"):
            page.goto(f"/officer/?kind={kind}")
            check(page, f"overview ({kind})", problems)
        page.goto(f"/officer/area/{comments.ward_a}")
        check(page, "area page", problems)
        page.goto(f"/officer/area/{comments.ward_b}?kind=quarter")
        check(page, "area page, suppressed figures", problems)
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_admin_and_other_officer_pages_have_no_wcag_violations(  # noqa: F811
        officer_server, comments, app, browser):  # noqa: F811
    from tests.support import make_user

    with app.app_context():
        make_user("admin@example.org", "admin")
    problems: dict[str, list[str]] = {}
    context = axe_context(browser, officer_server, DESKTOP)
    try:
        page = context.new_page()
        for email, paths in (
                ("officer@example.org", ["/officer/comments", "/officer/labelling",
                                         f"/officer/area/{comments.borough}/priorities",
                                         f"/s/{comments.ward_a}/you-said-we-did", "/account"]),
                ("admin@example.org", ["/admin/", "/admin/areas/",
                                       f"/admin/areas/{comments.ward_a}", "/admin/waves/",
                                       "/admin/users/", "/admin/users/new",
                                       "/admin/responses/flagged", "/admin/instruments/"])):
            page.goto("/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", STAFF_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("load")
            for path in paths:
                reply = page.goto(path)
                # Really the page, not the sign-in page it would redirect to.
                assert reply.status == 200 and page.url.endswith(path), (path, page.url)
                check(page, path, problems)
            context.clear_cookies()
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
