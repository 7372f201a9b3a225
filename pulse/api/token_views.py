"""Pages for personal API tokens: each user makes and revokes their own; admins revoke any.

A new token is shown once, on the page that answers the form (never flashed into the session
cookie, never logged); only its hash is kept.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..auth.decorators import login_required, roles_required
from ..extensions import db
from . import tokens

bp = Blueprint("api_tokens", __name__)
DAYS = (("30", _l("30 days")), ("90", _l("90 days")), ("365", _l("365 days")))


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), description=_l("What the token is for, e.g. \"ward dashboard\"."),
                       validators=[DataRequired(_l("Give the token a name.")),
                                   Length(max=tokens.MAX_NAME)])
    days = SelectField(_l("Valid for"), choices=[SelectChoice(v, label) for v, label in DAYS],
                       default="90")


class RevokeForm(FlaskForm):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, revoke=RevokeForm(), secret=secret,
                           tokens=tokens.tokens_of(current_user), now=_now(),
                           status_of=tokens.status), status


@bp.get("/account/tokens")
@login_required
def index():
    return _page(TokenForm())


@bp.post("/account/tokens")
@login_required
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        issued = tokens.issue(current_user, form.name.data, days=int(form.days.data), now=_now())
    except tokens.TokenError as err:
        db.session.rollback()
        form.name.errors = [str(err)]
        return _page(form, status=422)
    db.session.commit()
    return _page(TokenForm(formdata=None), secret=issued.secret, status=201)


def _revoke(token, back: str):
    """Revoke a token the caller may see (None: 404, as for a token that does not exist)."""
    if token is None:
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    tokens.revoke(token, by=current_user, now=_now())
    db.session.commit()
    flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "info")
    return redirect(url_for(back))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = tokens.token_by_id(token_id)
    # Someone else's token looks exactly like no token.
    return _revoke(token if token is not None and token.user_id == current_user.id else None,
                   ".index")


@bp.get("/admin/api-tokens")
@roles_required("admin")
def admin_index():
    return render_template("api/admin_tokens.html", rows=tokens.all_tokens(current_user),
                           revoke=RevokeForm(),
                           now=_now(), status_of=tokens.status)


@bp.post("/admin/api-tokens/<int:token_id>/revoke")
@roles_required("admin")
def admin_revoke(token_id: int):
    return _revoke(tokens.token_managed_by(token_id, current_user), ".admin_index")
