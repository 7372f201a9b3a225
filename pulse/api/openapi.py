"""The OpenAPI 3.1 document of /api/v1, kept by hand beside the views it describes.

Schemas are JSON Schema 2020-12 (OpenAPI 3.1), so tests validate real responses against them
with ``jsonschema`` alone; tests/pulse/api/test_openapi.py fails if a view and this disagree.
"""
from __future__ import annotations

from copy import deepcopy

from .http import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE

CODE = "^[A-Za-z0-9_.-]{1,64}$"
PERIOD = r"^(\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4]|R12-\d{4}-(0[1-9]|1[0-2]))$"
NUMBER = {"type": ["number", "null"]}
TEXT = {"type": ["string", "null"]}
WHEN = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


def _json(schema: dict, description: str, *, paged: bool = False, conditional: bool = True) -> dict:
    headers = {}
    if conditional:
        headers["ETag"] = {"description": "Send back as If-None-Match to get 304 when unchanged.",
                           "schema": {"type": "string"}}
    if paged:
        headers["Link"] = {"description": "RFC 8288 links: first, last, prev, next.",
                           "schema": {"type": "string"}}
    out = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": _ref("Problem")}}}


NOT_MODIFIED = {"description": "Not modified: the ETag (or Last-Modified) still matches."}
ERRORS = {"403": _problem("The token's role may not read this."),
          "400": _problem("A query parameter is not valid; `detail` says which."),
          "404": _problem("No such area or route."),
          "405": _problem("Method not allowed."),
          "429": _problem("Too many requests on this token (without a live token: from this "
                          "address); wait Retry-After seconds."),
          "500": _problem("Our fault."),
          "503": _problem("The database is briefly unavailable; retry after Retry-After.")}
PAGING = [_query("page", "Page number, from 1.", {"type": "integer", "minimum": 1,
                                                   "maximum": MAX_PAGE, "default": 1}),
          _query("per_page", f"Items per page, at most {MAX_PER_PAGE}.",
                 {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                  "default": DEFAULT_PER_PAGE})]
AREA = _query("area", "Area code.", {"type": "string", "pattern": CODE})
PERIOD_Q = _query("period", "Period label: 2026-10 (month), 2026-Q4 (quarter) or R12-2026-10 "
                  "(twelve months to October 2026).", {"type": "string", "pattern": PERIOD})


def _paged(item: str) -> dict:
    return {"type": "object", "required": ["items", "page", "per_page", "total", "next"],
            "additionalProperties": False,
            "properties": {"items": {"type": "array", "items": _ref(item)},
                           "page": {"type": "integer", "minimum": 1},
                           "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                           "total": {"type": "integer", "minimum": 0},
                           "next": {"type": ["string", "null"], "description": "URL of the next page."}}}


SCHEMAS = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status", "detail"],
        "description": "RFC 9457 problem details; extra members may follow.",
        "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                       "status": {"type": "integer", "minimum": 400, "maximum": 599},
                       "detail": {"type": "string"}}},
    "Area": {
        "type": "object", "required": ["code", "name", "level", "parent"],
        "additionalProperties": False,
        "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                       "level": {"type": "string", "examples": ["borough", "ward"]},
                       "parent": {"type": ["string", "null"], "description": "Parent area code."},
                       "boundary": {"type": ["object", "null"],
                                    "description": "GeoJSON geometry (WGS 84)."}}},
    "AreaPage": _paged("Area"),
    "Estimate": {
        "type": "object", "additionalProperties": False,
        "required": ["area", "period", "period_kind", "measure", "group", "unit", "n",
                     "effective_n", "estimate", "std_error", "ci_low", "ci_high", "change",
                     "change_significant", "modelled_estimate", "weighted", "suppressed",
                     "reason", "computed_at"],
        "description": "One published cell. Suppressed cells (fewer than the site's minimum "
                       "of responses, 10 unless raised) have every figure null and the reason "
                       "'fewer than N responses', N that minimum; where a count could be "
                       "derived from others, n and effective_n are null and the reason says so.",
        "properties": {
            "area": {"type": "string"}, "period": {"type": "string"},
            "period_kind": {"enum": ["month", "quarter", "r12"]},
            "measure": {"type": "string"},
            "group": {"type": "string", "examples": ["all", "age_band=16-24"]},
            "unit": {"type": "string", "examples": ["score", "percent"]},
            "n": {"type": ["integer", "null"], "minimum": 0}, "effective_n": NUMBER,
            "estimate": NUMBER, "std_error": NUMBER, "ci_low": NUMBER, "ci_high": NUMBER,
            "change": NUMBER, "change_significant": {"type": ["boolean", "null"]},
            "modelled_estimate": NUMBER, "weighted": {"type": "boolean"},
            "suppressed": {"type": "boolean"}, "reason": TEXT, "computed_at": WHEN}},
    "EstimatePage": _paged("Estimate"),
    "TopicShares": {
        "type": "object", "required": ["area", "topics", "items"], "additionalProperties": False,
        "properties": {
            "area": {"type": "string"},
            "topics": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "Topic code -> label."},
            "items": {"type": "array", "items": {
                "type": "object", "required": ["period", "suppressed", "reason", "shares"],
                "additionalProperties": False,
                "properties": {"period": {"type": "string"}, "suppressed": {"type": "boolean"},
                               "reason": TEXT,
                               "shares": {"type": ["object", "null"], "additionalProperties": {
                                   "type": "number", "minimum": 0, "maximum": 1}}}}}}},
    "Actions": {
        "type": "object", "required": ["area", "items"], "additionalProperties": False,
        "properties": {"area": {"type": "string"}, "items": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "area", "topic", "text", "status", "updated_at"],
            "properties": {"id": {"type": "integer"}, "area": {"type": "string"},
                           "topic": {"type": "string"}, "text": {"type": "string"},
                           "status": {"enum": ["planned", "in progress", "done", "dropped"]},
                           "updated_at": WHEN}}}}},
    "ResponseCounts": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["area", "wave", "total", "by_channel"],
            "properties": {"area": {"type": "string"}, "wave": {"type": ["integer", "null"]},
                           "total": {"type": "integer", "minimum": 0},
                           "by_channel": {"type": "object",
                                          "additionalProperties": {"type": "integer"}}}}}}},
    "Comment": {
        "type": "object", "additionalProperties": False,
        "required": ["area", "month", "text", "topic", "confidence", "needs_review"],
        "properties": {"area": {"type": "string"}, "month": {"type": "string"},
                       "text": {"type": "string", "description": "Redacted text only."},
                       "topic": TEXT, "confidence": {"type": ["number", "null"], "minimum": 0,
                                                     "maximum": 1},
                       "needs_review": {"type": ["boolean", "null"]}}},
    "CommentPage": _paged("Comment"),
    "Submission": {
        "type": "object", "required": ["key", "area", "answers"],
        "properties": {
            "key": {"type": "string", "format": "uuid",
                    "description": "Made by the device, once per response (exactly-once)."},
            "area": {"type": "string"},
            "answers": {"type": "object", "additionalProperties": {
                "type": ["string", "integer", "null"]}},
            "started": {"type": "string", "description": "Signed token of the survey page."},
            "assist": {"type": "string", "description": "Signed token of assisted mode."},
            "via": {"type": "string"}, "language": {"type": "string"},
            "seconds": {"type": "number"}, "website": {"type": "string"}}},
    "Receipt": {
        "type": "object", "required": ["key", "area", "status", "report", "next"],
        "properties": {"key": {"type": "string"}, "area": {"type": "string"},
                       "status": {"const": "recorded"}, "report": {"type": "boolean"},
                       "next": {"type": "string"}}},
}


def _get(summary: str, params: list[dict], ok: dict, *, token: bool = False,
         errors: tuple[str, ...] = ("400", "404", "405", "429", "500", "503")) -> dict:
    responses = {"200": ok, "304": NOT_MODIFIED, **{code: ERRORS[code] for code in errors}}
    op = {"summary": summary, "parameters": params, "responses": responses}
    if token:
        responses["401"] = _problem("No token, or a token unknown, expired or revoked.")
        op["security"] = [{"bearerAuth": []}]
    else:
        op["security"] = []
    return op


def _preflight() -> dict:
    """OPTIONS as a browser sends it before a cross-origin GET (CORS, pulse/api/http.py)."""
    header = {"type": "string", "maxLength": 200}
    return {
        "summary": "CORS preflight: any origin may GET, without credentials.",
        "description": "Answered with Access-Control-Allow-Origin `*`, the methods GET, HEAD "
                       "and OPTIONS, the request headers Authorization, If-None-Match and "
                       "If-Modified-Since, and Access-Control-Max-Age 600. Never "
                       "Access-Control-Allow-Credentials.",
        "security": [],
        "parameters": [
            {"name": "Origin", "in": "header", "required": False, "schema": header},
            {"name": "Access-Control-Request-Method", "in": "header", "required": False,
             "schema": {"enum": ["GET", "HEAD"]}},
            {"name": "Access-Control-Request-Headers", "in": "header", "required": False,
             "schema": header}],
        "responses": {"200": {"description": "Preflight answered; no body.", "headers": {
            "Access-Control-Allow-Origin": {"schema": {"const": "*"}},
            "Access-Control-Allow-Methods": {"schema": {"type": "string"}},
            "Access-Control-Allow-Headers": {"schema": {"type": "string"}}}},
            "429": ERRORS["429"]}}


PATHS = {
    "/openapi.json": {"get": _get("This document.", [], _json({"type": "object"}, "OpenAPI 3.1"),
                                  errors=("429",))},
    "/areas": {"get": _get(
        "Areas, by code; boundaries on request.",
        [*PAGING, _query("parent", "Only the children of this area.", {"type": "string", "pattern": CODE}),
         _query("level", "Only areas of this level (borough, ward, ...).",
                {"type": "string", "pattern": CODE}),
         _query("include", "`boundary` adds each area's GeoJSON boundary.", {"enum": ["boundary"]})],
        _json(_ref("AreaPage"), "A page of areas.", paged=True))},
    "/areas/{code}": {"get": _get(
        "One area with its boundary.",
        [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        _json(_ref("Area"), "The area."))},
    "/estimates": {"get": _get(
        "Published estimates of periods that have ended (suppressed cells carry no figures).",
        [*PAGING, AREA, PERIOD_Q,
         _query("kind", "Period kind.", {"enum": ["month", "quarter", "r12"]}),
         _query("measure", "Measure code, e.g. trust or safe_night.",
                {"type": "string", "pattern": CODE}),
         _query("group", "`all` or a breakdown such as age_band=16-24.",
                {"type": "string", "pattern": "^[A-Za-z0-9_.+=-]{1,64}$"})],
        _json(_ref("EstimatePage"), "A page of estimates.", paged=True))},
    "/topics/shares": {"get": _get(
        "Share of residents' comments by topic and month, for months that have ended (months "
        "under 10 comments withheld).",
        [{**AREA, "required": True},
         _query("period", "A month, YYYY-MM.", {"type": "string",
                                                 "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"})],
        _json(_ref("TopicShares"), "Shares by month."))},
    "/actions": {"get": _get(
        "Public \"you said, we did\" actions for an area and the areas above it.",
        [{**AREA, "required": True}], _json(_ref("Actions"), "Actions, newest first."))},
    "/responses/counts": {"get": _get(
        "Response counts by area, wave and channel in the token owner's scope (not public: "
        "counts below 10 are shown). Outside the scope: 404.",
        [AREA], _json(_ref("ResponseCounts"), "Counts."), token=True)},
    "/comments": {"get": _get(
        "Residents' comments, redacted, with the model's topic and confidence, newest first; "
        "analysts and admins only, in the token owner's scope (outside it: 404). Comments held "
        "for safeguarding review are left out.",
        [*PAGING, AREA, PERIOD_Q, _query("topic", "Topic code.", {"type": "string", "pattern": CODE})],
        _json(_ref("CommentPage"), "A page of comments.", paged=True), token=True,
        errors=("400", "403", "404", "405", "429", "500", "503"))},
    "/responses": {"post": {
        "summary": "One completed survey response from a device queue (survey pages only).",
        "description": "Needs the Origin of this site and a signed page token; see "
                       "pulse/collect/api.py. Exactly once per `key`.",
        "security": [],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _ref("Submission")}}},
        "responses": {
            "201": _json(_ref("Receipt"), "Recorded.", conditional=False),
            "200": _json(_ref("Receipt"), "Already recorded under this key; nothing written.",
                         conditional=False),
            "400": _problem("Not a JSON object, or a bad key or answers."),
            "403": _problem("Not sent from this site's survey page, or a code is needed."),
            "404": _problem("No such area."),
            "409": _problem("Key reused, code spent, or this device already answered."),
            "410": _problem("The survey for this area is closed."),
            "413": _problem("Too large."),
            "422": _problem("Some answers need checking; `errors` says which."),
            "429": ERRORS["429"], "500": ERRORS["500"], "503": ERRORS["503"]}}},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Neighbourhood Pulse open-data API", "version": "1.0.0",
             "description": "Published, suppressed aggregates of the neighbourhood survey. No "
                            "figure rests on fewer than 10 responses (a site may raise the "
                            "minimum). Errors are RFC 9457 problem details. See docs/API.md."},
    "servers": [{"url": "/api/v1"}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS, "securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer",
                       "description": "A personal token from /account/tokens."}}},
}


# Every read answers a CORS preflight; the offline queue's POST is for this site only.
for _path, _item in PATHS.items():
    if "get" in _item:
        _item["options"] = _preflight()


def document() -> dict:
    """A copy, so no caller can change the served document."""
    return deepcopy(DOCUMENT)
