"""Entering a single-use code: /s/<area>/code, then on to the survey's consent page."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import limiter
from ..survey import queries as survey_queries
from ..survey.forms import refuse_odd_body
from . import access
from .forms import CodeForm

bp = Blueprint("codes", __name__, url_prefix="/s")


@bp.route("/<code>/code", methods=["GET", "POST"])
# Guessing is futile at 55 bits a code, and a limit per client keeps it so.
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def enter(code: str):
    # As the survey's own pages do: a code no area could have never reaches the database.
    area = survey_queries.active_area(code) if len(code) <= 32 and code.isprintable() else None
    if area is None:
        abort(404, description=_("We could not find an area with the code %(code)s.", code=code))
    wave = survey_queries.open_wave(area, datetime.now(UTC))
    if wave is None:
        return make_response(render_template("survey/closed.html", area=area), 410)
    if wave.access == "open":
        return render_template("codes/not_needed.html", area=area)

    if request.method == "POST":
        refuse_odd_body()
    form = CodeForm()
    checked = None
    status = 200
    if form.validate_on_submit():
        checked = access.check(area, form.code.data or "")
        if checked.code_hash is not None:
            access.remember(area, checked.code_hash)
            return redirect(url_for("survey.intro", code=area.code))
        form.code.errors = [checked.message]
        status = checked.status
    elif form.errors:
        status = 400
    page = render_template("codes/enter.html", area=area, form=form, checked=checked)
    return make_response(page, status)
