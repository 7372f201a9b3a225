"""Staff accounts and access: sign-in, sessions, roles, area scope, second factor, resets.

Other blueprints use :mod:`pulse.auth.decorators` (``login_required``, ``roles_required``)
and :mod:`pulse.auth.scope` (``scoped_area_or_404``, ``restrict_to_scope``).
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface

from ..extensions import login_manager


class PulseSessionInterface(SecureCookieSessionInterface):
    """Mark the cookie Secure when configured to, or whenever the request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config["SESSION_COOKIE_SECURE"]:
            return True
        try:
            return request.is_secure
        except RuntimeError:  # outside a request
            return False


def _load_user(user_id: str):
    from . import sessions

    token = session.get(sessions.SESSION_KEY)
    if not token or not isinstance(token, str):
        return None
    row, reason = sessions.check(token, datetime.now(UTC))
    if row is None or str(row.user_id) != user_id:
        g.pulse_session_ended = reason
        # Drop the dead session entirely (its CSRF token too); only the language stays.
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        return None
    g.login_session = row
    return row.user


ACCOUNT_PATHS = ("/login", "/logout", "/reset", "/account", "/admin/users")


def _staff_headers(response):
    # Staff pages show personal and scoped data; shared computers must not keep copies.
    account_page = request.path.startswith(ACCOUNT_PATHS)
    if "_user_id" in session or account_page:
        response.headers.setdefault("Cache-Control", "no-store")
    # Framing and form targets are refused on every page by pulse.security.
    return response


def init_app(app: Flask) -> None:
    from .admin_views import bp as admin_users_bp
    from .views import bp as auth_bp
    from ..officer.views import bp as officer_bp

    app.session_interface = PulseSessionInterface()
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    login_manager.init_app(app)
    # Server-side sessions decide who is signed in; no address-derived marker in the cookie.
    login_manager.session_protection = None
    login_manager.user_loader(_load_user)
    app.after_request(_staff_headers)
    for bp in (auth_bp, admin_users_bp, officer_bp):
        app.register_blueprint(bp)
