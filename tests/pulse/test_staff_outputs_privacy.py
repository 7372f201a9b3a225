"""The catch-all: no page, download or API reply a staff member can fetch carries a resident's
personal data as typed, and none of them is a 500.

Residents of Bellingham type comments full of personal data into the real survey form (an
e-mail address, a mobile and a landline number, a full postcode, a street address with a
house number, a vehicle registration, a neighbour's name and their own, signing off; some type on a phone, all in
lower case, the e-mail address read out), enough of them for figures to show. The product's own jobs then run: the text model is trained and classifies them, topic
shares are stored, estimates aggregated; an officer approves the comments as quotes and
builds the ward's briefing pack from the browser.

Then, as each staff role in turn (viewer, officer, analyst, admin), every GET route in
``app.url_map`` is fetched (the API's with a token), every export kind in every format (in the
request and through a background run), the audit-log CSV and the pack's PDF. Each body is
decoded to text (HTML, JSON, CSV, XLSX, PDF, ZIP) and searched for the raw strings; where
comments are shown, the redaction tokens must be there instead, so the check is not vacuous.

A new GET route with URL parameters fails here until it is given values in ``FILL`` or a
reason in ``UNFILLED``; a new export format or a new kind of body fails until it is decoded.
Two sibling modules reuse this seed and these checks: tests/pulse/test_staff_posts_privacy.py
sends every staff POST route a form with its fields missing, invalid or (where it ends on
comments) valid, and reads the page it ends on; tests/pulse/test_welsh_pages_privacy.py
fetches the residents' pages again in Welsh (``?lang=cy``).
The output-by-output checks stay where they are (tests/pulse/exports, tests/pulse/officer,
tests/pulse/packs, tests/pulse/api, tests/pulse/test_output_payload_corpora.py).
"""
from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask import url_for
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.pulse.api.conftest import bearer, issue_token
from tests.pulse.packs.test_web import ask, wait_done
from tests.support import GOOD_ANSWERS, AuthActions, csrf_from, submit

#: Personal data as a resident types it, by the token the redactor puts in its place.
RAW = {
    "email": "kwabena.mensah77@example.net",
    "mobile": "07700 900461",
    "landline": "020 8690 4417",
    "postcode": "SE6 4RU",
    "address": "42 Brangbourne Road",
    "vehicle": "LK19 XWP",
    "name": "Theodora Quennell",
    "signed": "Marguerite Adeyemi",     # the writer's own name, signing off
}
#: The same as typed on a phone, all in lower case and the e-mail address read out. (The
#: first name is a listed one: in lower case an unlisted first name after a cue is left, as
#: README says.) The raw strings above, case folded, are searched for in every body as well.
ON_A_PHONE = {**{kind: value.lower() for kind, value in RAW.items()},
              "email": "kwabena dot mensah77 at example dot net", "name": "tyrone quennell"}
#: Parts that are personal on their own: a leak of half the name or street is still a leak.
PARTS = ("Quennell", "Theodora", "Tyrone", "Brangbourne", "mensah77", "900461", "8690 4417",
         "Adeyemi", "Marguerite")
TOKENS = ("[email]", "[phone]", "[postcode]", "[address]", "[vehicle]", "[name]")
#: What residents say before the personal data, so that the classifier finds topics in it.
LEADS = ("Noisy groups and litter by", "Speeding cars every evening on", "Rubbish dumped outside",
         "Bikes stolen from the racks near", "Youths shouting late at night near",
         "Broken street lights all winter on")
RESIDENTS = 12          # enough for the ward's figures to show (fewer than 10 are withheld)
ROLES = ("viewer", "officer", "analyst", "admin")

#: GET routes with URL parameters, filled from the seeded data (``s``) for a role.
FILL = {
    "admin.area": lambda s, role: {"code": s.ward},
    "admin.review": lambda s, role: {"response_id": s.response_id},
    "admin.wave": lambda s, role: {"wave_id": s.wave_id},
    "admin_users.edit": lambda s, role: {"user_id": s.officer_id},
    "api.area": lambda s, role: {"code": s.ward},
    "collect.assist": lambda s, role: {"code": s.ward},
    "codes.enter": lambda s, role: {"code": s.ward},
    "exports.run": lambda s, role: {"token": s.export_runs[role]},
    "exports.download": lambda s, role: {"token": s.export_runs[role]},
    "officer.area": lambda s, role: {"code": s.ward},
    "officer.priorities": lambda s, role: {"code": s.ward},
    "packs.request_form": lambda s, role: {"code": s.ward},
    "packs.run": lambda s, role: {"run_id": s.pack_run},
    "packs.download": lambda s, role: {"run_id": s.pack_run},
    "survey.intro": lambda s, role: {"code": s.ward},
    "survey.questions": lambda s, role: {"code": s.ward},
    "survey.thanks": lambda s, role: {"code": s.ward},
    "yousaid.page": lambda s, role: {"code": s.ward},
}
#: GET routes with URL parameters that are not fetched, and why.
UNFILLED = {
    "static": "the project's own files (CSS, scripts, fonts, icons): no stored data reaches them",
    "admin.preview": "needs a local instrument variant, and the seeded survey is the core "
                     "instrument's; the page renders questions, never answers",
    "admin.local_edit": "needs a local instrument variant (as admin.preview); the page edits "
                        "question wording, never answers",
}
#: Query strings that make a page show what it can (the API's area filter is required).
QUERY = {
    "officer.area": lambda s: {"kind": "month"},
    "officer.comments": lambda s: {"area": s.ward},
    "survey.questions": lambda s: {"consent": "yes"},
    "api.comments": lambda s: {"area": s.ward, "per_page": 200},
    "api.estimates": lambda s: {"area": s.ward, "per_page": 200},
    "api.topic_shares": lambda s: {"area": s.ward},
    "api.actions": lambda s: {"area": s.ward},
    "api.response_counts": lambda s: {"area": s.ward},
    "api.areas": lambda s: {"per_page": 200},
}
#: Where each role must see the redaction tokens: the pages and replies that show comments.
SHOWS_COMMENTS = {
    "viewer": {"officer.area", "officer.comments", "officer.labelling", "pack"},
    "officer": {"officer.area", "officer.comments", "officer.labelling", "pack"},
    "analyst": {"officer.area", "officer.comments", "officer.labelling", "pack", "api.comments",
                "export comments csv", "export comments xlsx", "exports.download"},
    "admin": {"officer.area", "officer.comments", "officer.labelling", "pack", "api.comments",
              "admin.review", "export comments csv", "export comments xlsx",
              "exports.download"},
}


def _squash(text: str) -> str:
    """Text with entities read, case folded and every blank gone, so a line break in a PDF,
    a cell boundary or a space taken out does not hide a raw string."""
    return re.sub(r"\s+", "", html.unescape(text)).casefold()


LEAKS = {_squash(s): s for s in (*RAW.values(), *ON_A_PHONE.values(), *PARTS)}


def comment_text(lead: str, number: int) -> str:
    # Every other resident runs the two numbers together, as people type them in a hurry;
    # every third types on a phone, in lower case.
    between = " or " if number % 2 else " "
    raw = ON_A_PHONE if number % 3 == 2 else RAW
    text = (f"{lead} {raw['address']} {raw['postcode']}; my neighbour {raw['name']} has photos "
            f"of {raw['vehicle']}. Contact {raw['email']} or {raw['mobile']}{between}"
            f"{raw['landline']}. Thanks, {raw['signed']}")
    return text.lower() if raw is ON_A_PHONE else text


@pytest.fixture
def seeded(app, runner, survey_area):
    """Residents' comments through the form, then the jobs: train and classify, topic
    shares, estimates; the comments approved as quotes and the ward's pack built."""
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Area, Comment, Estimate

    app.config["PULSE_SUBMIT_LIMIT"] = "100000 per minute"
    for number in range(RESIDENTS):
        text = comment_text(LEADS[number % len(LEADS)], number)
        # A new browser each: one device answers a wave once.
        done = submit(app.test_client(), survey_area.ward, {**GOOD_ANSWERS, "top_issue": text})
        assert done.status_code == 302, done.status_code
    for args in (["text", "train", "--base", "seed", "--folds", "2"], ["text", "shares"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        aggregate(full=True)
        db.session.commit()
        ward = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
        stored = db.session.execute(select(Comment.id, Comment.response_id, Comment.redacted_text)
                                    .where(Comment.area_id == ward.id)).all()
        figures = db.session.scalars(select(Estimate.estimate).where(
            Estimate.area_id == ward.id, Estimate.group_label == "all",
            Estimate.suppressed.is_(False))).all()
    assert len(stored) == RESIDENTS
    # The redactor took every kind out of every comment (else this test would prove nothing).
    for _id, _response, text in stored:
        assert all(token in text for token in TOKENS), text
        assert not any(leak in _squash(text) for leak in LEAKS), text
    assert figures, "the ward's figures show"

    period = datetime.now(UTC).strftime("%Y-%m")
    officer = signed_in(app, "officer", [survey_area.borough])
    token = csrf_from(officer, "/officer/comments")
    for comment_id, _response, _text in stored:
        approved = officer.post(f"/officer/comments/{comment_id}/approve",
                                data={"csrf_token": token, "approved": "1"})
        assert approved.status_code in (302, 303), approved.status_code
    asked = ask(officer, survey_area.ward, period=period, kind="single")
    assert asked.status_code == 303, asked.get_data(as_text=True)[:500]
    assert "Ready: 1 of 1 built." in wait_done(officer, asked.headers["Location"])
    with app.app_context():
        from pulse.auth.queries import user_by_email

        officer_id = user_by_email("officer@example.org").id
    return SimpleNamespace(
        borough=survey_area.borough, ward=survey_area.ward, wave_id=survey_area.wave_id,
        comment_id=stored[0][0], response_id=stored[0][1],
        officer_id=officer_id, period=period, officer=officer,
        pack_run=int(asked.headers["Location"].rstrip("/").rsplit("/", 1)[1]), export_runs={})


def signed_in(app, role: str, areas=()):
    client = app.test_client()
    AuthActions(app, client).login(role, areas=areas)
    return client


# --- bodies as text --------------------------------------------------------------------------

def _xlsx(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join("\t".join("" if v is None else str(v) for v in row)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def _pdf(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _zip(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "\n".join(decode(archive.read(name), name) for name in archive.namelist())


DECODERS = {
    "application/json": lambda b: json.dumps(json.loads(b), ensure_ascii=False),
    "application/problem+json": lambda b: json.dumps(json.loads(b), ensure_ascii=False),
    "application/manifest+json": lambda b: json.dumps(json.loads(b), ensure_ascii=False),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _xlsx,
    "application/pdf": _pdf,
    "application/zip": _zip,
}
TEXT_TYPES = ("text/html", "text/plain", "text/csv", "text/javascript", "application/javascript",
              "image/svg+xml")
SUFFIXES = {".pdf": "application/pdf", ".csv": "text/csv", ".json": "application/json",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def decode(body: bytes, kind: str) -> str:
    """A body as text, by its mimetype (or, inside a ZIP, its file name's suffix)."""
    if "." in kind and "/" not in kind:
        kind = SUFFIXES[kind[kind.rindex("."):]]
    if kind in TEXT_TYPES:
        return body.decode("utf-8")
    if not body and kind == "":
        return ""
    assert kind in DECODERS, f"no decoder for {kind!r}: add one so its bodies are checked"
    return DECODERS[kind](body)


def read(response, where: str, problems: list[str]) -> str:
    """The body as text; a 5xx or a raw string is noted in ``problems``."""
    body = response.get_data()
    response.close()
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code}")
        return ""
    text = decode(body, response.mimetype or "")
    squashed = _squash(text)
    for leak, raw in LEAKS.items():
        if leak in squashed:
            problems.append(f"{where}: {raw!r} in the body")
    return text


# --- the routes ------------------------------------------------------------------------------

def get_routes(app) -> list:
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods),
                  key=lambda r: r.rule)


def test_every_get_route_with_parameters_is_filled_or_has_a_reason(app):
    needing = {r.endpoint for r in get_routes(app) if r.arguments}
    assert not needing - set(FILL) - set(UNFILLED), (
        "fill these routes' parameters in FILL, or give a reason in UNFILLED: "
        f"{sorted(needing - set(FILL) - set(UNFILLED))}")
    assert not (set(FILL) | set(UNFILLED)) - needing, "no such routes (any more)"
    assert not set(FILL) & set(UNFILLED)


def _background_export(app, client, kind: str, fmt: str) -> str:
    """An export run built off the request (every export made so, for once): its token."""
    from tests.pulse.exports.test_background_runs import _wait

    token = csrf_from(client, "/exports/")
    app.config.update(EXPORT_CSV_SYNC_ROWS=0, EXPORT_XLSX_SYNC_ROWS=0)
    try:
        queued = client.post(f"/exports/{kind}", data={"csrf_token": token, "format": fmt})
    finally:
        del app.config["EXPORT_CSV_SYNC_ROWS"], app.config["EXPORT_XLSX_SYNC_ROWS"]
    assert queued.status_code == 303, queued.get_data(as_text=True)[:300]
    url = queued.headers["Location"]
    _wait(client, url)
    return url.rstrip("/").rsplit("/", 1)[1]


def test_no_staff_output_carries_residents_personal_data(app, seeded):
    from pulse.exports.operations import MIMETYPES
    from pulse.exports.views import KIND_ROLES

    problems: list[str] = []
    shown: dict[str, set[str]] = {}

    def saw(role: str, where: str, text: str) -> None:
        if any(token in text for token in TOKENS):
            shown.setdefault(role, set()).add(where)

    app.config["PULSE_API_LIMIT"] = "100000 per minute"
    for role in ROLES:
        areas = [] if role == "admin" else [seeded.borough]
        client = seeded.officer if role == "officer" else signed_in(app, role, areas)
        secret = issue_token(app, f"{role}@example.org", role, areas)

        # Every export kind in every format, made in the request; one made in the background.
        exportable = [k for k, roles in KIND_ROLES.items() if roles is None or role in roles]
        for kind in KIND_ROLES:
            for fmt in MIMETYPES:
                reply = client.post(f"/exports/{kind}", data={
                    "csrf_token": csrf_from(client, "/exports/"), "format": fmt})
                where = f"export {kind} {fmt}"
                if kind not in exportable:
                    assert reply.status_code == 403, (role, where, reply.status_code)
                    reply.close()
                    continue
                assert reply.status_code == 200, (role, where, reply.status_code)
                saw(role, where, read(reply, f"{role} {where}", problems))
        background = "comments" if "comments" in exportable else exportable[0]
        seeded.export_runs[role] = _background_export(app, client, background, "xlsx")

        if role == "admin":
            reply = client.post("/admin/audit/export.csv",
                                data={"csrf_token": csrf_from(client, "/admin/audit/")})
            assert reply.status_code == 200
            read(reply, "admin audit csv", problems)

        # Every GET route, the API's with the role's token.
        with app.test_request_context():
            urls = []
            for rule in get_routes(app):
                if rule.endpoint in UNFILLED:
                    continue
                values = FILL[rule.endpoint](seeded, role) if rule.arguments else {}
                query = QUERY.get(rule.endpoint, lambda s: {})(seeded)
                urls.append((rule.endpoint, url_for(rule.endpoint, **values, **query)))
        for endpoint, url in urls:
            headers = bearer(secret) if endpoint.startswith("api.") else {}
            reply = client.get(url, headers=headers)
            text = read(reply, f"{role} GET {url}", problems)
            if endpoint == "packs.download":
                assert reply.mimetype == "application/pdf", reply.mimetype
                where = "pack"
            else:
                where = endpoint
            saw(role, where, text)

    assert not problems, "\n".join(problems)
    for role in ROLES:
        missing = SHOWS_COMMENTS[role] - shown.get(role, set())
        assert not missing, f"as {role}, no redaction token in {sorted(missing)}"
