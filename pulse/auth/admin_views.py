"""User administration for admins: list, create, edit role and areas, disable, issue resets."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import (Blueprint, abort, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models.user import ADMIN
from . import operations as ops
from . import queries
from .decorators import roles_required
from .links import reset_link
from .forms import EditUserForm, IssueResetForm, UserForm

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def _now() -> datetime:
    return datetime.now(UTC)


def _user_or_404(user_id: int):
    # An account a scoped admin may not manage reads exactly as one that does not exist.
    user = queries.user_managed_by(user_id, current_user)
    if user is None:
        abort(404)
    return user


def _show_link(user, token: str, created: bool):
    page = render_template("admin/user_link.html", user=user, link=reset_link(token),
                           created=created)
    response = make_response(page)
    # The link is shown once; keep it out of caches and of any Referer header.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _resolve_areas(form) -> list | None:
    areas, missing = queries.areas_by_codes(form.area_codes)
    if missing:
        form.areas.errors.append(_("No area has the code %(codes)s.", codes=", ".join(missing)[:200]))
        return None
    return areas


@bp.get("/")
@roles_required(ADMIN)
def index():
    return render_template("admin/users.html", users=queries.users_managed_by(current_user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def create():
    form = UserForm()
    if form.validate_on_submit() and (areas := _resolve_areas(form)) is not None:
        try:
            user = ops.create_user(form.email.data, form.role.data, areas, name=form.name.data or "",
                                   totp_required=form.totp_required.data, now=_now(),
                                   actor=current_user)
            token = ops.issue_reset(user, _now(), issued_by=current_user)
        except ops.AccountError as err:
            db.session.rollback()
            getattr(form, err.field or "email").errors.append(str(err))
        else:
            db.session.commit()
            return _show_link(user, token, created=True)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(user_id: int):
    user = _user_or_404(user_id)
    form = EditUserForm(obj=user)
    if not form.is_submitted() or "areas" not in request.form:
        # The box holds codes as text. Left out of a POST, WTForms would keep the user's own
        # list of areas there (the object's attribute): the areas stay as they are instead.
        form.areas.data = " ".join(a.code for a in user.areas)
    if form.validate_on_submit() and (areas := _resolve_areas(form)) is not None:
        try:
            ops.update_user(user, role=form.role.data, areas=areas, name=form.name.data or "",
                            totp_required=form.totp_required.data, now=_now(),
                            actor=current_user)
        except ops.AccountError as err:
            db.session.rollback()
            getattr(form, err.field or "role").errors.append(str(err))
        else:
            db.session.commit()
            flash(_("Saved the changes to %(email)s.", email=user.email), "success")
            return redirect(url_for(".index"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=user,
                           reset_form=IssueResetForm()), status


@bp.post("/<int:user_id>/disable")
@roles_required(ADMIN)
def disable(user_id: int):
    return _set_disabled(_user_or_404(user_id), True)


@bp.post("/<int:user_id>/enable")
@roles_required(ADMIN)
def enable(user_id: int):
    return _set_disabled(_user_or_404(user_id), False)


def _set_disabled(user, disabled: bool):
    try:
        ops.set_disabled(user, disabled, _now())
    except ops.AccountError as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".edit", user_id=user.id))
    db.session.commit()
    flash(_("%(email)s is disabled and signed out everywhere.", email=user.email) if disabled
          else _("%(email)s can sign in again.", email=user.email), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:user_id>/reset")
@roles_required(ADMIN)
def reset(user_id: int):
    user = _user_or_404(user_id)
    form = IssueResetForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        token = ops.issue_reset(user, _now(), issued_by=current_user,
                                clear_totp=form.clear_totp.data)
    except ops.AccountError as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".edit", user_id=user.id))
    db.session.commit()
    return _show_link(user, token, created=False)
