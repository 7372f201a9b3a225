"""The Exports page in a browser: an analyst signs in, chooses filters, downloads CSVs, and
the files hold the rows the filters select, redacted and with formulas neutralised."""
from __future__ import annotations

import csv
import io
import os

import pytest

from tests.browser.staff_support import sign_in, watched_page
from tests.browser.test_survey_browser import ARGS, CHROMIUM
from tests.pulse.exports.conftest import HARMLESS, PAYLOADS, RAW, data, tree  # noqa: F401
from tests.support import make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

ANALYST = "analyst@example.org"


@pytest.fixture
def exports_server(app, data, serve):  # noqa: F811
    with app.app_context():
        make_user(ANALYST, "analyst", [data.borough])
    return serve(app)


def _download(page, kind: str) -> tuple[str, list[dict]]:
    with page.expect_download() as info:
        page.locator(f"section[aria-labelledby=h-{kind}]").get_by_role(
            "button", name="Download").click()
    download = info.value
    with open(download.path(), encoding="utf-8", newline="") as fh:
        body = fh.read()
    return download.suggested_filename, list(csv.DictReader(io.StringIO(body, newline="")))


def test_analyst_filters_and_downloads_csv_exports(exports_server, data):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        try:
            page, problems = watched_page(browser)
            sign_in(page, exports_server, ANALYST)
            page.goto(exports_server + "/exports/")
            page.get_by_role("heading", name="Exports", level=1).wait_for()

            # Comments: Bellingham (and below), October 2026, CSV.
            page.select_option("#comments-area", data.ward_a)
            page.fill("#comments-period", "2026-10")
            page.check("#comments-format-0")          # CSV
            name, rows = _download(page, "comments")
            assert name.endswith(".csv")
            texts = sorted(r["redacted_text"] for r in rows)
            assert texts == sorted(["'" + p for p in PAYLOADS] + list(HARMLESS))
            assert {r["area_code"] for r in rows} == {data.ward_a}
            assert all(RAW not in value for r in rows for value in r.values())

            # Estimates: the same area, a date range that ends before October: no rows.
            page.select_option("#estimates-area", data.ward_a)
            page.fill("#estimates-date_from", "2026-09-01")
            page.fill("#estimates-date_to", "2026-09-30")
            _, none = _download(page, "estimates")
            assert none == []
            # Dates cleared: Bellingham's three cells, the suppressed one with no figures.
            page.fill("#estimates-date_from", "")
            page.fill("#estimates-date_to", "")
            _, cells = _download(page, "estimates")
            by = {(r["area_code"], r["measure"]): r for r in cells}
            assert set(by) == {(data.ward_a, "trust"), (data.ward_a, "safe_day"),
                               (data.ward_a_child, "trust")}
            assert by[(data.ward_a, "trust")]["estimate"] == "61.23"
            hidden = by[(data.ward_a, "safe_day")]
            assert hidden["estimate"] == "" and hidden["suppressed"] != "no"
            assert not problems, problems     # no CSP violation, script error or failed file
        finally:
            browser.close()
