"""The Exports page and its downloads. Thin: pulse.exports.operations does the work.

Estimates are for every staff role; comments and response-level data for analysts and
admins only (issue 6), so those routes answer 403 to officers and viewers. An area outside
the user's scope is 404, as everywhere. An export of more rows than its format's limit (CSV
or XLSX: operations.SYNC_ROWS) is queued and built in the background, so that no request
outlives gunicorn's timeout; its page and file are its owner's only (404 to anyone else),
its state an export_run row.
"""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, send_file,
                   stream_with_context, url_for)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.decorators import login_required, roles_required
from ..auth.scope import areas_in_scope, scoped_area_or_404
from ..extensions import db
from ..models import ExportRun
from ..models.export_run import EXPORT_DONE
from ..models.user import ADMIN, ANALYST
from . import background, runs
from . import operations as ops
from .filters import ExportFilter, parse_period
from .forms import ExportForm

bp = Blueprint("exports", __name__, url_prefix="/exports")

#: Who may take which export (the decorators below say the same for the routes).
ANALYSTS = (ADMIN, ANALYST)
KIND_ROLES = {"estimates": None, "comments": ANALYSTS, "responses": ANALYSTS}


def _form(posted: bool = False) -> ExportForm:
    # A blank form for the page; the posted one (Flask-WTF reads request.form) for a download.
    form = ExportForm() if posted else ExportForm(formdata=None)
    form.area.choices = [SelectChoice("", "—")] + [
        SelectChoice(a.code, f"{a.name} ({a.code})") for a in areas_in_scope()]
    return form


def _kinds() -> list[str]:
    return [k for k, roles in KIND_ROLES.items() if roles is None or current_user.role in roles]


def _page(failed: str | None = None, form: ExportForm | None = None, status: int = 200):
    forms = {kind: (form if kind == failed else _form()) for kind in _kinds()}
    return render_template("exports/index.html", forms=forms, failed=failed), status


@bp.get("/")
@login_required
def index():
    return _page()


def _download(kind: str):
    form = _form(posted=True)
    if not form.validate_on_submit():
        return _page(kind, form, 422)
    area = scoped_area_or_404(form.area.data) if form.area.data else None
    user = current_user._get_current_object()
    f = ExportFilter.build(area=area, user=user, period=parse_period(form.period.data),
                           date_from=form.date_from.data, date_to=form.date_to.data)
    fmt = form.format.data
    rows = ops.count(kind, f)
    if rows > ops.sync_rows(fmt, current_app.config, kind):
        run = ops.queue_run(kind, fmt, f, rows, user=user)
        db.session.commit()
        background.start(current_app._get_current_object(), run.id)
        return redirect(url_for("exports.run", token=run.token), 303)
    if fmt == "xlsx":
        fh, name, _rows = ops.build_xlsx(kind, f, user=user)
        db.session.commit()
        return send_file(fh, mimetype=ops.MIMETYPES["xlsx"], as_attachment=True,
                         download_name=name, max_age=0)
    export = ops.stream_csv(kind, f, user=user, rows=rows)
    # The audit row is committed before the first byte: a download cut short is still logged.
    db.session.commit()
    return Response(stream_with_context(export.chunks), mimetype=ops.MIMETYPES["csv"],
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})


@bp.post("/estimates")
@login_required
def estimates():
    return _download("estimates")


@bp.post("/comments")
@roles_required(*ANALYSTS)
def comments():
    return _download("comments")


@bp.post("/responses")
@roles_required(*ANALYSTS)
def responses():
    return _download("responses")


def _run_or_404(token: str) -> ExportRun:
    # Someone else's run is 404, as if it did not exist: a token confirms nothing.
    run = runs.load(token)
    if run is None or run.user_id != current_user.id:
        abort(404)
    roles = KIND_ROLES.get(run.kind)
    if roles is not None and current_user.role not in roles:
        abort(403)     # the owner's role changed since: comments and responses are analysts'
    return run


@bp.get("/runs/<token>")
@login_required
def run(token: str):
    run = _run_or_404(token)
    return render_template("exports/run.html", run=run, refresh=3,
                           waiting=runs.waiting(run), interrupted=runs.interrupted(run))


@bp.get("/runs/<token>/download")
@login_required
def download(token: str):
    run = _run_or_404(token)
    path = runs.output(run.token, run.format)
    # Only a finished run's file, renamed into place whole; a .part is never served.
    if run.status != EXPORT_DONE or not path.is_file():
        abort(404)
    return send_file(path, mimetype=ops.MIMETYPES[run.format], as_attachment=True,
                     download_name=run.filename, max_age=0)
