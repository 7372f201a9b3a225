"""Access rules for views: ``@login_required``, ``@roles_required(...)`` and ``@public``.

Each decorator records its rule on the view as ``pulse_access`` (a frozenset of roles, or
"public"), so a test can walk the URL map and fail on any route that has no rule.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models.user import ROLES

PUBLIC = "public"

#: Why a session ended, as told on the sign-in page.
END_MESSAGES = {
    "idle": lambda: _("You were signed out after a period without activity. Please sign in again."),
    "expired": lambda: _("Your session reached its time limit. Please sign in again."),
    "disabled": lambda: _("This account is disabled."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _to_login():
    if _wants_json():
        return jsonify(error=_("Sign in first."), status=401), 401
    reason = g.get("pulse_session_ended")
    if reason in END_MESSAGES:
        flash(END_MESSAGES[reason](), "info")
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def roles_required(*roles: str, allow_unenrolled: bool = False) -> Callable:
    """Let signed-in users with one of ``roles`` through; others are sent to sign in or get 403.

    A user whom an admin requires to use a second factor is sent to set one up first, except
    on views marked ``allow_unenrolled`` (the set-up pages themselves).
    """
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            if current_user.must_enrol_totp and not allow_unenrolled:
                if _wants_json():
                    return jsonify(error=_("Set up a second factor first."), status=403), 403
                flash(_("Your account needs a second factor. Set up an authenticator app to go on."),
                      "info")
                return redirect(url_for("auth.totp_page"))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.pulse_access = frozenset(roles)  # type: ignore[attr-defined]
        return wrapper

    return decorator


def login_required(view: Callable | None = None, *, allow_unenrolled: bool = False) -> Callable:
    """Any signed-in user, whatever the role."""
    decorator = roles_required(*ROLES, allow_unenrolled=allow_unenrolled)
    return decorator(view) if view is not None else decorator


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, on purpose."""
    view.pulse_access = PUBLIC  # type: ignore[attr-defined]
    return view


def access_rule(view: Callable) -> frozenset[str] | str | None:
    return getattr(view, "pulse_access", None)
