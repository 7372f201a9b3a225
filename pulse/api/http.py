"""Paging, conditional responses (ETag, Last-Modified, 304) and CORS for the API's GETs."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from flask_cors import CORS
from werkzeug.exceptions import BadRequest

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def _positive(name: str, default: int, ceiling: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= ceiling:
        raise BadRequest(f"'{name}' must be a whole number from 1 to {ceiling}.")
    return int(raw)


def page_asked() -> Page:
    """``page`` and ``per_page`` from the query; ``per_page`` above the cap is refused, not cut."""
    return Page(_positive("page", 1, MAX_PAGE), _positive("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE))


def _page_url(number: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return request.base_url + "?" + urlencode(args, doseq=True)


def paged(items: list, total: int, page: Page) -> tuple[dict, dict[str, str]]:
    """The body's paging members and the Link header (RFC 8288) for one page of ``total``."""
    last = max(1, -(-total // page.size))
    links = {"first": _page_url(1), "last": _page_url(last)}
    if page.number > 1:
        links["prev"] = _page_url(min(page.number - 1, last))
    if page.number < last:
        links["next"] = _page_url(page.number + 1)
    body = {"items": items, "page": page.number, "per_page": page.size, "total": total,
            "next": links.get("next")}
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return body, {"Link": header}


def conditional(body: dict, *, last_modified: datetime | None = None, public: bool = True,
                headers: dict[str, str] | None = None) -> Response:
    """JSON with a strong ETag over the exact body, 304 when the client already has it."""
    response = jsonify(body)
    payload = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    response.set_etag(hashlib.sha256(payload.encode()).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if public:
        # Revalidate every time: the ETag makes that a 304 without a body.
        response.headers["Cache-Control"] = "public, no-cache"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["Vary"] = "Authorization"
    return response.make_conditional(request)


#: What a page on another site may do with the read API from a browser (flask-cors).
#: Any origin, answered with ``*`` and never with Access-Control-Allow-Credentials: the API
#: reads no cookie, and a bearer token is only ever sent by a script that holds it (a browser
#: never adds one by itself, as it does a cookie), so a foreign page can read public figures
#: and, with its own token, that token's scope, and nothing it could borrow from a visitor.
CORS_POLICY = {
    "origins": "*",
    "send_wildcard": True,
    "supports_credentials": False,
    "methods": ["GET", "HEAD", "OPTIONS"],
    "allow_headers": ["Authorization", "If-None-Match", "If-Modified-Since"],
    "expose_headers": ["ETag", "Last-Modified", "Link", "Retry-After", "WWW-Authenticate",
                       "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"],
    "max_age": 600,
    "allow_private_network": False,
}


def allow_cross_origin(bp: Blueprint) -> None:
    """Answer preflights (OPTIONS) and add the CORS headers to every answer of ``bp``,
    errors and 429s included, so a script elsewhere can read why it was refused."""
    CORS(bp, **CORS_POLICY)
