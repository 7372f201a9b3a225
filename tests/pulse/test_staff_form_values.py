"""The catch-all for hostile values: every field of every staff form, one at a time.

The forms are found, not named: every staff GET page (the blueprints in STAFF_BLUEPRINTS,
URL parameters filled from the seeded data of tests/pulse/test_staff_outputs_privacy.py and
what test_staff_posts_privacy.py's ``_prepare`` adds, such as a local instrument variant) is
fetched as the admin, an officer and someone signed out, and each ``<form method="post">`` is
read for its action and its fields' default values, as a browser would send them
(tests/pulse/staff_forms.py; the local editor's with its Publish button, ``PRESSED``). For each
staff POST route one such form is taken; then, field by field, it is posted with its defaults
(and a fresh CSRF token) but that one field replaced by each of ``HOSTILE``, or sent twice with
two different values.

No reply may be a 5xx; each is a redirect (with no line break in its Location), a page or a
file, or a 4xx page that says why; no reply sets a header from a field's text. After each
route no stored row holds a NUL byte, or text longer than its column allows (SQLite keeps
both silently, where PostgreSQL raises), and the database still answers.

A staff POST route whose form is on no page fails here until it is found, reached or given a
reason in ``NOT_FOUND`` (none has one now). Forms that show only once another has acted
(``LATER``) and the routes that change what later requests see (test_staff_posts_privacy.py's
``LAST``: retiring and restoring the ward, closing its wave) are sent after the rest, each form
found again at its turn; between them go the forms shown only in a state the test reaches as a
person would (tests/pulse/staff_states.py's ``REACHED``): a reset link opened signed out, TOTP
enrolment begun, then finished, half signed in owing a code, a boundary file and a margins
file checked through the real upload forms. The route that would end the run (signing out)
is in ``SKIPPED``. Forms that act on an account are the spare account's, never a signed-in
one's: the spare account signs in itself for its own second factor.
"""
from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import url_for
from sqlalchemy import String, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from pulse.database import STAFF_BLUEPRINTS
from tests.pulse.staff_forms import post_forms
from tests.pulse.staff_states import HOME, REACHED, reach
from tests.pulse.test_staff_outputs_privacy import (  # noqa: F401  (seeded is a fixture)
    FILL, QUERY, get_routes, seeded, signed_in)
from tests.pulse.test_staff_posts_privacy import LAST, POST_FILL, _prepare, staff_post_routes
from tests.support import csrf_from, make_user

#: What replaces one field's value at a time.
HOSTILE = {
    "nul": "before\x00after",
    "crlf": "x\r\nSet-Cookie: a=1",
    "long": "w" * 5000,
    # Right-to-left override, combining marks, a zero-width joiner sequence, a BOM.
    "unicode": "\u202eoll\u0301\u0308e\u0336h \U0001F469\U0001F3FD\u200d\U0001F692\ufeff",
    "negative": "-1",
    "huge": str(10**30),
}
#: Staff POST routes whose form is on no page a staff member (or someone signed out) is shown
#: with the seeded data, and why: none now (REACHED's forms are found in the states they need).
NOT_FOUND: dict[str, str] = {}
#: Staff POST routes whose form shows only once a route sent before it has acted, and how: they
#: are sent after the rest, in this order, each form found again at its turn (as LAST's are).
LATER = {
    "admin.restore": "shown for an excluded response: admin.exclude's form excluded it (a "
                     "reason with a line break in it is still a reason)",
    "admin_users.enable": "shown for a disabled account: the spare one, which admin_users."
                          "disable's form (its CSRF token sent twice, the first one kept) disabled",
}
#: Staff POST routes that are found but not sent, and why.
SKIPPED = {
    "auth.logout": "signs the admin out: every POST after it would meet the sign-in page",
}
#: Forms whose first button only rearranges the form (the local questions editor's "Add a
#: question"), sent with the button that writes instead, so that what is sent is validated,
#: and published when valid.
PRESSED = {"admin.local_new": ("action", "publish"), "admin.local_edit": ("action", "publish")}
#: GET pages fetched for forms, with parameters where FILL's would do harm: the user edited is
#: the spare account, so its disable and reset forms never touch a signed-in user.
PAGE_FILL = {**FILL, "admin_users.edit": lambda s, role: {"user_id": s.spare_id},
             "admin.local_edit": lambda s, role: {"name": s.local}}
#: GET routes not fetched for forms: downloads and runs of exports the seed does not make.
NO_FORMS = {"exports.run", "exports.download", "packs.download", "static"}


def page_paths(app, s) -> list[str]:
    """Every GET page's path, its parameters filled from the seeded data."""
    paths = []
    with app.test_request_context():
        for rule in get_routes(app):
            if rule.endpoint in NO_FORMS or rule.endpoint.startswith("api."):
                continue
            if rule.arguments and rule.endpoint not in PAGE_FILL:
                continue  # UNFILLED in test_staff_outputs_privacy.py, with its reason
            values = PAGE_FILL[rule.endpoint](s, "admin") if rule.arguments else {}
            query = QUERY.get(rule.endpoint, lambda s: {})(s)
            paths.append(url_for(rule.endpoint, **values, **query))
    return paths


def find_forms(app, s, clients: dict, endpoints=None) -> dict[str, tuple[str, SimpleNamespace]]:
    """For each staff POST route (of ``endpoints``, if given), one form that posts to it and
    who was shown it. A route with URL parameters takes the form whose action is its
    POST_FILL path: the seeded row it is meant to act on, never a signed-in account."""
    adapter = app.url_map.bind("localhost")
    paths = page_paths(app, s)
    found: dict[str, tuple[str, SimpleNamespace]] = {}
    for who, client in clients.items():
        with app.test_request_context():
            role = "admin" if who == "visitor" else who  # no such form is shown signed out
            wanted = {e: url_for(e, **fill(s, role)) for e, fill in POST_FILL.items()}
        for path in paths:
            reply = client.get(path)
            if reply.status_code != 200 or reply.mimetype != "text/html":
                continue
            for form in post_forms(reply.get_data(as_text=True), path):
                action = urlsplit(form.action).path
                try:
                    endpoint, _args = adapter.match(action, method="POST")
                except (NotFound, MethodNotAllowed):
                    continue
                if (endpoint in found or endpoint.partition(".")[0] not in STAFF_BLUEPRINTS
                        or (endpoints is not None and endpoint not in endpoints)
                        or wanted.get(endpoint, action) != action):
                    continue
                found[endpoint] = (who, form)
    return found


def error_titles(app) -> set[str]:
    from pulse.errors import _titles

    with app.test_request_context():
        return set(_titles().values())


def reply_problems(reply, titles: set[str]) -> list[str]:
    """What is wrong with a reply to a hostile value: a 5xx, a redirect without a clean
    Location, a header made from the field's text, a 4xx that does not say why (the form's
    summary of what to fix, or a flashed error, both ``role="alert"``; or an error page)."""
    problems = []
    body = reply.get_data()
    reply.close()
    if reply.status_code >= 500:
        return [f"{reply.status_code}"]
    for key, value in reply.headers.items():
        if "\r" in value or "\n" in value or (key == "Set-Cookie" and value.startswith("a=")):
            problems.append(f"header {key}: {value[:80]!r}")
    if 300 <= reply.status_code < 400:
        if not reply.headers.get("Location"):
            problems.append(f"{reply.status_code} without a Location")
    elif reply.status_code >= 400:
        html = body.decode("utf-8", "replace")
        if reply.mimetype != "text/html" or not (
                'role="alert"' in html or any(f"<h1>{t}</h1>" in html for t in titles)):
            problems.append(f"{reply.status_code} without a reason shown")
    elif not body:
        problems.append(f"{reply.status_code} with nothing in it")
    return problems


def stored_problems(app) -> list[str]:
    """Stored text holding a NUL byte or longer than its column; the query proves the database
    still answers after what was sent."""
    from pulse.extensions import db

    problems = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns
                       if isinstance(c.type, String) or c.type.__class__.__name__ == "JSON"]
            if not columns:
                continue
            for row in db.session.execute(select(*columns)):
                for column, value in zip(columns, row):
                    if value is None:
                        continue
                    if not isinstance(value, str):  # JSON: a NUL in it is written \u0000
                        if "\\u0000" in json.dumps(value):
                            problems.append(f"{table.name}.{column.name} holds a NUL byte")
                        continue
                    if "\x00" in value:
                        problems.append(f"{table.name}.{column.name} holds a NUL byte")
                    length = getattr(column.type, "length", None)
                    if length and len(value) > length:
                        problems.append(f"{table.name}.{column.name} holds {len(value)} "
                                        f"characters (its column takes {length})")
    return sorted(set(problems))


def bodies(form, field: str, token: str):
    """The form's defaults with ``field`` replaced by each hostile value, then sent twice."""
    defaults = [(n, token if n == "csrf_token" else v) for n, v in form.fields if n != field]
    default = next((v for n, v in form.fields if n == field), "")
    for label, value in HOSTILE.items():
        yield label, MultiDict([*defaults, (field, value)])
    yield "twice", MultiDict([*defaults, (field, default or "1"), (field, "2")])


def test_the_routes_listed_are_staff_post_routes(app):
    routes = {r.endpoint for r in staff_post_routes(app)}
    assert not (set(NOT_FOUND) | set(SKIPPED)) - routes, "no such routes (any more)"
    assert not set(NOT_FOUND) & set(SKIPPED)
    assert not set(LATER) - routes and not set(LATER) & (set(NOT_FOUND) | set(LAST))
    assert not set(REACHED) - routes
    assert not set(REACHED) & (set(NOT_FOUND) | set(LATER) | set(LAST) | set(SKIPPED))


def clients(app, s) -> dict:
    # Signing in (and the sign-in form's own posts) many times over: more than the real limit.
    app.config["PULSE_LOGIN_LIMIT"] = "100000 per minute"
    signed = {"admin": signed_in(app, "admin", []), "officer": s.officer,
              "visitor": app.test_client()}
    # _prepare issues an API token to every role's account.
    with app.app_context():
        for role in ("viewer", "analyst"):
            make_user(f"{role}@example.org", role, [s.borough])
    return signed


def test_hostile_values_in_every_field_of_every_staff_form(app, seeded):
    who_is = clients(app, seeded)
    _prepare(app, seeded)
    found = find_forms(app, seeded, who_is)
    first = dict(who_is)  # REACHED's states add clients: the spare account, half signed in
    routes = {r.endpoint for r in staff_post_routes(app)}
    missing = routes - set(found) - set(NOT_FOUND) - set(LATER) - set(LAST) - set(REACHED)
    assert not missing, ("no form on any page posts to these routes: find it, or give a "
                         f"reason in NOT_FOUND: {sorted(missing)}")
    assert not set(found) & set(NOT_FOUND), (
        f"found after all, take them out of NOT_FOUND: {sorted(set(found) & set(NOT_FOUND))}")
    assert not set(found) & set(REACHED), (
        f"found with the seed alone, take them out of REACHED: {sorted(set(found) & set(REACHED))}")
    tokens = {who: csrf_from(client, "/login" if who == "visitor" else "/account")
              for who, client in who_is.items()}
    titles = error_titles(app)
    problems: list[str] = []
    # The routes that change what later requests see go last, their forms found again then.
    order = sorted(set(found) - set(LATER) - set(LAST)) + [*LATER, *REACHED, *LAST]
    assert stored_problems(app) == []  # the seed itself holds none
    sent = 0
    for endpoint in order:
        if endpoint in SKIPPED:
            continue
        if endpoint in LAST or endpoint in LATER:
            again = find_forms(app, seeded, first, {endpoint})
            assert endpoint in again, f"{endpoint}'s form is gone"
            found[endpoint] = again[endpoint]
        if endpoint in REACHED:
            found[endpoint] = reach(app, seeded, who_is, endpoint)
            who = found[endpoint][0]
            if who not in tokens:
                tokens[who] = csrf_from(who_is[who], HOME.get(who, "/account"))
        who, form = found[endpoint]
        if endpoint in PRESSED:
            button, value = PRESSED[endpoint]
            form.fields = [(n, value if n == button else v) for n, v in form.fields]
        client = who_is[who]
        for field in form.names:
            for label, data in bodies(form, field, tokens[who]):
                reply = client.post(form.action, data=data, content_type=(
                    "multipart/form-data" if form.multipart else None))
                sent += 1
                problems += [f"{endpoint} {field}={label}: {p}"
                             for p in reply_problems(reply, titles)]
        # Each new one named once, after the route that stored it.
        problems += [f"after {endpoint}: {p}" for p in stored_problems(app)
                     if f"{p}" not in "\n".join(problems)]
        if who != "visitor" and endpoint not in LAST:
            home = HOME.get(who, "/account")
            assert who_is[who].get(home).status_code == 200, (endpoint, f"not at {home}")
    assert sent > 500
    assert not problems, "\n".join(problems)
