"""Briefing packs in the browser: ask for one, watch its progress, download it.

Who may do what (README "Briefing packs"): admins, analysts and officers may start a build
for an area in their scope; anyone signed in, viewers included, may watch and download a
pack whose area is in their scope, since a pack holds only published (suppressed) figures
and approved, redacted quotes that the area page shows them already. Outside the scope
everything is 404, as if the run did not exist. Downloads are audited.
"""
from __future__ import annotations

from pathlib import Path

from flask import (Blueprint, abort, current_app, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from analysis.periods import KINDS

from .. import audit
from ..auth.decorators import login_required, roles_required
from ..auth.scope import area_in_scope, scoped_area_or_404
from ..extensions import db
from ..models import Area, PackRun
from ..models.pack import PACK_DONE, PACK_FAILED
from ..officer import queries as q
from ..responses.queries import area_and_below
from . import background
from .content import PackError
from .operations import pack_folder, queue_run

# Full paths, no prefix: officers' pages live under /officer/, the subscriptions page under
# /admin/packs/ beside the rest of the admin console.
bp = Blueprint("packs", __name__)

BUILDERS = ("admin", "analyst", "officer")
REFRESH_SECONDS = 2


def _choices(area: Area) -> list[str]:
    """Periods with figures for the area (or below it), newest first, by kind."""
    ids = area_and_below(area)
    out = []
    for kind, limit in (("month", 12), ("quarter", 4), ("r12", 3)):
        latest = q.latest_period(kind, ids)
        earliest = q.earliest_period(kind, ids) if latest else None
        out += q.periods_of_kind(kind, latest[1] if latest else None, limit,
                                 earliest_end=earliest[1] if earliest else None)
    return out


def _has_children(area: Area) -> bool:
    return len(area_and_below(area)) > 1


@bp.get("/officer/area/<code>/pack")
@roles_required(*BUILDERS)
def request_form(code: str):
    area = scoped_area_or_404(code)
    return render_template("packs/request.html", area=area, periods=_choices(area),
                           bulk=_has_children(area), error=None)


@bp.post("/officer/area/<code>/pack")
@roles_required(*BUILDERS)
def request_pack(code: str):
    area = scoped_area_or_404(code)
    period = (request.form.get("period") or "").strip()
    kind = request.form.get("kind") or "single"
    try:
        if kind not in ("single", "bulk"):
            raise PackError("choose one pack or one per neighbourhood")
        run = queue_run(current_user, area, period, kind)
    except PackError as err:
        db.session.rollback()
        return render_template("packs/request.html", area=area, periods=_choices(area),
                               bulk=_has_children(area), error=str(err)), 422
    db.session.commit()
    # The build runs in a background thread; this response returns straight away.
    background.start(current_app._get_current_object(), run.id)
    return redirect(url_for("packs.run", run_id=run.id), 303)


def _run_or_404(run_id: int) -> PackRun:
    run = db.session.get(PackRun, run_id)
    if run is None or not area_in_scope(run.area_id):
        abort(404)
    return run


@bp.get("/officer/packs/<int:run_id>")
@login_required
def run(run_id: int):
    run = _run_or_404(run_id)
    area = db.session.get(Area, run.area_id)
    waiting = run.status not in (PACK_DONE, PACK_FAILED)
    return render_template("packs/run.html", run=run, area=area, waiting=waiting,
                           refresh=REFRESH_SECONDS, kinds=KINDS)


@bp.get("/officer/packs/<int:run_id>/download")
@login_required
def download(run_id: int):
    run = _run_or_404(run_id)
    if run.status != PACK_DONE or not run.path:
        abort(409, description=_("This pack is not ready yet."))
    folder = pack_folder().resolve()
    path = Path(run.path).resolve()
    # Only files this feature wrote, in the pack folder, are ever sent.
    if folder not in path.parents or not path.is_file():
        abort(410, description=_("This pack's file is no longer available."))
    area = db.session.get(Area, run.area_id)
    audit.record("pack.download", user=current_user, areas=[area.code], period=run.period,
                 detail=f"run {run.id}, {path.name}")
    db.session.commit()
    name = path.name.split("-", 2)[-1] if path.name.startswith("run-") else path.name
    return send_file(path, as_attachment=True, download_name=name,
                     mimetype="application/zip" if path.suffix == ".zip" else "application/pdf")


from . import admin_views  # noqa: E402,F401  (the subscriptions page, on this blueprint)
