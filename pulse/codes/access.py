"""Who may answer a wave, and how a single-use code lets a resident in.

The survey's questions view calls :func:`admit` before showing or taking answers, and
:func:`spend` just before it stores them, inside the same transaction: a code is spent only
when a response is stored, and of two tabs sending the same code exactly one succeeds.

A valid code is remembered in the (signed) session as a short-lived signed token holding the
code's keyed hash and the area it was entered for; the code itself is never kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response as HttpResponse

from surveys import access_codes as ac

from ..models import Area, Wave
from . import operations, queries

SESSION_KEY = "pulse_code"
# As long as a survey form stays valid (WTF_CSRF_TIME_LIMIT): a code outlives a slow answer.
MAX_AGE = 4 * 3600


@dataclass(frozen=True)
class Passage:
    """The outcome of :func:`admit`: go on (with the channel a code sets), or this page instead."""

    channel: str | None = None
    code_hash: str | None = None
    refusal: HttpResponse | None = None


@dataclass(frozen=True)
class Checked:
    """A typed code checked against an area: its hash when good, else a message and status."""

    code_hash: str | None = None
    message: str = ""
    status: int = 200
    other_area: Area | None = None


class CodeSpent(Exception):
    """The code was spent by another request between entering it and sending the answers."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pulse-access-code")


def remember(area: Area, hashed: str) -> None:
    session[SESSION_KEY] = _serializer().dumps({"area": area.id, "hash": hashed})


def forget() -> None:
    session.pop(SESSION_KEY, None)


def held_code(area: Area) -> str | None:
    """The hash of a code entered for ``area`` in this browser within MAX_AGE, if any."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:  # includes an expired token
        return None
    if not isinstance(data, dict) or data.get("area") != area.id:
        return None
    hashed = data.get("hash")
    return hashed if isinstance(hashed, str) else None


def _covers(code_area: Area, area: Area) -> bool:
    return code_area.id in {a.id for a in (area, *area.ancestors())}


def check(area: Area, typed: str) -> Checked:
    """Read and look up a typed code for ``area``: every failure gets its own message."""
    try:
        code = ac.parse(typed)
    except ac.CodeError as err:
        return Checked(message=_format_message(err), status=422)
    hashed = ac.code_hash(current_app.config["SECRET_KEY"], code)
    row = queries.by_hash(hashed)
    if row is None:
        return Checked(message=_("We do not recognise that code. Please check it against your "
                                 "leaflet or letter."), status=422)
    if not _covers(row.area, area):
        return Checked(message=_("This code is for the survey in %(area)s, not %(here)s.",
                                 area=row.area.name, here=area.name),
                       status=422, other_area=row.area)
    if row.used:
        return Checked(message=_("This code has already been used. Each code works once."),
                       status=409)
    return Checked(code_hash=hashed)


def _format_message(err: ac.CodeError) -> str:
    if err.reason == ac.EMPTY:
        return _("Enter the code printed on your leaflet or letter.")
    if err.reason == ac.BAD_SYMBOL:
        if set(err.detail) & ac.MISREAD:
            return _("Codes never contain 0, O, 1 or I. Please check the code against your "
                     "leaflet: it uses the digits 2 to 9 and the other letters.")
        return _("Codes use only the digits 2 to 9 and the letters A to Z. Please remove "
                 "%(chars)s.", chars=" ".join(err.detail))
    if err.reason == ac.WRONG_LENGTH:
        return _("A code has 12 letters and digits, like ABCD-EFGH-JKLM. You entered "
                 "%(n)s.", n=err.detail)
    return _("There is a typing mistake somewhere in that code. Please check each letter "
             "and digit against your leaflet.")


def admit(area: Area, wave: Wave) -> Passage:
    """May this browser see or send the questions for ``wave``? Codes set the channel."""
    held = held_code(area)
    if held is not None and wave.access != "open":
        if queries.is_used(held):
            forget()
            return Passage(refusal=spent_page(area))
        return Passage(channel="code", code_hash=held)
    if wave.access != "code":
        return Passage()
    if request.method == "GET":
        return Passage(refusal=redirect(url_for("codes.enter", code=area.code)))
    page = render_template("codes/needed.html", area=area)
    return Passage(refusal=make_response(page, 403))


def spend(passage: Passage) -> None:
    """Spend the passage's code in the current transaction, or raise :class:`CodeSpent`."""
    if passage.code_hash is None:
        return
    if not operations.spend(passage.code_hash, datetime.now(UTC).date()):
        raise CodeSpent
    forget()


def spent_page(area: Area) -> HttpResponse:
    return make_response(render_template("codes/spent.html", area=area), 409)
