"""Routes of the open-data API. Each validates its query, calls one read, shapes the answer.

Public routes read only published (suppressed) aggregates and public actions, and ignore any
credentials. Token routes need ``Authorization: Bearer <token>``; what they read is limited to
the token owner's scope (outside it: 404, as if it did not exist) and written to the audit log.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import BadRequest, NotFound

from analysis.periods import KINDS, MONTH, month_of, parse

from ..audit import record
from ..auth.decorators import public
from ..models.user import ADMIN, ANALYST
from ..extensions import client_key, db, limiter
from . import queries, serialise, tokens
from .http import allow_cross_origin, conditional, page_asked, paged
from .openapi import document
from .problems import problem, unauthorised

bp = Blueprint("api", __name__, url_prefix="/api/v1")
TOKEN = "token"
DEFAULT_LIMIT = "300 per minute"
WORD = re.compile(r"[A-Za-z0-9_.-]{1,64}")
GROUP = re.compile(r"[A-Za-z0-9_.+=-]{1,64}")


def published_before() -> int:
    """The month whose figures, and those of every later period, are not public yet.

    Only periods that have ended are published. A running month's figures move with each
    response, so reading them before and after a neighbour answers (the aggregation runs
    every ten minutes) would give that answer away by subtraction; a period that has ended
    changes only when late answers are imported. Staff pages show the running periods.
    """
    return month_of(datetime.now(UTC))


def _api_limit() -> str:
    return current_app.config.get("PULSE_API_LIMIT", DEFAULT_LIMIT)


def _presented() -> tokens.Checked:
    """The bearer token sent with this request, looked up once (rate limit, then view)."""
    if "api_token" not in g:
        g.api_token = tokens.check(tokens.bearer(request.headers.get("Authorization")),
                                   datetime.now(UTC))
    return g.api_token


def rate_key() -> str:
    """Rate-limit key: a live token's id, else the keyed hash of the client address.

    A dashboard behind a shared address (a council's proxy) keeps its own allowance, and a
    token cannot earn more by moving address; an unknown, expired or revoked token counts
    against the address, so made-up tokens buy nothing. Never the token itself.
    """
    checked = _presented()
    return f"api-token-{checked.token.id}" if checked.user is not None else client_key()


# Every route of this blueprint, public or not, draws on one allowance per token or client
# (a shared limit: a plain blueprint limit would give each route an allowance of its own).
limiter.shared_limit(_api_limit, scope="api-v1", key_func=rate_key)(bp)
allow_cross_origin(bp)


def token_required(view):
    """Let a request through with a live personal token; ``g.api_user`` is its owner."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        checked = _presented()
        if checked.user is None:
            db.session.rollback()
            return unauthorised(checked.reason)
        tokens.touch(checked.token, datetime.now(UTC))
        g.api_user = checked.user
        return view(*args, **kwargs)

    wrapper.pulse_access = TOKEN  # type: ignore[attr-defined]
    return wrapper


def _word(name: str, pattern: re.Pattern = WORD) -> str | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not pattern.fullmatch(value):
        raise BadRequest(f"'{name}' must be 1 to 64 letters, digits or _ . - characters.")
    return value


def _area_arg(name: str = "area", *, required: bool = False):
    code = _word(name)
    if code is None:
        if required:
            raise BadRequest(f"Give '{name}', an area code (see /api/v1/areas).")
        return None
    area = queries.active_area(code)
    if area is None:
        raise NotFound(f"There is no area with the code {code}.")
    return area


def _scoped_area_arg(user):
    """An area in the token owner's scope; outside it reads exactly like no such area."""
    code = _word("area")
    if code is None:
        return None
    place = queries.scoped_area(code, user)
    if place is None:
        raise NotFound(f"There is no area with the code {code}.")
    return place


def _period_arg() -> str | None:
    raw = request.args.get("period")
    if not raw:
        return None
    try:
        return parse(raw[:32]).label
    except ValueError:
        # Not echoed: a client's bad input never comes back in the body.
        raise BadRequest("'period' is not a period (use 2026-10, 2026-Q4 or R12-2026-10).") from None


@bp.get("/openapi.json")
@public
def openapi():
    return conditional(document())


@bp.get("/areas")
@public
def areas():
    page = page_asked()
    include = request.args.get("include", "")
    if include not in ("", "boundary"):
        raise BadRequest("'include' may only be 'boundary'.")
    rows, total = queries.areas(page, parent=_area_arg("parent"), level=_word("level"),
                                boundary=include == "boundary")
    body, headers = paged([serialise.area(r, boundary=bool(include)) for r in rows], total, page)
    return conditional(body, headers=headers)


@bp.get("/areas/<code>")
@public
def area(code: str):
    place = queries.active_area(code) if WORD.fullmatch(code) else None
    if place is None:
        raise NotFound("There is no active area with that code.")
    return conditional(serialise.area(queries.area_row(place), boundary=True))


@bp.get("/estimates")
@public
def estimates():
    page = page_asked()
    kind = _word("kind")
    if kind is not None and kind not in KINDS:
        raise BadRequest(f"'kind' must be one of {', '.join(KINDS)}.")
    rows, total = queries.estimates(page, area=_area_arg(), period=_period_arg(), kind=kind,
                                    measure=_word("measure"), group=_word("group", GROUP),
                                    before=published_before())
    minimum = current_app.config["PULSE_MIN_RESPONSES"]
    body, headers = paged([serialise.estimate(code, e, minimum) for code, e in rows], total, page)
    newest = max((e.computed_at for _, e in rows), default=None)
    return conditional(body, headers=headers, last_modified=newest)


@bp.get("/topics/shares")
@public
def topic_shares():
    place = _area_arg(required=True)
    period = _period_arg()
    if period is not None and parse(period).kind != MONTH:
        raise BadRequest("Topic shares are by month: give 'period' as YYYY-MM.")
    minimum = current_app.config["PULSE_MIN_RESPONSES"]
    items = [serialise.shares(cells, minimum)
             for cells in queries.topic_shares(place, published_before())]
    if period is not None:
        items = [i for i in items if i["period"] == period]
    return conditional({"area": place.code, "topics": queries.topic_labels(), "items": items})


@bp.get("/actions")
@public
def actions():
    place = _area_arg(required=True)
    rows = queries.actions(place)
    newest = max((a.updated_at for a in rows), default=None)
    return conditional({"area": place.code, "items": [serialise.action(a) for a in rows]},
                       last_modified=newest)


@bp.get("/responses/counts")
@token_required
def response_counts():
    user = g.api_user
    place = _scoped_area_arg(user)
    rows = queries.response_counts(user, place)
    record("api.responses.counts", user=user, actor=user.email,
           areas=[place.code] if place else [r.area_code for r in rows], rows=len(rows))
    db.session.commit()
    return conditional({"items": [serialise.counts(r) for r in rows]}, public=False)


#: Roles that may read residents' (redacted) comments through the API, as in the exports.
COMMENT_ROLES = (ADMIN, ANALYST)


@bp.get("/comments")
@token_required
def comments():
    user = g.api_user
    if user.role not in COMMENT_ROLES:
        db.session.rollback()
        return problem(403, "Comments are for analysts and admins.")
    page = page_asked()
    place = _scoped_area_arg(user)
    period = _period_arg()
    rows, total = queries.comments(user, page, area=place, period=parse(period) if period else None,
                                   topic=_word("topic"))
    codes = [place.code] if place else [a.code for a in queries.scope_roots(user)]
    record("api.comments", user=user, actor=user.email, areas=codes, period=period,
           rows=len(rows))
    db.session.commit()
    body, headers = paged([serialise.comment(r) for r in rows], total, page)
    return conditional(body, headers=headers, public=False)
