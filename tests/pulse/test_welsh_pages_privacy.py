"""The catch-all, in Welsh: no resident-facing page carries a resident's personal data as
typed, and none of them is a 500, in Welsh as in English.

With the residents' comments of tests/pulse/test_staff_outputs_privacy.py (typed through the
real form, full of personal data, classified, approved as quotes, the ward's pack built),
every GET route outside the staff blueprints (STAFF_BLUEPRINTS) and the API is fetched with
``?lang=cy``, as a resident and as each staff role (assisted mode is an officer's tablet),
its URL values and query from that module's ``FILL`` and ``QUERY``. Each body is decoded and
searched as there, and an HTML page that answers must really be Welsh (``<html lang="cy">``),
so the check is not vacuous. The English pages are fetched there, with every other route.
"""
from __future__ import annotations

from flask import url_for

from pulse.database import STAFF_BLUEPRINTS
from tests.pulse.test_staff_outputs_privacy import (  # noqa: F401  (seeded is a fixture)
    FILL, QUERY, ROLES, UNFILLED, get_routes, read, seeded, signed_in)

#: Routes outside the staff blueprints that are not the residents', and why.
NOT_RESIDENTS = {
    "api": "the staff's JSON API, by token; its replies carry no words in a language",
    "static": "the project's own files (CSS, scripts, fonts, icons), the same in any language",
}
#: Pages a resident must get in Welsh, whatever else answers (so the loop is not vacuous).
WELSH_FOR_RESIDENTS = {"survey.choose", "survey.intro", "survey.questions", "survey.thanks",
                       "yousaid.page", "codes.enter", "main.privacy", "main.accessibility"}


def resident_routes(app) -> list:
    """GET routes outside the staff blueprints, by path, less those in ``NOT_RESIDENTS``."""
    return [r for r in get_routes(app)
            if r.endpoint.partition(".")[0] not in STAFF_BLUEPRINTS | set(NOT_RESIDENTS)]


def test_resident_pages_in_welsh_carry_no_personal_data(app, seeded):
    assert "cy" in app.config["PULSE_LANGUAGES"]
    problems: list[str] = []
    welsh: dict[str, set[str]] = {}
    routes = resident_routes(app)
    assert not {r.endpoint for r in routes} & set(UNFILLED)  # each can be filled
    clients = {"resident": app.test_client()}
    clients |= {role: seeded.officer if role == "officer"
                else signed_in(app, role, [] if role == "admin" else [seeded.borough])
                for role in ROLES}
    for who, client in clients.items():
        with app.test_request_context():
            urls = [(r.endpoint, url_for(r.endpoint, **(FILL[r.endpoint](seeded, who)
                                                        if r.arguments else {}),
                                         **QUERY.get(r.endpoint, lambda s: {})(seeded),
                                         lang="cy"))
                    for r in routes]
        for endpoint, url in urls:
            reply = client.get(url)
            text = read(reply, f"{who} GET {url}", problems)
            if reply.mimetype == "text/html" and not 300 <= reply.status_code < 400:
                assert '<html lang="cy"' in text, (who, url, reply.status_code, "not Welsh")
                welsh.setdefault(who, set()).add(endpoint)

    assert not problems, "\n".join(problems)
    missing = WELSH_FOR_RESIDENTS - welsh.get("resident", set())
    assert not missing, f"no Welsh page for a resident from {sorted(missing)}"
    # The officer's tablet in assisted mode: the resident's form, in Welsh.
    assert "collect.assist" in welsh["officer"]
