"""Browser-held tokens of the resident survey: device, answered waves, form timing.

All are random or signed; the server stores only a keyed hash of the device token.
"""
from __future__ import annotations

import secrets
import time

from flask import Request, Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from surveys.integrity import hash_token

DEVICE_COOKIE = "pulse_device"
ANSWERED_COOKIE = "pulse_answered"
YEAR = 365 * 24 * 3600


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _cookie_args() -> dict:
    # Secure when configured, and whenever the request came over TLS (as the session cookie).
    secure = bool(current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure)
    return {"httponly": True, "samesite": "Lax", "secure": secure, "max_age": YEAR}


def device_token(request: Request) -> str | None:
    token = request.cookies.get(DEVICE_COOKIE, "")
    return token if 20 <= len(token) <= 64 and token.isascii() else None


def ensure_device_cookie(request: Request, response: Response) -> None:
    if device_token(request) is None:
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(24), **_cookie_args())


def device_hash(request: Request) -> str | None:
    token = device_token(request)
    return hash_token(_secret(), "device:" + token) if token else None


def _answered_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(_secret(), salt="pulse-answered")


def answered_keys(request: Request) -> set[str]:
    raw = request.cookies.get(ANSWERED_COOKIE)
    if not raw:
        return set()
    try:
        keys = _answered_serializer().loads(raw)
    except BadSignature:
        return set()
    return {k for k in keys if isinstance(k, str)} if isinstance(keys, list) else set()


def answered_key(area_id: int, wave_id: int | None) -> str:
    return f"{area_id}:{wave_id or 0}"


def remember_answered(request: Request, response: Response, key: str) -> None:
    # Keep the newest 50 so the cookie stays small however many waves a resident answers.
    keys = sorted(answered_keys(request) | {key})[-50:]
    response.set_cookie(ANSWERED_COOKIE, _answered_serializer().dumps(keys), **_cookie_args())


def _timing_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(), salt="pulse-started")


def new_started_token() -> str:
    return _timing_serializer().dumps(secrets.token_hex(16))


def read_started_token(token: object) -> tuple[str, float] | None:
    """(submission key, seconds since the form was shown), or None if missing or forged."""
    # Only a string can be one of our tokens: a JSON body may hold any type here, and a lone
    # surrogate cannot even be encoded to check its signature.
    if not token or not isinstance(token, str) or not token.isascii():
        return None
    try:
        key, signed_at = _timing_serializer().loads(token, return_timestamp=True)
    except BadSignature:
        return None
    if not isinstance(key, str):
        return None
    return key, max(0.0, time.time() - signed_at.timestamp())
