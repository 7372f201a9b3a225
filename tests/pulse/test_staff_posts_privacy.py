"""The catch-all, for what staff forms answer: no page a staff POST ends on carries a
resident's personal data as typed, and none of them is a 500.

With the residents' comments of tests/pulse/test_staff_outputs_privacy.py (typed through the
real form, full of personal data, classified, approved as quotes), each staff role in turn
(viewer, officer, analyst, admin) sends every staff POST route in ``app.url_map`` (the
blueprints in STAFF_BLUEPRINTS) a form with a valid CSRF token twice: once with every other
field missing, once with each field invalid (``INVALID``). Redirects are followed and the page
it ends on is decoded and searched as there. The forms that end on comments are then sent
valid data too (``VALID``): an officer's label and approval, an admin's exclusion and
restoring with a reason. There, and wherever else a POST ends on comments, the redaction
tokens must show (``POST_SHOWS_COMMENTS``), so the check is not vacuous.

The routes act on real things, so that each form is read rather than met with a 404: the
local editor's on a local instrument variant (``_prepare`` publishes one for the other ward);
the reset form on a fresh reset link for the spare account (``POST_QUERY``), which the spare
account's owner then uses, signed out, to set a new password; the priority decision on the
ward's suggested priorities as the priorities page offers them, each role that may decide
taking another (``DECIDERS``), and the page must say it was decided.

A POST route with URL parameters fails here until it is given values in ``POST_FILL`` or a
reason in ``NOT_POSTED``. The routes that would change what later requests see (signing out,
retiring the ward, closing its wave) are sent last, in ``LAST``'s order, once each (they take
no fields); the others must leave the session signed in.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from flask import url_for
from sqlalchemy import select

from pulse.database import STAFF_BLUEPRINTS
from tests.pulse.test_staff_outputs_privacy import (  # noqa: F401  (seeded is a fixture)
    ROLES, TOKENS, read, seeded, signed_in)
from tests.support import csrf_from, make_user

#: A wrong value for every field name the staff forms read (none of it personal data): a
#: form given this must refuse it with a reason, or treat it as the view documents.
INVALID = {
    "name": "", "email": "not-an-email", "password": "not the password",
    "current_password": "not the password", "new_password": "short", "code": "abc",
    "days": "7", "role": "emperor", "areas": "NO-SUCH", "area": "NO-SUCH",
    "parent": "NO-SUCH", "level": "", "access": "everyone", "target": "-5",
    "reason": "x" * 5000, "token": "not-a-token", "action": "publish",
    "starts": "tomorrow", "ends": "2026-02-30", "questions-0-code": "X",
    "questions-0-kind": "nonsense", "frequency": "hourly", "email_to": "not an address",
    "format": "pdf", "period": "2026-13", "date_from": "yesterday", "date_to": "2026-02-30",
    "from": "yesterday", "to": "2026-02-30", "kind": "decade", "decision": "maybe",
    "topic": "no-such", "status": "nonsense", "due": "next week", "public": "maybe",
    "back": "elsewhere", "query": "page=%0d%0a",
}
#: POST routes with URL parameters, filled from the seeded data (``s``) for a role.
POST_FILL = {
    "admin.area": lambda s, role: {"code": s.ward},
    "admin.retire_area_view": lambda s, role: {"code": s.ward},
    "admin.restore_area_view": lambda s, role: {"code": s.ward},
    "admin.exclude": lambda s, role: {"response_id": s.response_id},
    "admin.restore": lambda s, role: {"response_id": s.response_id},
    "admin.close_wave": lambda s, role: {"wave_id": s.wave_id},
    # Another account than the ones signed in: disabling it signs nobody here out.
    "admin_users.edit": lambda s, role: {"user_id": s.spare_id},
    "admin_users.disable": lambda s, role: {"user_id": s.spare_id},
    "admin_users.enable": lambda s, role: {"user_id": s.spare_id},
    "admin_users.reset": lambda s, role: {"user_id": s.spare_id},
    "api_tokens.revoke": lambda s, role: {"token_id": s.api_tokens[role]},
    "api_tokens.admin_revoke": lambda s, role: {"token_id": s.api_tokens[role]},
    "officer.decide": lambda s, role: {"code": s.ward},
    "admin.local_edit": lambda s, role: {"name": s.local},
    "officer.update_action": lambda s, role: {"action_id": s.action_id},
    "officer.label": lambda s, role: {"comment_id": s.comment_id},
    "officer.approve": lambda s, role: {"comment_id": s.comment_id},
    "packs.request_pack": lambda s, role: {"code": s.ward},
    "packs.stop": lambda s, role: {"subscription_id": s.subscription_id},
}
#: Query strings for POST routes that read one, made at each send: a reset link's token for
#: the spare account, issued afresh (the admin's reset form, sent before it, revokes the last).
POST_QUERY = {"auth.reset": lambda s: {"token": s.reset_token()}}
#: Staff POST routes that are not sent, and why.
NOT_POSTED: dict[str, str] = {}
#: Sent last, in this order: each changes what the requests after it would see. Retiring is
#: followed by restoring, so the ward is active again for the wave's closing.
LAST = ("admin.retire_area_view", "admin.restore_area_view", "admin.close_wave", "auth.logout")
#: Valid forms (the roles that may not send them get a 403): those that end on a page of
#: comments, and a decision on one of the ward's suggested priorities, a different one for
#: each role that may decide (accepted as a public action, or dismissed).
VALID = {
    "officer.label": lambda s, role: {"topic": s.topic, "back": "labelling"},
    "officer.approve": lambda s, role: {"approved": "1", "back": "comments",
                                        "query": f"area={s.ward}"},
    "admin.exclude": lambda s, role: {"reason": "Answered in seven seconds"},
    "admin.restore": lambda s, role: {"reason": "Checked with the resident by phone"},
    "officer.decide": lambda s, role: {
        **s.suggestions.get(role, s.suggestions["officer"]), "owner": "Sgt Patel",
        "due": "2031-01-31", "public": "1", "public_text": "Evening patrols by the station",
        "reason": "Already in hand with the council"},
}
#: Who decides which of the ward's suggestions, and how (VALID's officer.decide).
DECIDERS = {"officer": "accept", "analyst": "dismiss", "admin": "accept"}
#: The local question of the variant the local editor's routes act on (admin.local_edit).
LOCAL_QUESTION = {"code": "ladywell_dark", "kind": "scale", "scale": "s10", "optional": True,
                  "wording": {"en": "How safe do you feel in Ladywell Fields after dark?",
                              "cy": "Pa mor ddiogel ydych chi'n teimlo yng Nghaeau Ladywell "
                                    "ar ôl iddi nosi?"}}
#: Where each role must see the redaction tokens: the POSTs whose pages show comments
#: (the explorer, the labelling queue, the admin's review page; the comments export, whose
#: form with every field missing is a valid one). A label or approval with INVALID's fields
#: goes back to the explorer with its ``query`` of filters, which is refused (a 400); an
#: approval without ``approved`` is refused on an error page (publishing is explicit).
LABELLED = {"officer.label missing", "officer.label valid", "officer.approve valid"}
EXPORTED = {"exports.comments missing"}
REVIEWED = {"admin.exclude missing", "admin.exclude invalid", "admin.restore missing",
            "admin.restore invalid", "admin.exclude valid", "admin.restore valid"}
POST_SHOWS_COMMENTS = {"viewer": set(), "officer": LABELLED, "analyst": LABELLED | EXPORTED,
                       "admin": LABELLED | EXPORTED | REVIEWED}
EXPIRED = "This form has expired"


def staff_post_routes(app) -> list:
    """Every POST route of the staff blueprints, by path."""
    return sorted((r for r in app.url_map.iter_rules()
                   if "POST" in r.methods and r.endpoint.partition(".")[0] in STAFF_BLUEPRINTS),
                  key=lambda r: r.rule)


def test_every_post_route_with_parameters_is_filled_or_has_a_reason(app):
    routes = {r.endpoint: r for r in staff_post_routes(app)}
    needing = {endpoint for endpoint, r in routes.items() if r.arguments}
    assert not needing - set(POST_FILL) - set(NOT_POSTED), (
        "fill these routes' parameters in POST_FILL, or give a reason in NOT_POSTED: "
        f"{sorted(needing - set(POST_FILL) - set(NOT_POSTED))}")
    assert not (set(POST_FILL) | set(NOT_POSTED)) - needing, "no such routes (any more)"
    assert not set(POST_FILL) & set(NOT_POSTED)
    assert set(LAST) <= set(routes) and not set(LAST) & set(NOT_POSTED)


def _prepare(app, s) -> None:
    """What the routes act on besides the seeded data: a spare account, an action, a pack
    subscription, each role's own API token, a local instrument variant (collected in the
    other ward from next month, so the seeded ward's survey stays the core one); a topic to
    label with, and a way to issue the spare account a reset link."""
    from pulse.admin.local import publish_and_schedule, question_from
    from pulse.api import tokens
    from pulse.auth import operations as ops
    from pulse.auth.queries import user_by_email
    from pulse.extensions import db
    from pulse.models import Action, Area, Topic, User
    from pulse.packs.subscriptions import subscribe

    with app.app_context():
        s.spare_id = make_user("spare@example.org", "officer", [s.borough])
        ward = db.session.scalar(select(Area).where(Area.code == s.ward))
        topic = db.session.scalar(select(Topic).where(Topic.retired.is_(False)).order_by(Topic.id))
        action = Action(area_id=ward.id, topic_id=topic.id, title="Patrols", owner="Sgt Patel",
                        public=True, public_text="Evening patrols", created_by=s.officer_id)
        db.session.add(action)
        subscription = subscribe(s.ward, "monthly", "")
        issued = [tokens.issue(user_by_email(f"{role}@example.org"), "test", days=30,
                               now=datetime.now(UTC)).token for role in ROLES]
        other = db.session.scalar(select(Area).where(Area.level == "ward", Area.code != s.ward)
                                  .order_by(Area.code))
        now = datetime.now(UTC)
        publish_and_schedule("ladywell", [question_from(LOCAL_QUESTION)], [other],
                             starts=now + timedelta(days=30), ends=now + timedelta(days=60),
                             now=now, managed=[])
        db.session.commit()
        s.action_id, s.subscription_id, s.topic = action.id, subscription.id, topic.code
        s.api_tokens = {role: token.id for role, token in zip(ROLES, issued)}
        s.local, s.other_ward = "ladywell", other.code

    def reset_token() -> str:
        """A new reset link's token for the spare account, as an admin issues one."""
        with app.app_context():
            token = ops.issue_reset(db.session.get(User, s.spare_id), datetime.now(UTC))
            db.session.commit()
        return token

    s.reset_token = reset_token


def _suggestions(client, s) -> dict[str, dict[str, str]]:
    """The ward's suggested priorities, as the officer's priorities page offers them: one for
    each role in DECIDERS, with that role's decision."""
    page = client.get(f"/officer/area/{s.ward}/priorities").get_data(as_text=True)
    offered = list(dict.fromkeys(re.findall(
        r'name="kind" value="([^"]*)"><input type="hidden" name="area" value="([^"]*)">\s*'
        r'<input type="hidden" name="topic" value="([^"]*)">', page)))
    assert len(offered) >= len(DECIDERS), f"too few suggestions to decide on: {offered}"
    return {role: {"kind": kind, "area": area, "topic": topic, "decision": decision}
            for (role, decision), (kind, area, topic) in zip(DECIDERS.items(), offered)}


def test_no_staff_post_result_carries_residents_personal_data(app, seeded):
    problems: list[str] = []
    shown: dict[str, set[str]] = {}
    # Each role signs in, then posts the sign-in forms twice: more than the real limit.
    app.config["PULSE_LOGIN_LIMIT"] = "100000 per minute"
    clients = {role: seeded.officer if role == "officer"
               else signed_in(app, role, [] if role == "admin" else [seeded.borough])
               for role in ROLES}
    _prepare(app, seeded)
    seeded.suggestions = _suggestions(seeded.officer, seeded)
    routes = staff_post_routes(app)
    assert len(routes) > 30  # the map was read

    for role, client in clients.items():
        token = csrf_from(client, "/account")
        with app.test_request_context():
            paths = {r.endpoint: url_for(r.endpoint, **(POST_FILL[r.endpoint](seeded, role)
                                                         if r.arguments else {}))
                     for r in routes if r.endpoint not in NOT_POSTED}

        def send(endpoint: str, fields: dict, how: str) -> str:
            # The uploads' form is multipart; every other staff form is URL-encoded.
            upload = getattr(app.view_functions[endpoint], "pulse_takes_uploads", False)
            path = paths[endpoint]
            if endpoint in POST_QUERY:
                path += "?" + urlencode(POST_QUERY[endpoint](seeded))
            reply = client.post(path, data={"csrf_token": token, **fields},
                                content_type="multipart/form-data" if upload else None,
                                follow_redirects=True)
            where = f"{endpoint} {how}"
            text = read(reply, f"{role} POST {paths[endpoint]} ({how})", problems)
            assert EXPIRED not in text, (role, where, "the CSRF token was refused")
            if any(t in text for t in TOKENS):
                shown.setdefault(role, set()).add(where)
            return text

        for how, fields in (("missing", {}), ("invalid", INVALID)):
            for endpoint in paths:
                if endpoint not in LAST:
                    text = send(endpoint, fields, how)
                    if endpoint in POST_QUERY:  # the link was good: its form was checked
                        assert "This link does not work" not in text, (role, endpoint, how)
        for endpoint, fields in VALID.items():
            text = send(endpoint, fields(seeded, role), "valid")
            if endpoint == "officer.decide" and role in DECIDERS:
                done = "Accepted:" if DECIDERS[role] == "accept" else "Dismissed:"
                assert done in text, (role, "the suggestion was not decided")
        # Nothing so far signed the role out (a new route that does belongs in LAST).
        assert client.get("/account").status_code == 200, (role, "signed out")
        for endpoint in LAST:
            send(endpoint, {}, "missing")

    # The reset link used, as the spare account's owner would: signed out, a new password.
    visitor = app.test_client()
    path = "/reset?" + urlencode(POST_QUERY["auth.reset"](seeded))
    reply = visitor.post(path, follow_redirects=True, data={
        "csrf_token": csrf_from(visitor, path), "new_password": "copper harbour lantern field",
        "confirm": "copper harbour lantern field"})
    assert "Your password is set" in read(reply, "visitor POST /reset (valid)", problems)

    assert not problems, "\n".join(problems)
    for role in ROLES:
        missing = POST_SHOWS_COMMENTS[role] - shown.get(role, set())
        assert not missing, f"as {role}, no redaction token in {sorted(missing)}"
