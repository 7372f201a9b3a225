"""Suggested priorities in the app: ranked and explained, accepted or dismissed, told to residents."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.pulse.officer.conftest import XSS
from tests.support import csrf_from

PAGE = "/officer/area/E09000023/priorities?kind=quarter"
# A due date before today is refused, so the one given is always a year ahead of the run.
AHEAD = (datetime.now(UTC) + timedelta(days=365)).date().isoformat()


@pytest.fixture(autouse=True)
def _published_quarter(request):
    """Six more October comments wherever :func:`comments` is used, so 2026-Q4 publishes its
    topic shares (October's 4 alone leave it withheld, and nothing is suggested from it)."""
    if "comments" in request.fixturenames:
        request.getfixturevalue("priority_comments")


def _post(client, data):
    token = csrf_from(client, PAGE)
    return client.post("/officer/area/E09000023/priorities",
                       data={"csrf_token": token, "kind": "quarter", **data})


def _accept_asb(app, client, comments) -> tuple[int, str]:
    """Accept Bellingham's antisocial-behaviour suggestion: the new action's id, and a form
    token for the priorities page."""
    from pulse.extensions import db
    from pulse.models import Action

    assert _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                          "owner": "Sgt Patel"}).status_code == 303
    with app.app_context():
        action_id = db.session.scalar(select(Action.id))
    return action_id, csrf_from(client, PAGE)


def _count(app, model):
    from pulse.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_ranked_and_explained(auth, client, comments):
    auth.login("viewer", areas=[comments.borough])
    page = client.get(PAGE).get_data(as_text=True)
    asb = page.index("Antisocial behaviour — Bellingham")
    litter = page.index("Litter &amp; fly-tipping — Bellingham")
    assert asb < litter
    assert ("Antisocial behaviour in Bellingham: 12 of 22 comments in 2026-Q4 (55%), no earlier "
            "period with enough comments to compare; severity 0.8; safety after dark 61; "
            "trust 50. Score 0.8 × (55 + 2 × 0) + 7.8 (safety) + 10.0 (trust) = 61.4.") in page
    # Viewers read; they get no forms and cannot post.
    assert "Accept as an action" not in page
    assert _post(client, {"area": comments.ward_a, "topic": "asb",
                          "decision": "accept", "owner": "Sgt Patel"}).status_code == 403


def test_accept_then_public_you_said_we_did(app, auth, client, comments):
    from pulse.models import Action, PriorityDecision

    auth.login("officer", areas=[comments.borough])
    bad = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                         "owner": "Sgt Patel", "due": "next week"})
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in bad.get_data(as_text=True)
    assert _count(app, Action) == 0 and _count(app, PriorityDecision) == 0
    ok = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                        "owner": "Sgt Patel", "due": AHEAD, "notes": "evening patrols",
                        "public": "1", "public_text": "Extra evening patrols by the shops. " + XSS})
    assert ok.status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    assert "Antisocial behaviour — Bellingham" not in page     # decided, so no longer suggested
    assert "Antisocial behaviour in Bellingham" in page and "Sgt Patel" in page
    assert "accepted" in page
    again = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                           "owner": "Sgt Patel"})
    assert again.status_code == 409
    public = client.get(f"/s/{comments.ward_a}/you-said-we-did").get_data(as_text=True)
    assert "Extra evening patrols by the shops." in public and XSS not in public
    assert "&lt;script&gt;" in public
    # The neighbourhood below sees the ward's action too; an unknown code is a 404.
    assert "Extra evening patrols" in client.get(
        f"/s/{comments.ward_a_child}/you-said-we-did").get_data(as_text=True)
    assert client.get("/s/NOPE/you-said-we-did").status_code == 404
    with app.app_context():
        from pulse.extensions import db

        action = db.session.scalar(select(Action))
        assert (action.owner, str(action.due_date), action.status) == (
            "Sgt Patel", AHEAD, "planned")
        decision = db.session.scalar(select(PriorityDecision))
        assert decision.decision == "accepted" and decision.score == 61.4
        assert "12 of 22 comments" in decision.explanation
        action_id = action.id
    token = csrf_from(client, PAGE)
    client.post(f"/officer/actions/{action_id}", data={
        "csrf_token": token, "status": "done", "notes": "done", "public_text": ""})
    assert "Extra evening patrols" not in client.get(
        f"/s/{comments.ward_a}/you-said-we-did").get_data(as_text=True)


def test_refused_decision_keeps_what_was_typed(app, auth, client, comments):
    """A public action without words for residents is refused, and the form comes back filled."""
    from pulse.models import Action

    auth.login("officer", areas=[comments.borough])
    bad = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                         "owner": "Sgt Patel", "due": AHEAD, "notes": "evening patrols",
                         "public": "1", "public_text": " "})
    assert bad.status_code == 422 and _count(app, Action) == 0
    page = bad.get_data(as_text=True)
    assert "A public action needs words for residents." in page
    assert 'value="Sgt Patel"' in page and f'value="{AHEAD}"' in page
    assert ">evening patrols</textarea>" in page and "checked" in page
    assert "<details open><summary>Accept as an action" in page
    # Only the suggestion that was refused is filled in.
    assert page.count('value="Sgt Patel"') == 1
    dismissed = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "dismiss",
                               "reason": " "})
    assert dismissed.status_code == 422
    assert "<details open><summary>Dismiss" in dismissed.get_data(as_text=True)


def test_action_update_returns_to_its_page_and_keeps_typing(app, auth, client, comments):
    """Updating an action from the borough's page goes back there; a refusal keeps the notes."""
    auth.login("officer", areas=[comments.borough])
    action_id, token = _accept_asb(app, client, comments)
    form = {"csrf_token": token, "page": "E09000023", "kind": "r12", "status": "in progress",
            "notes": "patrols from Monday", "public": "1", "public_text": ""}
    refused = client.post(f"/officer/actions/{action_id}", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "A public action needs words for residents." in page
    assert ">patrols from Monday</textarea>" in page
    assert '<option value="in progress" selected>' in page
    saved = client.post(f"/officer/actions/{action_id}",
                        data={**form, "public_text": "Patrols by the shops"})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith("/officer/area/E09000023/priorities?kind=r12")


def test_dismiss_needs_a_reason_and_is_recorded(app, auth, client, comments):
    from pulse.models import PriorityDecision

    auth.login("analyst", areas=[comments.borough])
    _post(client, {"area": comments.ward_a, "topic": "litter", "decision": "dismiss"})
    assert _count(app, PriorityDecision) == 0
    _post(client, {"area": comments.ward_a, "topic": "litter", "decision": "dismiss",
                   "reason": "Council street cleaning already scheduled"})
    page = client.get(PAGE).get_data(as_text=True)
    assert "dismissed (Council street cleaning already scheduled)" in page


def test_decisions_outside_scope_are_404(auth, client, comments):
    auth.login("officer", areas=[comments.ward_b])
    assert client.get(PAGE).status_code == 404
    token = csrf_from(client, "/officer/")
    response = client.post(f"/officer/area/{comments.ward_b}/priorities", data={
        "csrf_token": token, "area": comments.ward_a, "topic": "asb", "decision": "accept",
        "owner": "x"})
    assert response.status_code == 404


def test_a_raised_minimum_is_the_number_the_pages_give(app, auth, client, comments):
    """With PULSE_MIN_RESPONSES at 20 the suggestions leave out Bellingham's 22 comments, and
    the priorities page and the overview say 20, not 10."""
    app.config["PULSE_MIN_RESPONSES"] = 20
    auth.login("viewer", areas=[comments.borough])
    page = client.get(PAGE).get_data(as_text=True)
    assert "Neighbourhoods with fewer than 20 comments are left out." in page
    assert "fewer than 10 comments" not in page
    assert "Antisocial behaviour — Bellingham" not in page
    overview = client.get("/officer/?kind=quarter").get_data(as_text=True)
    assert "fewer than 10 in a neighbourhood" not in overview
    assert "No suggestions" not in overview or "fewer than 20 in a neighbourhood" in overview
    area = client.get(f"/officer/area/{comments.ward_a}").get_data(as_text=True)
    assert "A period with fewer than 20 comments shows no figures." in area
    assert "fewer than 10 comments" not in area


def _today(app):
    """Today where the council is (the configured zone), the day a due date is checked against."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def test_a_due_date_in_the_past_is_refused_by_the_field(app, auth, client, comments):
    """Yesterday is refused next to the due date, keeping what was typed; today is accepted."""
    from pulse.models import Action

    auth.login("officer", areas=[comments.borough])
    yesterday = (_today(app) - timedelta(days=1)).isoformat()
    bad = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                         "owner": "Sgt Patel", "due": yesterday, "notes": "evening patrols",
                         "public": "1", "public_text": "Patrols by the shops"})
    assert bad.status_code == 422 and _count(app, Action) == 0
    page = bad.get_data(as_text=True)
    message = f"The due date {yesterday} has passed: give today or a later date."
    # The message sits by the field and the field points at it.
    field = re.search(r'<div class="field has-error"><label class="label" for="(due-\d+)">'
                      r'Due date</label><p class="error" id="err-\1"><span class="vh">Error:'
                      r'</span> ([^<]+)</p><input id="\1" name="due" type="date" value="([^"]*)" '
                      r'aria-invalid="true" aria-describedby="err-\1">', page)
    assert field and field[2] == message and field[3] == yesterday
    assert 'value="Sgt Patel"' in page and ">evening patrols</textarea>" in page
    assert ">Patrols by the shops</textarea>" in page and "checked" in page
    today = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                           "owner": "Sgt Patel", "due": _today(app).isoformat()})
    assert today.status_code == 303 and _count(app, Action) == 1


def test_an_overdue_action_can_be_edited_without_moving_its_date(app, auth, client, comments):
    """An action whose due date has passed keeps that date on save; a new past date is refused."""
    from pulse.extensions import db
    from pulse.models import Action

    auth.login("officer", areas=[comments.borough])
    assert _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                          "owner": "Sgt Patel", "due": _today(app).isoformat()}
                 ).status_code == 303
    overdue = _today(app) - timedelta(days=20)
    with app.app_context():
        action = db.session.scalar(select(Action))
        action.due_date = overdue             # the days have gone by since it was accepted
        db.session.commit()
        action_id = action.id
    page = client.get(PAGE).get_data(as_text=True)
    assert (f'<input id="ad-{action_id}" name="due" type="date" value="{overdue.isoformat()}"'
            in page)
    token = csrf_from(client, PAGE)
    form = {"csrf_token": token, "page": "E09000023", "kind": "quarter", "status": "in progress",
            "notes": "patrols from Monday", "public_text": "", "due": overdue.isoformat()}
    kept = client.post(f"/officer/actions/{action_id}", data=form)
    assert kept.status_code == 303
    moved = (overdue + timedelta(days=1)).isoformat()
    refused = client.post(f"/officer/actions/{action_id}",
                          data={**form, "due": moved, "notes": "patrols from Tuesday"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert (f'<p class="error" id="err-ad-{action_id}"><span class="vh">Error:</span> '
            f'The due date {moved} has passed: give today or a later date.</p>') in page
    assert f'value="{moved}" aria-invalid="true"' in page
    assert ">patrols from Tuesday</textarea>" in page
    later = (_today(app) + timedelta(days=7)).isoformat()
    assert client.post(f"/officer/actions/{action_id}",
                       data={**form, "due": later}).status_code == 303
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert (action.status, action.notes, str(action.due_date)) == (
            "in progress", "patrols from Monday", later)


def test_local_today_is_the_councils_date():
    """Half past eleven at night UTC in summer is already the next day in London."""
    from pulse.officer.operations import local_today

    assert local_today(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "Europe/London") == \
        date(2026, 7, 1)
    assert local_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Europe/London") == \
        date(2026, 12, 31)


def test_an_action_in_an_area_with_a_long_name_is_saved(app, auth, client, comments):
    """Topic label and area name together may pass the title's 200 characters: shortened."""
    from pulse.extensions import db
    from pulse.models import Action, Area

    long_name = "Bellingham " + "and the streets beside the railway " * 5 + "(east)"
    assert len(long_name) <= 200 < len("Antisocial behaviour in " + long_name)
    with app.app_context():
        db.session.scalar(select(Area).where(Area.code == comments.ward_a)).name = long_name
        db.session.commit()
    auth.login("officer", areas=[comments.borough])
    saved = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                           "owner": "Sgt Patel"})
    assert saved.status_code == 303
    with app.app_context():
        title = db.session.scalar(select(Action.title))
    assert len(title) <= 200 and title.startswith("Antisocial behaviour in Bellingham and ")
    assert title.endswith("…")


def test_over_long_notes_are_refused_by_the_field_keeping_the_rest(app, auth, client, comments):
    """Notes or words for residents past their limit (even a body over the 64 KB every other
    form takes) come back with a message by the box, and nothing typed is lost."""
    from pulse.models import Action, PriorityDecision
    from pulse.officer.operations import NOTES_MAX, PUBLIC_TEXT_MAX, REASON_MAX

    auth.login("officer", areas=[comments.borough])
    page = client.get(PAGE).get_data(as_text=True)
    assert f'name="notes" rows="2" maxlength="{NOTES_MAX}"' in page
    assert f'name="public_text" rows="2" maxlength="{PUBLIC_TEXT_MAX}"' in page
    assert f'name="reason" rows="2" maxlength="{REASON_MAX}"' in page
    # A line break counts as one character, as the browser's maxlength counts it, though it
    # is sent as two.
    fits = "x" * (NOTES_MAX - 1) + "\r\n"
    assert _post(client, {"area": comments.ward_a, "topic": "litter", "decision": "accept",
                          "owner": "Sgt Patel", "notes": fits}).status_code == 303
    huge = "evening patrols." * 5000                       # 80,000 characters
    bad = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                         "owner": "Sgt Patel", "due": AHEAD, "notes": huge, "public": "1",
                         "public_text": "Patrols by the shops"})
    assert bad.status_code == 422 and _count(app, Action) == 1
    text = bad.get_data(as_text=True)
    assert re.search(r'<p class="error" id="err-(notes-\d+)"><span class="vh">Error:</span> '
                     rf'The notes are too long: {NOTES_MAX:,} characters at most \(these have '
                     r'80,000\)\.</p><textarea id="\1" name="notes"', text)
    assert f">{huge.strip()}</textarea>" in text
    assert 'value="Sgt Patel"' in text and ">Patrols by the shops</textarea>" in text
    long_words = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                                "owner": "Sgt Patel", "public": "1",
                                "public_text": "y" * (PUBLIC_TEXT_MAX + 1)})
    assert long_words.status_code == 422
    assert "The words for residents are too long" in long_words.get_data(as_text=True)
    reason = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "dismiss",
                            "reason": "z" * 70_000})
    assert reason.status_code == 422 and _count(app, PriorityDecision) == 1
    assert re.search(r'id="err-reason-\d+"><span class="vh">Error:</span> The reason is too '
                     r'long', reason.get_data(as_text=True))
    with app.app_context():
        from pulse.extensions import db

        action_id = db.session.scalar(select(Action.id))
    token = csrf_from(client, PAGE)
    edit = client.post(f"/officer/actions/{action_id}", data={
        "csrf_token": token, "page": comments.borough, "kind": "quarter", "status": "done",
        "notes": huge, "public_text": ""})
    assert edit.status_code == 422
    text = edit.get_data(as_text=True)
    assert f'id="err-an-{action_id}"' in text and f">{huge.strip()}</textarea>" in text
    assert '<option value="done" selected>' in text


def test_a_body_past_even_the_raised_limit_says_so_on_a_staff_page(auth, client, comments):
    auth.login("officer", areas=[comments.borough])
    token = csrf_from(client, PAGE)
    response = client.post("/officer/area/E09000023/priorities", data={
        "csrf_token": token, "kind": "quarter", "notes": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "survey answer" not in text and "nothing was saved" in text
    assert 'href="/officer/area/E09000023/priorities"' in text


def test_a_body_past_the_limit_on_either_form_links_back_to_its_page(app, auth, client,
                                                                    comments):
    """The 413 is answered before the body is read, so the page the form was on (and its
    period type) is named in the form's address: accepting a suggestion, or saving an action
    from a borough's page, leads back there with nothing saved."""
    from pulse.models import Action

    auth.login("officer", areas=[comments.borough])
    action_id, _ = _accept_asb(app, client, comments)
    page = client.get(f"/officer/area/{comments.borough}/priorities?kind=quarter")
    text = page.get_data(as_text=True)
    decide = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" '
                       r'name="csrf_token" value="([^"]+)">\s*<input type="hidden" name="kind"',
                       text)
    save = re.search(rf'<form method="post" action="(/officer/actions/{action_id}[^"]*)">\s*'
                     r'<input type="hidden" name="csrf_token" value="([^"]+)">', text)
    assert decide and save, "the suggestion's and the action's forms"
    huge = "x" * (2 * 1024 * 1024)
    for address, token in (decide.groups(), save.groups()):
        response = client.post(address.replace("&amp;", "&"),
                               data={"csrf_token": token, "kind": "quarter", "notes": huge})
        assert response.status_code == 413, address
        answer = response.get_data(as_text=True)
        assert "nothing was saved" in answer
        assert (f'href="/officer/area/{comments.borough}/priorities?kind=quarter">Back to the form'
                in answer), address
    with app.app_context():
        from pulse.extensions import db

        assert db.session.get(Action, action_id).notes == ""
    # An address naming no page (a form from before this change) falls back to the overview.
    token = csrf_from(client, PAGE)
    bare = client.post(f"/officer/actions/{action_id}", data={"csrf_token": token,
                                                              "notes": huge})
    assert bare.status_code == 413 and "Back to your areas" in bare.get_data(as_text=True)


def test_deciding_twice_links_back_to_the_priorities_page(auth, client, comments):
    auth.login("officer", areas=[comments.borough])
    form = {"area": comments.ward_a, "topic": "litter", "decision": "dismiss",
            "reason": "street cleaning booked"}
    assert _post(client, form).status_code == 303
    again = _post(client, form)
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert 'href="/officer/area/E09000023/priorities?kind=quarter"' in text
    assert "Back to the priorities for Lewisham" in text
    assert "Back to your areas" not in text


@pytest.mark.parametrize("due", ("2027-W01-1", "20270101", "2027-001",
                                 "\uff12\uff10\uff12\uff17-01-01", "2027-1-1", "2027-01-01T00"))
def test_a_due_date_in_another_form_is_refused(app, auth, client, comments, due):
    """Only YYYY-MM-DD in ASCII digits, as the message asks; not the other ISO forms."""
    from pulse.models import Action

    auth.login("officer", areas=[comments.borough])
    bad = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                         "owner": "Sgt Patel", "due": due})
    assert bad.status_code == 422 and _count(app, Action) == 0
    assert "Give the due date as YYYY-MM-DD." in bad.get_data(as_text=True)


def test_an_action_saved_from_another_areas_page_goes_to_its_own(app, auth, client, comments):
    """A page value naming an area in scope whose page does not list the action (a sibling
    ward) sends the browser to the action's own area, not there."""
    auth.login("officer", areas=[comments.borough])
    action_id, token = _accept_asb(app, client, comments)
    form = {"csrf_token": token, "kind": "quarter", "status": "done", "notes": "",
            "public_text": ""}
    sibling = client.post(f"/officer/actions/{action_id}", data={**form, "page": comments.ward_b})
    assert sibling.status_code == 303
    assert sibling.headers["Location"].endswith(
        f"/officer/area/{comments.ward_a}/priorities?kind=quarter")
    below = client.post(f"/officer/actions/{action_id}",
                        data={**form, "page": comments.ward_a_child})
    assert below.headers["Location"].endswith(
        f"/officer/area/{comments.ward_a}/priorities?kind=quarter")
    borough = client.post(f"/officer/actions/{action_id}", data={**form, "page": comments.borough})
    assert borough.headers["Location"].endswith(
        f"/officer/area/{comments.borough}/priorities?kind=quarter")


def test_a_boroughs_own_comments_reach_its_suggestions(auth, client, borough_comments):
    """Comments given at Lewisham itself are in no ward's shares: with a ward publishing,
    Lewisham is suggested as well, as a whole, with its published counts (no figure for its
    own comments alone, which the topic shares do not publish)."""
    t = borough_comments
    auth.login("officer", areas=[t.borough])
    page = client.get(f"/officer/area/{t.borough}/priorities?kind=quarter").get_data(
        as_text=True)
    assert "Litter &amp; fly-tipping in Blackheath: 30 of 30 comments in 2026-Q4" in page
    assert ("Speeding in Lewisham as a whole (its own comments and those of the areas within "
            "it): 24 of 76 comments in 2026-Q4 (32%)") in page
    # Only published counts: Lewisham's own (24) and everything outside Blackheath (46) are
    # not topic-share figures; Bellingham's quarter is withheld.
    assert "of 46 comments" not in page and "of 24 comments" not in page
    assert "in Bellingham:" not in page
    overview = client.get("/officer/?kind=quarter").get_data(as_text=True)
    assert "Speeding — Lewisham" in overview
    # The borough's page shows the same published shares.
    area = client.get(f"/officer/area/{t.borough}?kind=quarter&topic=speeding")
    assert "Cars racing down the A21" in area.get_data(as_text=True)


@pytest.mark.parametrize("blank", ("\u200b", "\u202e", "\ufeff \u00ad", "\u2060\u200d"))
def test_text_of_invisible_characters_alone_is_no_text(app, auth, client, comments, blank):
    """An owner, a reason or words for residents made only of characters that show nothing
    (zero-width spaces, marks of direction, soft hyphens) are refused as empty: residents
    would otherwise read a public action with no words."""
    from pulse.models import Action, PriorityDecision

    auth.login("officer", areas=[comments.borough])
    owner = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                           "owner": blank})
    assert owner.status_code == 422 and "Say who owns the action." in owner.get_data(
        as_text=True)
    words = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                           "owner": "Sgt Patel", "public": "1", "public_text": blank})
    assert words.status_code == 422
    assert "A public action needs words for residents." in words.get_data(as_text=True)
    reason = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "dismiss",
                            "reason": blank})
    assert reason.status_code == 422
    assert _count(app, Action) == 0 and _count(app, PriorityDecision) == 0
    # Such characters inside visible text are kept as typed.
    kept = _post(client, {"area": comments.ward_a, "topic": "asb", "decision": "accept",
                          "owner": "Sgt\u00adPatel", "public": "1",
                          "public_text": "Patrols\u200b by the shops"})
    assert kept.status_code == 303
    with app.app_context():
        from pulse.extensions import db

        action = db.session.scalar(select(Action))
        assert (action.owner, action.public_text) == ("Sgt\u00adPatel",
                                                      "Patrols\u200b by the shops")
