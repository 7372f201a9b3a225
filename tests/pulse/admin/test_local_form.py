"""The local questions editor in the admin console: add, reorder, edit, publish, refuse."""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.support import GOOD_ANSWERS, csrf_from, form_tokens

DARK_EN = "How safe do you feel in Ladywell Fields after dark?"
DARK_CY = "Pa mor ddiogel ydych chi'n teimlo yng Nghaeau Ladywell ar ôl iddi nosi?"
LIT_EN, LIT_CY = "The paths are well lit.", "Mae'r llwybrau wedi'u goleuo'n dda."


def _text(response) -> str:
    """The page with entities decoded (Welsh wording has apostrophes)."""
    return html.unescape(response.get_data(as_text=True))


def _question(i: int, code: str, kind: str, en: str, cy: str, options: str = "",
              optional: bool = True) -> dict[str, str]:
    fields = {f"questions-{i}-code": code, f"questions-{i}-kind": kind,
              f"questions-{i}-wording_en": en, f"questions-{i}-wording_cy": cy,
              f"questions-{i}-options": options}
    if optional:
        fields[f"questions-{i}-optional"] = "y"
    return fields


def _when(area: str) -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {"areas": area, "starts": today.isoformat(),
            "ends": (today + timedelta(days=30)).isoformat()}


def _post(client, path: str, action: str, *parts: dict[str, str]):
    data = {"csrf_token": csrf_from(client, path), "action": action}
    for part in parts:
        data.update(part)
    return client.post(path, data=data)


def _variants(app) -> list[tuple[str, int]]:
    from pulse.extensions import db
    from pulse.models import Instrument, InstrumentVersion

    with app.app_context():
        rows = db.session.execute(select(Instrument.code, InstrumentVersion.version)
                                  .join(InstrumentVersion).where(Instrument.code != "core")
                                  .order_by(InstrumentVersion.version)).all()
        return [tuple(r) for r in rows]


def _codes_in_order(html: str) -> list[str]:
    return re.findall(r'name="questions-\d+-code"[^>]*value="([^"]*)"', html) or \
        re.findall(r'value="([^"]*)"[^>]*name="questions-\d+-code"', html)


def test_add_a_local_question_and_residents_of_that_area_see_it(app, client, auth, survey_area):
    auth.login("admin")
    assert client.get("/admin/instruments/new").status_code == 200
    sent = _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"},
                 _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY), _when(survey_area.ward))
    assert sent.status_code == 302, _text(sent)[:1500]
    assert sent.headers["Location"].endswith("/admin/instruments/ladywell/edit")
    assert _variants(app) == [("core+ladywell", 1)]
    edit = _text(client.get("/admin/instruments/ladywell/edit"))
    assert "Published core+ladywell version 1" in edit and DARK_CY in edit
    assert "preview?" in edit and f"area={survey_area.ward}" in edit
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})

    mine = _text(client.get(f"/s/{survey_area.ward}/questions?consent=yes"))
    other = _text(client.get(f"/s/{survey_area.other_ward}/questions?consent=yes"))
    assert DARK_EN in mine and DARK_EN not in other
    answered = client.post(f"/s/{survey_area.ward}/questions",
                           data={**form_tokens(mine), **GOOD_ANSWERS, "ladywell_dark": "2"})
    assert answered.status_code == 302


def test_add_move_and_remove_rearrange_without_publishing_or_losing_text(
        app, client, auth, survey_area):
    auth.login("admin")
    path = "/admin/instruments/new"
    first = _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY)
    added = _post(client, path, "add", {"name": "ladywell"}, first, _when(survey_area.ward))
    page = _text(added)
    assert added.status_code == 200 and "There is a problem" not in page
    assert DARK_CY in page and 'name="questions-1-code"' in page and "ladywell" in page

    second = _question(1, "ladywell_lit", "agree5", LIT_EN, LIT_CY)
    moved = _post(client, path, "up-1", {"name": "ladywell"}, first, second, _when(survey_area.ward))
    page = _text(moved)
    assert moved.status_code == 200
    assert _codes_in_order(page) == ["ladywell_lit", "ladywell_dark"]
    assert page.index(LIT_CY) < page.index(DARK_CY)
    # The moved question keeps its type; the first "Move up" is disabled (Enter presses nothing).
    assert re.search(r'<option selected value="agree5">|<option value="agree5" selected', page)
    assert re.search(r'value="up-0"\s+disabled', page)

    removed = _post(client, path, "remove-0", {"name": "ladywell"}, first, second,
                    _when(survey_area.ward))
    assert _codes_in_order(_text(removed)) == ["ladywell_lit"]
    assert _variants(app) == []  # nothing is written until Publish


def test_edit_wording_and_order_publishes_a_new_version_old_answers_keep_theirs(app, client, auth,
                                                                                survey_area):
    from pulse.extensions import db
    from pulse.models import Question, Wave

    auth.login("admin")
    assert _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"},
                 _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
                 _question(1, "ladywell_lit", "agree5", LIT_EN, LIT_CY),
                 _when(survey_area.ward)).status_code == 302
    path = "/admin/instruments/ladywell/edit"
    page = _text(client.get(path))
    assert _codes_in_order(page) == ["ladywell_dark", "ladywell_lit"]
    # The areas come back as they were chosen.
    assert re.search(rf'name="areas"[^>]*>\s*{survey_area.ward}</textarea>', page)

    # Unchanged: the version stays and no second wave opens in the same place.
    same = _post(client, path, "publish", _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
                 _question(1, "ladywell_lit", "agree5", LIT_EN, LIT_CY), _when(survey_area.ward))
    assert same.status_code == 302 and _variants(app) == [("core+ladywell", 1)]

    new_cy = "Pa mor ddiogel ydych chi yng Nghaeau Ladywell gyda'r nos?"
    changed = _post(client, path, "publish",
                    _question(0, "ladywell_lit", "agree5", LIT_EN, LIT_CY),
                    _question(1, "ladywell_dark", "s10", DARK_EN, new_cy), _when(survey_area.ward))
    assert changed.status_code == 302, _text(changed)[:1500]
    assert _variants(app) == [("core+ladywell", 1), ("core+ladywell", 2)]
    with app.app_context():
        wordings = db.session.scalars(select(Question.wording).where(
            Question.code == "ladywell_dark").order_by(Question.version_id)).all()
        assert [w["cy"] for w in wordings] == [DARK_CY, new_cy]
        assert db.session.scalar(select(func.count()).select_from(Wave)
                                 .where(Wave.name == "Local: ladywell")) == 1
    live = client.get(f"/s/{survey_area.ward}/questions?consent=yes&lang=cy")
    text = _text(live)
    assert text.index(LIT_EN if LIT_EN in text else LIT_CY) < text.index(new_cy)


def test_core_codes_and_scales_stay_fixed(app, client, auth, survey_area):
    auth.login("admin")
    page = _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"},
                 _question(0, "safe_night", "agree5", DARK_EN, DARK_CY), _when(survey_area.ward))
    text = _text(page)
    assert page.status_code == 422
    assert "safe_night is a core question's code; local questions need new codes." in text
    assert 'id="err-questions-0-code"' in text and DARK_CY in text
    assert _variants(app) == []
    # The core set itself cannot be opened for editing.
    assert client.get("/admin/instruments/core/edit").status_code == 404
    assert client.get("/admin/instruments/nothing-here/edit").status_code == 404


def test_every_bad_input_gets_a_message_by_its_field_and_keeps_what_was_typed(
        app, client, auth, survey_area):
    auth.login("admin")
    path = "/admin/instruments/new"
    today = datetime.now(UTC).date()
    cases = [
        ({"name": "Lady Well"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         _when(survey_area.ward), "name", "lower-case letters, digits or hyphens"),
        ({"name": "ladywell"}, _question(0, "Dark!", "s10", DARK_EN, DARK_CY),
         _when(survey_area.ward), "questions-0-code", "lower-case letters, digits and underscores"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, ""),
         _when(survey_area.ward), "questions-0-wording_cy", "Give the wording in Welsh"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "choice", DARK_EN, DARK_CY),
         _when(survey_area.ward), "questions-0-options", "at least two options"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "choice", DARK_EN, DARK_CY,
                                         "yes | Yes\nno | No | Na"),
         _when(survey_area.ward), "questions-0-options", "Line 1: write a value"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY, "a | A | A"),
         _when(survey_area.ward), "questions-0-options", "Only a single-choice question"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         {"areas": "NOWHERE1", "starts": today.isoformat(), "ends": today.isoformat()},
         "areas", "No area has the code NOWHERE1"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         {"areas": survey_area.ward, "starts": today.isoformat(),
          "ends": (today - timedelta(days=3)).isoformat()}, "ends", "cannot come before"),
        # A window wholly in the past would be published as "collecting" and collect nothing.
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         {"areas": survey_area.ward, "starts": (today - timedelta(days=30)).isoformat(),
          "ends": (today - timedelta(days=2)).isoformat()}, "ends", "already passed"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         {"areas": survey_area.ward, "starts": "31/31/2026", "ends": today.isoformat()},
         "starts", "Give the date as YYYY-MM-DD"),
        # WTForms' own date field read a one-digit month and full-width digits as well.
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         {"areas": survey_area.ward, "starts": today.isoformat(),
          "ends": f"{today.year + 1}-1-31"}, "ends", "Give the date as YYYY-MM-DD"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         {"areas": survey_area.ward, "starts": "２０２７-01-01", "ends": today.isoformat()},
         "starts", "Give the date as YYYY-MM-DD"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
         {"areas": survey_area.ward, "starts": today.isoformat(), "ends": "9999-12-31"},
         "ends", "between 2000 and 2100"),
        ({"name": "ladywell"}, _question(0, "ladywell_dark", "text", DARK_EN, "   "),
         _when(survey_area.ward), "questions-0-wording_cy", "Give the wording in Welsh"),
        ({"name": "ladywell"}, {**_question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
                                **_question(1, "ladywell_dark", "text", LIT_EN, LIT_CY)},
         _when(survey_area.ward), "questions-1-code", "used twice"),
    ]
    for name, question, when, field, message in cases:
        page = _post(client, path, "publish", name, question, when)
        text = _text(page)
        assert page.status_code == 422, (field, text[:800])
        found = re.search(rf'<p class="error" id="err-{field}">.*?</p>', text, re.S)
        assert found and message in found.group(0), (field, message, text[:3000])
        assert "There is a problem" in text and DARK_EN in text
        assert 'href="#' + field + '"' in text
    assert _variants(app) == []


def test_a_single_choice_question_reaches_residents_in_welsh(app, client, auth, survey_area):
    auth.login("admin")
    options = "most_days | Most days | Y rhan fwyaf o ddyddiau\nrarely | Rarely | Anaml"
    sent = _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"},
                 _question(0, "ladywell_visit", "choice", "How often do you visit the park?",
                           "Pa mor aml ydych chi'n ymweld â'r parc?", options, optional=False),
                 _when(survey_area.ward))
    assert sent.status_code == 302, _text(sent)[:1500]
    page = _text(client.get(f"/s/{survey_area.ward}/questions?consent=yes&lang=cy"))
    assert "Y rhan fwyaf o ddyddiau" in page and "Anaml" in page
    edit = _text(client.get("/admin/instruments/ladywell/edit"))
    assert "most_days | Most days | Y rhan fwyaf o ddyddiau" in edit
    assert 'name="questions-0-optional"' in edit and "checked" not in \
        re.search(r'<input[^>]*name="questions-0-optional"[^>]*>', edit).group(0)


def test_an_admin_scoped_to_a_ward_cannot_collect_elsewhere(app, client, auth, survey_area):
    auth.login("admin", areas=[survey_area.ward], email="bellingham.admin@example.org")
    refused = _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"},
                    _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
                    _when(survey_area.other_ward))
    assert refused.status_code == 422
    assert f"No area has the code {survey_area.other_ward}" in _text(refused)
    assert _variants(app) == []
    assert _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"},
                 _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
                 _when(survey_area.ward)).status_code == 302


def test_a_name_already_published_is_edited_not_overwritten(app, client, auth, survey_area):
    auth.login("admin")
    args = ({"name": "ladywell"}, _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
            _when(survey_area.ward))
    assert _post(client, "/admin/instruments/new", "publish", *args).status_code == 302
    again = _post(client, "/admin/instruments/new", "publish", *args)
    assert again.status_code == 422 and "already a set called ladywell" in _text(again)


def test_preview_before_publishing_shows_the_live_page_in_every_language(app, client, auth,
                                                                         survey_area):
    from tests.pulse.admin.test_local_questions import _questions_markup

    auth.login("admin")
    question = _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY)
    shown = _post(client, "/admin/instruments/new", "preview", {"name": "ladywell"}, question,
                  _when(survey_area.ward))
    page = _text(shown)
    assert shown.status_code == 200 and "There is a problem" not in page
    assert "Preview, not published: what a resident in Bellingham sees" in page
    assert page.count('<fieldset class="preview" disabled') == 2 and DARK_CY in page
    assert 'name="questions-0-code"' in page  # the form is still there, as typed
    assert _variants(app) == []
    # The same checks as publishing: a core code is refused by its field, nothing shown.
    refused = _post(client, "/admin/instruments/new", "preview", {"name": "ladywell"},
                    _question(0, "safe_day", "s10", DARK_EN, DARK_CY), _when(survey_area.ward))
    assert refused.status_code == 422 and 'id="err-questions-0-code"' in _text(refused)
    assert "Preview, not published" not in _text(refused)

    # What the preview showed is what residents get once it is published.
    assert _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"}, question,
                 _when(survey_area.ward)).status_code == 302
    live = _text(client.get(f"/s/{survey_area.ward}/questions?consent=yes"))
    english = page[page.index('<fieldset class="preview" disabled lang="en">'):]
    assert _questions_markup(english) == _questions_markup(live)


def test_a_set_collecting_outside_a_scoped_admins_areas_is_not_theirs(app, client, auth,
                                                                      survey_area):
    auth.login("admin")
    assert _post(client, "/admin/instruments/new", "publish", {"name": "ladywell"},
                 _question(0, "ladywell_dark", "s10", DARK_EN, DARK_CY),
                 {**_when(survey_area.ward), "areas": f"{survey_area.ward} {survey_area.other_ward}"}
                 ).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    auth.login("admin", areas=[survey_area.ward], email="bellingham.admin@example.org")
    # Its wording reaches Blackheath too, so a Bellingham-only admin can neither see nor change it.
    assert "core+ladywell" not in _text(client.get("/admin/instruments/"))
    assert client.get("/admin/instruments/ladywell/edit").status_code == 404
    assert client.get("/admin/instruments/ladywell/preview").status_code == 404
    token = csrf_from(client, "/admin/instruments/new")
    assert client.post("/admin/instruments/ladywell/edit",
                       data={"csrf_token": token, "action": "publish"}).status_code == 404
    assert _variants(app) == [("core+ladywell", 1)]


def test_odd_posts_never_fail(app, client, auth, survey_area):
    auth.login("admin")
    token = csrf_from(client, "/admin/instruments/new")
    for data in ({}, {"action": "up-"}, {"action": "down-abc"}, {"action": "remove-0"},
                 {"action": "remove-99", "questions-0-code": "x"}, {"action": "sideways-1"},
                 {"action": "publish", "questions-0-kind": "evil", "questions-7-code": "a" * 5000},
                 {"action": "preview", "name": "ladywell", "areas": "\x00" * 10},
                 {"action": "add", **{f"questions-{i}-code": f"q_{i}" for i in range(40)}}):
        page = client.post("/admin/instruments/new", data={"csrf_token": token, **data})
        assert page.status_code in (200, 400, 422), (data, page.status_code)  # 400: NUL bytes
    assert _variants(app) == []
