"""The admin page for scheduled packs: list, add and stop subscriptions within the admin's scope."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..auth.scope import area_in_scope, areas_in_scope
from ..extensions import db
from ..models import Area, PackSubscription
from ..models.pack import PACK_FREQUENCIES
from . import subscriptions as subs
from .content import PackError
from .views import bp


def _page(error: str | None = None, status: int = 200):
    rows = [(s, a) for s, a in subs.listing(active_only=False) if area_in_scope(a)]
    return render_template("packs/subscriptions.html", rows=rows, areas=areas_in_scope(),
                           frequencies=PACK_FREQUENCIES, error=error), status


@bp.get("/admin/packs/")
@roles_required("admin")
def subscriptions():
    return _page()


@bp.post("/admin/packs/")
@roles_required("admin")
def subscribe():
    code = (request.form.get("area") or "").strip()
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None or not area_in_scope(area):
        return _page(f"There is no area {code!r} in your areas.", 422)
    try:
        row = subs.subscribe(area.code, request.form.get("frequency", ""),
                             request.form.get("email_to", ""), user=current_user)
    except PackError as err:
        db.session.rollback()
        return _page(str(err)[:1].upper() + str(err)[1:] + ".", 422)
    db.session.commit()
    flash(f"{area.name}: {row.frequency} pack subscribed.", "success")
    return redirect(url_for("packs.subscriptions"), 303)


@bp.post("/admin/packs/<int:subscription_id>/stop")
@roles_required("admin")
def stop(subscription_id: int):
    row = db.session.get(PackSubscription, subscription_id)
    if row is None or not area_in_scope(row.area_id):
        abort(404)
    try:
        subs.unsubscribe(subscription_id)
    except PackError as err:
        flash(str(err), "error")
        return redirect(url_for("packs.subscriptions"), 303)
    db.session.commit()
    flash(f"Subscription {subscription_id} stopped.", "success")
    return redirect(url_for("packs.subscriptions"), 303)
