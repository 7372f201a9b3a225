"""XSS and SQL-injection payloads through every API query parameter and path segment: a 4xx
with a reason or a clean 200, never a 5xx; always JSON; the payload is never echoed back."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

from tests.pulse.api.conftest import bearer, issue_token
from tests.pulse.api.openapi_check import assert_valid
from tests.pulse.test_payload_corpora import FORMULA, SQL, XSS

CORPUS = XSS + SQL + FORMULA + ["\x00", "%00", "../../etc/passwd", "é" * 80, "9" * 40]
SAFE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
ROUTES = {
    "/api/v1/areas": ("page", "per_page", "parent", "level", "include"),
    "/api/v1/estimates": ("page", "per_page", "area", "period", "kind", "measure", "group"),
    "/api/v1/topics/shares": ("area", "period"),
    "/api/v1/actions": ("area",),
    "/api/v1/responses/counts": ("area",),
    "/api/v1/comments": ("page", "per_page", "area", "period", "topic"),
}


def _check(response, path: str, payload: str) -> None:
    assert response.status_code < 500, (path, payload)
    assert response.mimetype in ("application/json", "application/problem+json"), (path, payload)
    body = response.get_data(as_text=True)
    json.loads(body)
    if not SAFE.fullmatch(payload):
        # Only a well-formed code is ever echoed in a message ("no area with the code X").
        assert payload not in body, (path, payload)
    assert_valid(response, path)


def test_payloads_in_query_parameters(app, client, api_data):
    app.config["PULSE_API_LIMIT"] = "100000 per minute"
    secret = issue_token(app, "analyst@example.org", "analyst", [api_data.borough])
    for path, params in ROUTES.items():
        headers = bearer(secret) if path in ("/api/v1/responses/counts", "/api/v1/comments") else {}
        for name in params:
            for payload in CORPUS:
                base = {"area": api_data.ward_a} if path in ("/api/v1/topics/shares",
                                                             "/api/v1/actions") else {}
                query = "&".join(f"{k}={quote(v)}" for k, v in {**base, name: payload}.items())
                response = client.get(f"{path}?{query}", headers=headers)
                _check(response, path, payload)
                # Anything refused says so in the problem format.
                if response.status_code >= 400:
                    assert response.get_json()["status"] == response.status_code


def test_payloads_in_the_area_path(app, client, api_data):
    for payload in CORPUS:
        path = "/api/v1/areas/" + quote(payload, safe="")
        response = client.get(path)
        assert response.status_code in (404, 200), payload
        assert response.mimetype == "application/problem+json"
        assert payload not in response.get_data(as_text=True)


def test_periods_in_years_no_calendar_holds_are_refused_not_a_500(app, client, api_data):
    """Found by schemathesis: 'R12-0000-01' reached year -1 when the comments were filtered."""
    secret = issue_token(app, "analyst@example.org", "analyst", [api_data.borough])
    for label in ("R12-0000-01", "0000-01", "9999-12"):
        for path, headers in (("/api/v1/comments", bearer(secret)), ("/api/v1/estimates", {})):
            response = client.get(f"{path}?period={label}", headers=headers)
            assert response.status_code == 400, (path, label)
            assert "is not a period" in response.get_json()["detail"]
