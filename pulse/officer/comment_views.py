"""Comment explorer, labelling queue, and approving quotes for publication."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import login_required, roles_required
from ..auth.scope import scoped_area_or_404
from ..dates import parse_period
from ..errors import render_error
from ..extensions import db
from ..models import Topic
from ..paging import page_number
from . import comments as cq
from . import operations as ops
from . import queries as q
from .views import bp

LABELLERS = ("admin", "analyst", "officer")
#: Where a label or approval form may send the browser back to (never an arbitrary URL).
BACK = {"comments": "officer.comments", "labelling": "officer.labelling"}


def _filters() -> cq.Filters:
    args = request.args
    area = scoped_area_or_404(args["area"]) if args.get("area") else None
    period = (args.get("period") or "").strip() or None
    if period:
        try:
            parse_period(period)
        except ValueError as error:
            abort(400, description=str(error))
    topic = None
    if args.get("topic"):
        topic = db.session.scalar(select(Topic).where(Topic.code == args["topic"]))
        if topic is None:
            abort(400, description=f"There is no topic called {args['topic']!r}.")
    confidence = args.get("confidence") or None
    if confidence and confidence not in cq.CONFIDENCE:
        abort(400, description="Confidence must be low, medium or high.")
    text = (args.get("q") or "").strip()[:200]
    return cq.Filters(area, period, topic, confidence, text)


@bp.get("/comments")
@login_required
def comments():
    filters = _filters()
    try:
        page = max(1, page_number(request.args.get("page")))
    except ValueError:
        abort(400, description="The page must be a number.")
    rows, pages = cq.search(filters, page)
    params = {k: v for k, v in request.args.items() if k != "page" and v}
    # A page past the last (an old link, a hand-typed number) is not "no comments match":
    # say so, as the overview does, and link to the last page there is.
    status = 404 if page > pages else 200
    return render_template("officer/comments.html", rows=rows, page=page, pages=pages,
                           no_such_page=status == 404, filters=filters, params=params,
                           areas=q.scoped_areas(), topics=q.topics(),
                           can_label=current_user.role in LABELLERS), status


@bp.get("/labelling")
@login_required
def labelling():
    return render_template("officer/labelling.html", rows=cq.queue(), topics=q.topics(),
                           recent=cq.recent_labels(),
                           can_label=current_user.role in LABELLERS)


def _back_url() -> str:
    where = BACK.get(request.form.get("back", ""), "officer.comments")
    query = ""
    if where == "officer.comments" and request.form.get("query"):
        # The explorer's filters, parsed and encoded afresh: raw, a line break in them would
        # split the Location header (a 500) and anything else would ride along unchecked.
        query = "?" + urlencode(parse_qsl(request.form["query"]))
    return url_for(where) + query


def _back():
    return redirect(_back_url(), 303)


@bp.post("/comments/<int:comment_id>/label")
@roles_required(*LABELLERS)
def label(comment_id: int):
    comment = cq.comment_in_scope(comment_id)
    if comment is None:
        abort(404)
    topic = db.session.scalar(select(Topic).where(Topic.code == request.form.get("topic", ""),
                                                  Topic.retired.is_(False)))
    if topic is None:
        flash("Choose one of the topics.", "error")
        return _back()
    ops.label(current_user, comment, topic)
    db.session.commit()
    flash(f"Labelled comment {comment.id} as {topic.label}.", "success")
    return _back()


@bp.post("/comments/<int:comment_id>/approve")
@roles_required(*LABELLERS)
def approve(comment_id: int):
    comment = cq.comment_in_scope(comment_id)
    if comment is None:
        abort(404)
    # Publishing a resident's words is a choice made explicitly: a form without the field
    # (or with anything else in it) once approved the quote.
    approved = request.form.get("approved")
    if approved not in ("0", "1"):
        return render_error(400, "Nothing was saved: the form must say approved=1 to approve "
                                 "this quote for publication or approved=0 to withdraw approval.",
                            back=(_back_url(), "Back to the comments"))
    try:
        ops.approve_quote(current_user, comment, approved == "1")
    except ops.ActionError as error:
        flash(str(error), "error")
        return _back()
    db.session.commit()
    flash(f"Comment {comment.id}: quote {'approved for publication' if comment.quote_approved_at else 'approval withdrawn'}.",
          "success")
    return _back()
