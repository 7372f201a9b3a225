"""Admin console views: thin; the writes are in operations.py, the reads in queries.py."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..instruments.operations import ensure_core
from ..models import Area
from ..models.user import ADMIN
from ..auth.decorators import roles_required
from ..auth.scope import restrict_to_scope
from . import operations as ops
from . import queries
from .forms import CloseWaveForm, OpenWaveForm, ReviewForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("/")
@roles_required(ADMIN)
def index():
    return render_template("admin/console.html")


@bp.get("/responses/flagged")
@roles_required(ADMIN)
def flagged():
    return render_template("admin/flagged.html", responses=queries.flagged_responses())


def _review_page(response, form, status=200):
    return render_template("admin/review.html", response=response, form=form,
                           comments=queries.redacted_comments(response),
                           reviews=queries.reviews_of(response)), status


@bp.get("/responses/<int:response_id>")
@roles_required(ADMIN)
def review(response_id: int):
    response = queries.response_in_scope(response_id) or abort(404)
    return _review_page(response, ReviewForm())


@bp.post("/responses/<int:response_id>/exclude")
@roles_required(ADMIN)
def exclude(response_id: int):
    return _decide(response_id, True)


@bp.post("/responses/<int:response_id>/restore")
@roles_required(ADMIN)
def restore(response_id: int):
    return _decide(response_id, False)


def _decide(response_id: int, excluded: bool):
    response = queries.response_in_scope(response_id) or abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            ops.set_excluded(response, excluded, form.reason.data, by=current_user, now=_now())
        except ops.ReviewError as err:
            db.session.rollback()
            form.reason.errors.append(str(err))
        else:
            db.session.commit()
            flash(_("Response %(id)s is excluded; estimates change on the next aggregation.",
                    id=response.id) if excluded else
                  _("Response %(id)s counts again; estimates change on the next aggregation.",
                    id=response.id), "success")
            return redirect(url_for(".review", response_id=response.id))
    return _review_page(response, form, 422)


def _wave_form() -> OpenWaveForm:
    form = OpenWaveForm()
    form.area.choices = [SelectChoice("", _("Choose an area"))] + [
        SelectChoice(a.code, f"{a.name} ({a.code})") for a in queries.active_areas()]
    return form


def _waves_page(form, status=200):
    return render_template("admin/waves.html", waves=queries.all_waves(), form=form,
                           counts=queries.counted_per_wave(), now=_now(),
                           close_form=CloseWaveForm()), status


@bp.get("/waves/")
@roles_required(ADMIN)
def waves():
    return _waves_page(_wave_form())


@bp.post("/waves/")
@roles_required(ADMIN)
def open_wave():
    form = _wave_form()
    if form.validate_on_submit():
        # Outside the admin's areas reads exactly as "no such area".
        area = db.session.scalar(restrict_to_scope(db.select(Area).where(Area.code == form.area.data),
                                                   Area.id))
        try:
            if area is None:
                raise ValueError(_("No area has that code."))
            wave = ops.start_wave(area, ensure_core().instrument, name=form.name.data.strip(),
                                  access=form.access.data, target=form.target.data,
                                  closes_at=None, now=_now())
        except ValueError as err:
            db.session.rollback()
            form.area.errors.append(str(err))
        else:
            db.session.commit()
            flash(_("Collection is open for %(area)s.", area=area.name), "success")
            return redirect(url_for(".wave", wave_id=wave.id))
    return _waves_page(form, 422)


@bp.get("/waves/<int:wave_id>")
@roles_required(ADMIN)
def wave(wave_id: int):
    found = queries.wave_in_scope(wave_id) or abort(404)
    return render_template("admin/wave.html", progress=queries.wave_progress(found), now=_now(),
                           close_form=CloseWaveForm())


@bp.post("/waves/<int:wave_id>/close")
@roles_required(ADMIN)
def close_wave(wave_id: int):
    found = queries.wave_in_scope(wave_id) or abort(404)
    form = CloseWaveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ops.stop_wave(found, _now())
    except ValueError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        db.session.commit()
        flash(_("Collection for %(name)s is closed.", name=found.name), "success")
    return redirect(url_for(".wave", wave_id=found.id))


# The area pages add their routes to this blueprint.
from . import area_views, instrument_views, local_views  # noqa: E402,F401
from . import audit_views  # noqa: E402,F401  (the audit log page)
