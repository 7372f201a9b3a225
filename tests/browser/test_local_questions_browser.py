"""An admin adds a local question through the console's form in a real browser (Debian's
Chromium, Playwright), uses the no-script Add and Move buttons, publishes, and a resident of the
chosen ward then meets the question on the survey page; a resident elsewhere does not."""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.test_survey_browser import (  # noqa: F401  (browser is a fixture)
    CHROMIUM, PHONE, TIMEOUT_MS, browser)
from tests.support import STAFF_PASSWORD, make_survey_area, make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

ADMIN = "console@example.org"
DARK_EN = "How safe do you feel in Ladywell Fields after dark?"
DARK_CY = "Pa mor ddiogel ydych chi'n teimlo yng Nghaeau Ladywell ar ôl iddi nosi?"


@pytest.fixture
def admin_server(app, serve):
    with app.app_context():
        area = make_survey_area()
        make_user(ADMIN, "admin")
    return serve(app), area


def test_admin_adds_a_local_question_and_a_resident_sees_it(admin_server, browser):  # noqa: F811
    base_url, area = admin_server
    staff = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                locale="en-GB")
    staff.set_default_timeout(TIMEOUT_MS)
    resident = browser.new_context(base_url=base_url, viewport=PHONE, locale="en-GB",
                                   java_script_enabled=False)
    resident.set_default_timeout(TIMEOUT_MS)
    try:
        page = staff.new_page()
        page.goto("/login")
        page.locator("input[name=email]").fill(ADMIN)
        page.locator("input[name=password]").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

        page.goto("/admin/instruments/")
        page.get_by_role("link", name="New set of local questions").click()
        page.get_by_label("Code", exact=True).fill("ladywell_lit")
        page.get_by_label("Type").select_option("agree5")
        page.get_by_label("Wording in English").fill("The paths are well lit.")
        page.get_by_label("Wording in Welsh").fill("Mae'r llwybrau wedi'u goleuo'n dda.")
        page.get_by_label("Name of the set").fill("ladywell")
        page.get_by_label("Area codes").fill(area.ward)
        today = datetime.now(UTC).date()
        page.get_by_label("First day of collection").fill(today.isoformat())
        page.get_by_label("Last day of collection").fill((today + timedelta(days=30)).isoformat())

        page.get_by_role("button", name="Add a question").click()
        second = page.locator("fieldset.local-q").nth(1)
        second.get_by_label("Code", exact=True).fill("ladywell_dark")
        second.get_by_label("Wording in English").fill(DARK_EN)
        second.get_by_label("Wording in Welsh").fill(DARK_CY)
        # The question about the dark goes first; what was typed travels with it.
        second.get_by_role("button", name="Move up question 2").click()
        first = page.locator("fieldset.local-q").first
        assert first.get_by_label("Code", exact=True).input_value() == "ladywell_dark"
        assert page.locator("fieldset.local-q").nth(1).get_by_label("Type").input_value() == "agree5"
        assert page.get_by_label("Name of the set").input_value() == "ladywell"

        page.get_by_role("button", name="Preview on a phone").click()
        phones = page.locator(".phones .phone")
        assert phones.count() == 2
        assert DARK_EN in phones.first.inner_text() and DARK_CY in phones.nth(1).inner_text()
        assert phones.first.bounding_box()["width"] <= 360
        page.get_by_role("button", name="Publish").click()
        page.wait_for_url("**/admin/instruments/ladywell/edit")
        assert "Published core+ladywell version 1" in page.locator(".notice").inner_text()
        page.get_by_role("link", name="Preview on a phone (en)").click()
        assert DARK_EN in page.locator(".phone").inner_text()

        phone = resident.new_page()
        phone.goto(f"/s/{area.ward}/questions?consent=yes")
        questions = phone.locator(".q[data-code]")
        codes = [questions.nth(i).get_attribute("data-code") for i in range(questions.count())]
        assert codes.index("ladywell_dark") + 1 == codes.index("ladywell_lit")
        assert phone.get_by_text(DARK_EN).is_visible()
        phone.goto(f"/s/{area.other_ward}/questions?consent=yes")
        assert phone.get_by_text(DARK_EN).count() == 0
    finally:
        staff.close()
        resident.close()
