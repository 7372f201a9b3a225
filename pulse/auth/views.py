"""Sign in and out, the account page, the second factor and password resets. Views stay thin."""
from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, make_response, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from . import operations as ops
from . import queries, sessions, totp
from .decorators import login_required, public
from .forms import ChangePasswordForm, CodeForm, LoginForm, NewPasswordForm, RemoveTotpForm

bp = Blueprint("auth", __name__)

#: Signed-in session key for a user who passed the password step and owes a code.
PENDING_KEY = "_pulse_2fa"
PENDING_SECONDS = 300

login_limit = limiter.shared_limit(lambda: current_app.config["PULSE_LOGIN_LIMIT"],
                                   scope="sign-in", methods=["POST"])


def _now() -> datetime:
    return datetime.now(UTC)


def _safe_next(target: str | None) -> str:
    """Only a path on this site; never another host (open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("officer.index")


def _locked_message(locked) -> str:
    minutes = max(1, int(-(-locked.total_seconds() // 60)))
    return _("Too many failed attempts. Please wait %(n)d minute(s) and try again.", n=minutes)


def _fresh_session() -> None:
    """Empty the session, keeping only the chosen language: nothing else survives sign-in."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _complete_sign_in(user, next_url: str | None):
    _fresh_session()  # a new session, not a promoted one (session fixation)
    token = ops.sign_in(user, _now())
    db.session.commit()
    login_user(user, remember=False)
    session[sessions.SESSION_KEY] = token
    return redirect(_safe_next(next_url))


@bp.route("/login", methods=["GET", "POST"])
@public
@login_limit
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        outcome = ops.authenticate(form.email.data, form.password.data, _now())
        db.session.commit()
        if outcome.ok and outcome.user.totp_enabled:
            _fresh_session()
            session[PENDING_KEY] = {"uid": outcome.user.id, "at": int(time.time())}
            return redirect(url_for(".code", next=request.args.get("next")))
        if outcome.ok:
            return _complete_sign_in(outcome.user, request.args.get("next"))
        form.password.errors.append(_locked_message(outcome.locked_for) if outcome.locked_for
                                    else _("That email address and password do not match an "
                                           "account."))
        status = 429 if outcome.locked_for else 200
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


def _pending_user():
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = queries.user_by_id(int(pending.get("uid", 0)))
    return user if user is not None and user.is_active and user.totp_enabled else None


@bp.route("/login/code", methods=["GET", "POST"])
@public
@login_limit
def code():
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for(".login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        outcome = ops.check_second_factor(user, form.code.data, _now())
        db.session.commit()
        if outcome.ok:
            return _complete_sign_in(user, request.args.get("next"))
        form.code.errors.append(_locked_message(outcome.locked_for) if outcome.locked_for
                                else _("That code is not right. Enter the newest code."))
        status = 429 if outcome.locked_for else 200
    elif form.is_submitted():
        status = 422
    return render_template("auth/code.html", form=form), status


@bp.post("/logout")
@public
def logout():
    ops.sign_out(g.get("login_session") if current_user.is_authenticated else None, _now())
    db.session.commit()
    logout_user()
    _fresh_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for(".login"))


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", form=ChangePasswordForm(),
                           sessions=sessions.live_count(current_user))


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ops.change_password(current_user, form.current_password.data,
                                form.new_password.data, _now(), keep=g.get("login_session"))
        except ops.AccountError as err:
            db.session.rollback()
            getattr(form, err.field or "new_password").errors.append(str(err))
        else:
            db.session.commit()
            flash(_("Your password has been changed. Any other signed-in browsers were signed out."),
                  "success")
            return redirect(url_for(".account"))
    return render_template("auth/account.html", form=form,
                           sessions=sessions.live_count(current_user)), 422


def _totp_page(form=None, remove_form=None, status=200):
    user = current_user
    uri = svg = None
    if user.totp_secret and not user.totp_enabled:
        uri = totp.provisioning_uri(user.totp_secret, user.email,
                                    current_app.config["PULSE_TOTP_ISSUER"])
        svg = totp.qr_svg(uri)
    return render_template("auth/totp.html", form=form or CodeForm(),
                           remove_form=remove_form or RemoveTotpForm(), uri=uri, svg=svg), status


@bp.get("/account/totp")
@login_required(allow_unenrolled=True)
def totp_page():
    return _totp_page()


@bp.post("/account/totp/start")
@login_required(allow_unenrolled=True)
def totp_start():
    try:
        ops.begin_totp(current_user)
    except ops.AccountError as err:
        flash(str(err), "error")
    else:
        db.session.commit()
    return redirect(url_for(".totp_page"))


@bp.post("/account/totp/confirm")
@login_required(allow_unenrolled=True)
def totp_confirm():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            ops.confirm_totp(current_user, form.code.data, _now())
        except ops.AccountError as err:
            db.session.rollback()
            form.code.errors.append(str(err))
        else:
            db.session.commit()
            flash(_("Your authenticator app is set up. You will be asked for a code at each sign-in."),
                  "success")
            return redirect(url_for(".account"))
    return _totp_page(form=form, status=422)


@bp.post("/account/totp/remove")
@login_required
def totp_remove():
    form = RemoveTotpForm()
    if current_user.totp_required:
        flash(_("Your administrator requires a second factor on this account."), "error")
        return redirect(url_for(".totp_page"))
    if form.validate_on_submit():
        ok, _rehash = ops.passwords.verify_password(current_user.password_hash, form.password.data)
        if ok:
            ops.remove_totp(current_user)
            db.session.commit()
            flash(_("The second factor has been removed."), "success")
            return redirect(url_for(".account"))
        form.password.errors.append(_("That is not your password."))
    return _totp_page(remove_form=form, status=422)


# The token travels in the query string, which access logs never record (gunicorn.conf.py).
@bp.route("/reset", methods=["GET", "POST"])
@public
@login_limit
def reset():
    token = request.args.get("token", "")
    row = queries.valid_reset(token, _now())
    if row is None:
        page = render_template("auth/reset_invalid.html")
        return _no_referrer(make_response(page, 404))
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            ops.redeem_reset(token, form.new_password.data, _now())
        except ops.AccountError as err:
            db.session.rollback()
            form.new_password.errors.append(str(err))
            status = 422
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for(".login"))
    elif form.is_submitted():
        status = 422
    page = render_template("auth/reset.html", form=form, user=row.user)
    return _no_referrer(make_response(page, status))


def _no_referrer(response):
    # The token is in the address; links from this page must not carry it elsewhere.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
