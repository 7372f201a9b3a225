"""POST /api/v1/responses: one completed response as JSON, sent now or later from a device queue.

Exactly once: the client makes a UUID per response and sends it as ``key``; it becomes the
response's unique ``submission_key``. A new key gets 201, a key already stored gets 200 with
the same body and writes nothing, so a queue that lost the first reply can simply send again.

No CSRF token: a page served from the offline cache may be days old, past any token's life.
Instead the request must be ``application/json`` (which a cross-site form cannot send without
a CORS preflight this app never answers), carry an ``Origin`` equal to this site's, and carry
either the signed ``started`` token of a survey page or the signed ``assist`` token of an
assisted-mode page, so only pages this site served can post.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, make_response, request, url_for
from flask_babel import gettext as _

from ..api.problems import problem
from ..auth.decorators import public
from ..codes import access as code_access
from ..extensions import csrf, db, limiter
from ..i18n import languages
from ..survey import intake, places, tokens
from ..survey.messages import error_message
from ..text import queries as text_queries
from . import queries
from .tokens import assist_token_valid

bp = Blueprint("collect_api", __name__, url_prefix="/api/v1")

KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PUBLIC_CHANNELS = ("web", "qr")


def _error(status: int, message: str, **extra):
    # The API's problem format; "error" stays for queues written against the first version.
    return problem(status, message, error=message, **extra)


def _body() -> dict | None:
    data = request.get_json(silent=True) if request.is_json else None
    return data if isinstance(data, dict) else None


def _assisted() -> bool:
    data = _body()
    return data is not None and assist_token_valid(data.get("assist"), str(data.get("area", "")))


def _same_origin() -> bool:
    return request.headers.get("Origin", "") == request.host_url.rstrip("/")


def _receipt(key: str, area_code: str, response_id: int, report: bool | None = None) -> dict:
    if report is None:  # a receipt sent again: read the flag back
        report = text_queries.response_flagged(response_id)
    return {"key": key, "area": area_code, "status": "recorded", "report": report,
            "next": url_for("survey.thanks", code=area_code, **({"report": 1} if report else {}))}


def _raw_answers(answers: object) -> dict[str, str] | None:
    """Answers as the strings a form would send; None if the shape is wrong."""
    if not isinstance(answers, dict) or len(answers) > 200:
        return None
    raw = {}
    for code, value in answers.items():
        if isinstance(value, bool) or not isinstance(value, str | int | type(None)):
            return None
        raw[str(code)] = "" if value is None else str(value)
    return raw


def _wrong_types(answers: object) -> dict[str, dict[str, str]]:
    """The questions whose value no form could send (5.0, true, a list), to name them."""
    if not isinstance(answers, dict):
        return {}
    return {str(code)[:64]: {"reason": "wrong_type"} for code, value in answers.items()
            if isinstance(value, bool) or not isinstance(value, str | int | type(None))}


def _seconds(value: object) -> float | None:
    # The time the device says the person took: the page may have come from the cache long
    # before, so the signed start time would measure the cache, not the person.
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 86400:
        return float(value)
    return None


@bp.post("/responses")
@public
@csrf.exempt  # see the module docstring: JSON only, same Origin, a signed page token
@limiter.limit(lambda: current_app.config["PULSE_SUBMIT_LIMIT"], exempt_when=_assisted)
@limiter.limit(lambda: current_app.config["PULSE_ASSIST_SUBMIT_LIMIT"])
def submit():
    if not _same_origin():
        return _error(403, _("Send answers from this site's own survey page."))
    data = _body()
    if data is None:
        return _error(400, _("Send a JSON object."))
    key = data.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        return _error(400, _("Each response needs its own key (a UUID)."),
                      errors={"key": {"reason": "invalid"}})
    code = data.get("area")
    area = (places.place(code)
            if isinstance(code, str) and len(code) <= 32 and code.isprintable() else None)
    if area is None:
        return _error(404, _("We could not find an area with the code %(code)s.",
                             code=str(code)[:32]))
    assisted = assist_token_valid(data.get("assist"), area.code)
    started = None if assisted else tokens.read_started_token(data.get("started"))
    if not assisted and started is None:
        return _error(403, _("Please open the survey page again and resend your answers."))

    previous = queries.stored(key)
    if previous is not None:
        if previous.area_code != area.code:
            return _error(409, _("This key was already used for another response."))
        return make_response(jsonify(_receipt(key, previous.area_code, previous.response_id)), 200)

    now = datetime.now(UTC)
    wave = area.open_wave(now)
    where = intake.target(area, wave) if wave is not None else None
    if where is None:
        return _error(410, _("The survey for %(area)s is closed.", area=area.name))
    raw = _raw_answers(data.get("answers"))
    if raw is None:
        wrong = _wrong_types(data.get("answers"))
        return _error(400, _("Send the answers as an object of question codes and values."),
                      **({"errors": wrong} if wrong else {}))
    submission = intake.from_json(where, raw)
    if not submission.ok:
        errors = {code: {"reason": err.reason, "message": error_message(err)}
                  for code, err in submission.errors.items()}
        return _error(422, _("Some answers need checking."), errors=errors)

    passage = code_access.Passage()
    if not assisted:
        passage = code_access.admit(area, wave)
        if passage.refusal is not None:
            return _error(403, _("This survey needs a code from a leaflet or letter."))
    via = data.get("via")
    channel = ("assisted" if assisted else passage.channel
               or (via if via in PUBLIC_CHANNELS else "web"))
    language = data.get("language") if data.get("language") in languages() else "en"
    website = data.get("website")
    meta = intake.meta(
        where, submission, now=now, language=language, channel=channel,
        # Assisted responses come from one tablet for many residents: no device hash.
        device_hash=None if assisted else tokens.device_hash(request), submission_key=key,
        seconds=_seconds(data.get("seconds")),
        honeypot=website if isinstance(website, str) else None)
    try:
        added = intake.receive(where, submission, meta, passage)
        db.session.commit()
    except code_access.CodeSpent:
        return _error(409, _("This code has already been used."))
    except intake.Duplicate:
        # The same key sent twice at once (the other request stored it), or this device has
        # already answered this wave.
        previous = queries.stored(key)
        if previous is None:
            return _error(409, _("You have already answered this survey. Thank you."))
        if previous.area_code != where.area_code:
            return _error(409, _("This key was already used for another response."))
        return make_response(jsonify(_receipt(key, previous.area_code, previous.response_id)),
                             200)
    response = make_response(
        jsonify(_receipt(key, where.area_code, added.response_id, added.flagged)), 201)
    if not assisted:
        tokens.remember_answered(request, response, where.answered_key)
    return response
