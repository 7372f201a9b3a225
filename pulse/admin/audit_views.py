"""The audit log page (admins): every export and pack, newest first, filtered; and its CSV."""
from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from ..audit import record
from ..auth.decorators import roles_required
from ..exports.writers import Tally, csv_chunks
from ..extensions import db
from ..models.user import ADMIN
from ..paging import page_number
from . import audit_log
from .views import bp


def _filter() -> audit_log.LogFilter:
    try:
        return audit_log.read_filter(request.values)
    except ValueError as err:
        abort(400, description=str(err))


@bp.get("/audit/")
@roles_required(ADMIN)
def audit():
    f = _filter()
    try:
        page = max(1, page_number(request.args.get("page")))
    except ValueError:
        abort(400, description="The page must be a number.")
    return render_template("admin/audit.html", f=f, pagination=audit_log.page_of(f, page),
                           actions=audit_log.actions(), params=f.params())


@bp.post("/audit/export.csv")
@roles_required(ADMIN)
def audit_csv():
    f = _filter()
    # Reading the log is itself taking data out: it is logged like any export.
    detail = " ".join(f"{k}={v}" for k, v in f.params().items())
    event = record("export.audit.csv", user=current_user._get_current_object(),
                   areas=[f.area] if f.area else [], detail=f"format=csv {detail}".strip())
    # The download lists its own row when the filters match it; count after adding it.
    db.session.flush()
    event.rows = audit_log.count(f)
    db.session.commit()
    chunks = csv_chunks(audit_log.COLUMNS, audit_log.csv_rows(f), Tally())
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="pulse-audit-log.csv"'})
