"""Addresses of one-time password links, for the admin pages and the command line."""
from __future__ import annotations

from flask import current_app, has_request_context, url_for

#: Used by the command line when PULSE_PUBLIC_URL is not set (a local demonstration).
LOCAL_BASE = "http://127.0.0.1:5000"


def reset_link(token: str) -> str:
    """The configured public address if there is one; never a Host header an attacker chose."""
    base = (current_app.config.get("PULSE_PUBLIC_URL") or "").rstrip("/")
    if base:
        return f"{base}/reset?token={token}"
    if has_request_context():
        return url_for("auth.reset", token=token, _external=True)
    return f"{LOCAL_BASE}/reset?token={token}"
