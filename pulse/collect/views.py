"""Assisted mode, and the web app's manifest and service worker.

An officer signed in on a tablet opens /assist/<area> and reads the questions to resident
after resident. Each response is stored with the channel "assisted" and nothing about the
officer or the tablet: no user id, no device hash. After each one the form comes back empty.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, make_response, redirect,
                   render_template, request, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _

from ..auth.decorators import public, roles_required
from ..auth.scope import scoped_area_or_404
from ..extensions import db
from ..models.user import ADMIN, OFFICER
from ..survey import intake
from ..survey import queries as survey_queries
from ..survey import tokens as survey_tokens
from ..survey.forms import CONTROL_FIELDS, form_class_for, refuse_odd_body
from .tokens import new_assist_token

bp = Blueprint("collect", __name__)


@bp.route("/assist/<code>", methods=["GET", "POST"])
@roles_required(OFFICER, ADMIN)
def assist(code: str):
    area = scoped_area_or_404(code)
    now = datetime.now(UTC)
    wave = survey_queries.open_wave(area, now)
    if wave is None:
        return make_response(render_template("survey/closed.html", area=area), 410)
    where = intake.target(area, wave)
    if where is None:
        abort(410)
    definition = where.definition
    language = str(get_locale())
    form = form_class_for(where.version.id, where.version.digest, definition)()
    if request.method == "POST":
        refuse_odd_body()
        unknown = sorted(set(request.form) - CONTROL_FIELDS - set(definition.codes))
        if unknown:
            abort(400, description=_("This survey has no question called %(code)s.",
                                     code=", ".join(unknown)[:80]))
    # Another language chosen from the header: the answers shown again in it, not stored.
    switching = request.method == "POST" and "switch_lang" in request.form
    if not switching and form.validate_on_submit():
        started = survey_tokens.read_started_token(form.started.data)
        submission = form.submission()
        # One tablet for many residents: no device hash, and nothing about the officer.
        meta = intake.meta(
            where, submission, now=now, language=language, channel="assisted",
            device_hash=None, submission_key=started[0] if started else None,
            seconds=started[1] if started else None, honeypot=form.website.data)
        try:
            added = intake.receive(where, submission, meta)
            db.session.commit()
        except intake.Duplicate:
            # The same form sent twice (a double tap): the first copy is stored.
            return redirect(url_for(".assist", code=where.area_code, saved=1))
        report = {"report": 1} if added.flagged else {}
        return redirect(url_for(".assist", code=where.area_code, saved=1, **report))

    status = 200
    if form.errors:
        status = 400 if "csrf_token" in form.errors else 422
    elif request.method == "GET":
        form.started.data = survey_tokens.new_started_token()
        form.via.data = "assisted"
    page = render_template("collect/assist.html", area=area, form=form, definition=definition,
                           language=language, assist_token=new_assist_token(area.code),
                           saved=request.args.get("saved") == "1",
                           report=request.args.get("report") == "1")
    return make_response(page, status)


def _static_file(name: str, mimetype: str, cache_control: str) -> Response:
    # Read whole (both are tiny) rather than streamed: nothing is left open if a caller
    # never reads the body.
    body = (Path(current_app.static_folder) / name).read_bytes()
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = cache_control
    return response


@bp.get("/sw.js")
@public
def service_worker():
    # Served from the root so that its scope covers both /s/ and /assist/; no-cache so a new
    # version reaches devices on their next visit.
    return _static_file("sw.js", "text/javascript", "no-cache")


@bp.get("/manifest.webmanifest")
@public
def manifest():
    return _static_file("manifest.webmanifest", "application/manifest+json", "max-age=3600")
