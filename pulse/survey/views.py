"""Resident survey views: thin, each validating input and calling one operation."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import (Blueprint, abort, current_app, jsonify, make_response, redirect,
                   render_template, request, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _

from surveys import geo
from surveys.core import CORE

from ..codes import access as code_access
from ..extensions import csrf, db, limiter
from ..i18n import long_date
from . import intake, places, queries, summary, tokens
from .forms import CONTROL_FIELDS, form_class_for, refuse_odd_body, valid_submission

bp = Blueprint("survey", __name__, url_prefix="/s")

PUBLIC_CHANNELS = {"qr": "qr", "web": "web"}
CORE_CODES = frozenset(CORE.codes)
#: Areas listed on the page for choosing one; past this a resident searches.
CHOOSE_LIMIT = 60


def _now() -> datetime:
    return datetime.now(UTC)


def _area_or_404(code: str, load=places.place):
    """The cached :class:`~.places.Place` by default; pages that walk the tree pass the ORM's."""
    # A code no area could have (too long for the column, or holding a NUL that PostgreSQL
    # refuses) is answered here rather than passed to the database.
    area = load(code) if len(code) <= 32 and code.isprintable() else None
    if area is None:
        abort(404, description=_("We could not find an area with the code %(code)s.", code=code))
    return area


def _channel() -> str:
    return PUBLIC_CHANNELS.get(request.values.get("via", "web"), "web")


def _closed(area, now: datetime):
    """410 for a survey that is over; 403 and its opening date for one not yet open."""
    upcoming = queries.next_wave_among(area.lineage, now)
    if upcoming is not None:
        page = render_template("survey/upcoming.html", area=area,
                               opens_on=long_date(upcoming.opens_at))
        return make_response(page, 403)
    page = render_template("survey/closed.html", area=area)
    return make_response(page, 410)


def _already(area):
    page = render_template("survey/already.html", area=area)
    return make_response(page, 409)


@bp.get("/")
def choose():
    search = "".join(ch for ch in request.args.get("q", "")[:100] if ch.isprintable())
    # One more than is shown, to know whether the list stops short of every area.
    areas = places.choosable(search, limit=CHOOSE_LIMIT + 1)
    return render_template("survey/choose.html", areas=areas[:CHOOSE_LIMIT], search=search,
                           more=len(areas) > CHOOSE_LIMIT, shown=CHOOSE_LIMIT)


@bp.post("/locate")
@csrf.exempt  # reads nothing private and writes nothing; a JSON body, never a cookie action
@limiter.limit("30 per minute")
def locate():
    """Find the area containing a point. The point is used once and never stored or logged."""
    data = request.get_json(silent=True) or {}
    try:
        if isinstance(data["lat"], bool) or isinstance(data["lon"], bool):
            raise TypeError("true is not a latitude")
        lat, lon = float(data["lat"]), float(data["lon"])
    # OverflowError: a JSON integer of hundreds of digits has no float.
    except (KeyError, TypeError, ValueError, OverflowError):
        return jsonify(error=_("Send a latitude and longitude.")), 400
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return jsonify(error=_("That location is not on Earth.")), 400
    for area in queries.areas_with_boundaries():
        if not area.children and geo.contains(area.boundary, lon, lat):
            return jsonify(code=area.code, name=area.name,
                           url=url_for(".intro", code=area.code))
    return jsonify(error=_("We do not run a survey where you are. Please choose from the list.")), 404


@bp.get("/<code>")
def intro(code: str):
    area = _area_or_404(code)
    now = _now()
    wave = area.open_wave(now)
    if wave is None:
        return _closed(area, now)
    # Local questions are told before consent too: the page's fixed words count the core's.
    where = intake.target(area, wave)
    local = sum(q.code not in CORE_CODES for q in where.definition.questions) if where else 0
    return render_template("survey/intro.html", area=area, via=_channel(), local=local)


@bp.route("/<code>/questions", methods=["GET", "POST"])
# The form checks its own CSRF token so that an expired token re-renders the page with every
# answer kept, instead of the global check's bare 400 that would lose them.
@csrf.exempt
@limiter.limit(lambda: current_app.config["PULSE_SUBMIT_LIMIT"], methods=["POST"],
               on_breach=lambda _limit: _questions(request.view_args["code"], limited=True))
def questions(code: str):
    return _questions(code)


def _questions(code: str, limited: bool = False):
    """The survey page; ``limited``: a POST over the submit limit, shown again unstored.

    Residents behind one shared address (a mobile carrier's, a library's wifi) can meet the
    limit honestly, so they get their answers back with a message, not a bare 429 page.
    Flask-Limiter raises its 429 carrying this response (pulse/errors.py answers with it) and
    adds Retry-After.
    """
    area = _area_or_404(code)
    now = _now()
    wave = area.open_wave(now)
    if wave is None:
        return _closed(area, now)
    if tokens.answered_key(area.id, wave.id) in tokens.answered_keys(request):
        return _already(area)
    passage = code_access.admit(area, wave)  # code-only waves; a code sets the channel
    if passage.refusal is not None:
        return passage.refusal
    if request.method == "GET" and request.args.get("consent") != "yes":
        via = _channel()
        return redirect(url_for(".intro", code=area.code, **({"via": via} if via != "web" else {})))
    where = intake.target(area, wave)
    if where is None:
        abort(410)
    definition = where.definition
    language = str(get_locale())
    form_class = form_class_for(where.version.id, where.version.digest, definition)
    form = submission = None

    if request.method == "POST":
        refuse_odd_body()
        unknown = sorted(set(request.form) - CONTROL_FIELDS - set(definition.codes))
        if unknown:
            abort(400, description=_("This survey has no question called %(code)s.",
                                     code=", ".join(unknown)[:80]))
        if "switch_lang" in request.form or limited:
            # Another language chosen from the header: the same answers shown again in it
            # (the page's ?lang= chose it), neither checked nor stored.
            form = form_class()
        else:
            # The form is built only when something is wrong, to show what and keep the answers.
            submission = valid_submission(definition)
            if submission is None:
                form = form_class()
                if form.validate_on_submit():
                    submission = form.submission()
    if submission is not None:
        started = tokens.read_started_token(request.form.get("started"))
        meta = intake.meta(
            where, submission, now=now, language=language,
            channel=passage.channel or _channel(), device_hash=tokens.device_hash(request),
            submission_key=started[0] if started else None,
            seconds=started[1] if started else None, honeypot=request.form.get("website"))
        try:
            added = intake.receive(where, submission, meta, passage)
            db.session.commit()
        except code_access.CodeSpent:
            return code_access.spent_page(area)
        except intake.Duplicate:
            # The same form submitted twice (a double tap, a retried request), or this device
            # already answered this wave: the first copy is stored, this one is not.
            return _already(area)
        # A comment that tells of a crime or a risk gets the how-to-report message first.
        report = {"report": 1} if added.flagged else {}
        response = redirect(url_for(".thanks", code=where.area_code, **report))
        tokens.remember_answered(request, response, where.answered_key)
        return response

    if form is None:
        form = form_class()
    status = 429 if limited else 200
    if form.errors:
        status = 400 if "csrf_token" in form.errors else 422
    else:
        # A language switch keeps the start of the form it came from: the completion time
        # (and the flag for answering too fast) is the resident's, not the time since the switch.
        if request.method == "GET" or tokens.read_started_token(form.started.data) is None:
            form.started.data = tokens.new_started_token()
        form.via.data = _channel()
    page = render_template("survey/questions.html", area=area, form=form,
                           definition=definition, language=language, limited=limited)
    response = make_response(page, status)
    tokens.ensure_device_cookie(request, response)
    return response


@bp.get("/<code>/thanks")
def thanks(code: str):
    area = _area_or_404(code, queries.active_area)
    figures = summary.recent_figures(area, _now(), current_app.config["PULSE_MIN_RESPONSES"])
    return render_template("survey/thanks.html", area=area, figures=figures,
                           report=request.args.get("report") == "1")
