"""One error format for everything under /api/v1: RFC 9457 problem details.

``{"type": "about:blank", "title": <the HTTP reason>, "status": <code>, "detail": <why>}``,
served as ``application/problem+json``. Extra members (``errors``, ``error``) may follow,
as the RFC allows; clients rely on the four above.
"""
from __future__ import annotations

from http import HTTPStatus

from flask import Response, jsonify, request

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/v1"


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(status: int, detail: str = "", **extra) -> Response:
    """A problem response; ``detail`` says what to change, never echoes secrets."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    response = jsonify({"type": "about:blank", "title": title, "status": status,
                        "detail": detail or title, **extra})
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    return response


def unauthorised(detail: str) -> Response:
    response = problem(401, detail)
    # RFC 6750: the client learns the scheme, and that the token it sent was refused.
    response.headers["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
    return response
