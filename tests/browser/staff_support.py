"""What the staff browser tests share: a watched page and signing in through the form."""
from __future__ import annotations

from tests.browser.test_survey_browser import TIMEOUT_MS
from tests.support import STAFF_PASSWORD


def watched_page(browser) -> tuple[object, list[str]]:
    """A desktop page that accepts downloads, and the problems it meets as they happen:
    script errors and CSP violations, and any file that failed (the favicon aside)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return page, problems


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
