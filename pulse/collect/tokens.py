"""The signed assist token: proof that a signed-in officer opened assisted mode for an area.

It names the area and nothing about the officer, so responses sent with it carry no officer
identity, and it outlives the staff session: a tablet that was offline longer than the idle
timeout can still send what it collected.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pulse-assist")


def new_assist_token(area_code: str) -> str:
    return _serializer().dumps(area_code)


def assist_token_valid(token: object, area_code: str) -> bool:
    if not isinstance(token, str) or len(token) > 300 or not token.isascii():
        return False
    max_age = int(current_app.config.get("PULSE_ASSIST_TOKEN_HOURS", 12)) * 3600
    try:
        return _serializer().loads(token, max_age=max_age) == area_code
    except BadSignature:  # also SignatureExpired, its subclass
        return False
