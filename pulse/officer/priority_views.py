"""Suggested priorities, decisions on them and the actions that follow, per area."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from analysis.periods import KINDS, Period

from ..auth.decorators import login_required, roles_required
from ..auth.scope import area_in_scope, scoped_area_or_404
from ..errors import render_error
from ..extensions import db
from ..formbody import takes_long_text
from ..models import ACTION_STATUSES, Action, Area, Topic
from ..responses.queries import area_and_below
from . import kinds
from . import operations as ops
from . import priorities as pq
from . import queries as q
from .views import bp

EDITORS = ("admin", "analyst", "officer")


def _period(kind: str, area_ids: list[int]) -> Period | None:
    latest = q.latest_period(kind, area_ids)
    return Period(kind, latest[1]) if latest else None


def _page(area: Area, kind: str, kept: dict | None = None):
    """The priorities page; ``kept`` holds a refused decision's typed values to show again."""
    ids = area_and_below(area)
    period = _period(kind, ids)
    return render_template(
        "officer/priorities.html", area=area, kind=kind, kinds=kinds.KIND_LABELS, period=period,
        suggestions=pq.suggestions(ids, period) if period else [],
        decisions=pq.decisions(ids), actions=pq.actions(ids), statuses=ACTION_STATUSES,
        can_edit=current_user.role in EDITORS, kept=kept, limits=ops.LIMITS)


def _back_from_address(view_args: dict) -> str | None:
    """The priorities page a form too large to read was sent from, named in the form's address
    (``code`` or ``?page=``, and ``?kind=``): its body, and the same fields in it, is never read.
    None when the address names no page (the error page then leads to the overview)."""
    code = view_args.get("code") or request.args.get("page")
    if not code:
        return None
    kind = request.args.get("kind")
    return url_for("officer.priorities", code=code, kind=kind if kind in KINDS else None)


@bp.get("/area/<code>/priorities")
@login_required
def priorities(code: str):
    area = scoped_area_or_404(code)
    return _page(area, kinds.kind_asked(kinds.PRIORITIES))


@bp.post("/area/<code>/priorities")
@takes_long_text(back=_back_from_address)
@roles_required(*EDITORS)
def decide(code: str):
    area = scoped_area_or_404(code)
    kind = kinds.kind_asked(kinds.PRIORITIES, form=True,
                            back=url_for("officer.priorities", code=code))
    ids = area_and_below(area)
    period = _period(kind, ids)
    target = db.session.scalar(select(Area).where(Area.code == request.form.get("area", "")))
    topic = db.session.scalar(select(Topic).where(Topic.code == request.form.get("topic", "")))
    if target is None or target.id not in ids or topic is None or period is None:
        abort(404)
    # The suggestion is worked out again here: a score posted by the browser is never trusted.
    match = [s for s in pq.suggestions(ids, period)
             if s.area_code == target.code and s.topic_code == topic.code]
    if not match:
        # A second click on Accept or Dismiss lands here: lead back to the page it came from,
        # where the decision made by the first click is listed.
        return render_error(409, "This suggestion has already been decided or is no longer "
                                 "made.",
                            back=(url_for("officer.priorities", code=code, kind=kind),
                                  f"Back to the priorities for {area.name}"))
    try:
        if request.form.get("decision") == "accept":
            ops.accept(current_user, target, topic, period.label, match[0],
                       owner=request.form.get("owner", ""), due=request.form.get("due", ""),
                       notes=request.form.get("notes", ""),
                       public=request.form.get("public") == "1",
                       public_text=request.form.get("public_text", ""))
            message = f"Accepted: {topic.label} in {target.name} is now an action."
        elif request.form.get("decision") == "dismiss":
            ops.dismiss(current_user, target, topic, period.label, match[0],
                        request.form.get("reason", ""))
            message = f"Dismissed: {topic.label} in {target.name}."
        else:
            abort(400, description="Choose accept or dismiss.")
    except ops.ActionError as error:
        db.session.rollback()
        flash(str(error), "error")
        # Shown again rather than redirected: a redirect would drop the owner, notes and words
        # for residents the officer had typed, for one missing field.
        kept = {"area": target.code, "topic": topic.code,
                "decision": request.form.get("decision"), "form": request.form,
                "field": error.field, "error": str(error)}
        return _page(area, kind, kept), 422
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("officer.priorities", code=code, kind=kind), 303)


@bp.post("/actions/<int:action_id>")
@takes_long_text(back=_back_from_address)
@roles_required(*EDITORS)
def update_action(action_id: int):
    action = db.session.get(Action, action_id)
    if action is None or not area_in_scope(action.area_id):
        abort(404)
    # Back to the page the form was on (a borough's page lists its wards' actions too), with
    # its period type; the action's own area when that page is not named, not in scope, or
    # does not list the action (a sibling's or a neighbourhood's below it).
    page = db.session.scalar(select(Area).where(Area.code == request.form.get("page", "")))
    lists_it = page is not None and (page.id == action.area_id or page.id in {
        a.id for a in action.area.ancestors()})
    if not lists_it or not area_in_scope(page.id):
        page = action.area
    kind = kinds.kind_asked(kinds.PRIORITIES, form=True,
                            back=url_for("officer.priorities", code=page.code))
    try:
        ops.update_action(action, status=request.form.get("status", ""),
                          notes=request.form.get("notes", ""),
                          public=request.form.get("public") == "1",
                          public_text=request.form.get("public_text", ""),
                          due=request.form.get("due"))
    except ops.ActionError as error:
        db.session.rollback()
        flash(str(error), "error")
        # Shown again with what was typed, which a redirect would replace by the stored values.
        return _page(page, kind, {"action": action.id, "form": request.form,
                                  "field": error.field, "error": str(error)}), 422
    db.session.commit()
    flash("Action updated.", "success")
    return redirect(url_for("officer.priorities", code=page.code, kind=kind), 303)
