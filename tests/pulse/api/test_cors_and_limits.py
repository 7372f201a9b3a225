"""Cross-origin reads (CORS, preflights) and the rate limit per token or per address."""
from __future__ import annotations

from tests.pulse.api.conftest import bearer, issue_token
from tests.pulse.api.openapi_check import assert_valid

SITE = "https://dashboard.example"


def _preflight(client, path: str, method: str = "GET", headers: str | None = None):
    asked = {"Origin": SITE, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=asked)


def _allowed(response, name: str) -> set[str]:
    return {v.strip().lower() for v in response.headers.get(name, "").split(",") if v.strip()}


def test_a_preflight_for_a_public_read_is_answered_for_any_origin(client, workspace):
    response = _preflight(client, "/api/v1/estimates", headers="If-None-Match")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert {"get", "head", "options"} <= _allowed(response, "Access-Control-Allow-Methods")
    assert "if-none-match" in _allowed(response, "Access-Control-Allow-Headers")
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_a_preflight_for_a_token_route_allows_the_bearer_header_not_credentials(client, tree):
    # The preflight itself carries no token (browsers never send one) and is not refused.
    response = _preflight(client, "/api/v1/comments", headers="Authorization")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert _allowed(response, "Access-Control-Allow-Headers") == {"authorization"}
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_writes_and_other_headers_are_not_allowed_cross_origin(client, tree):
    for method in ("POST", "DELETE", "PUT"):
        refused = _preflight(client, "/api/v1/estimates", method=method)
        assert "Access-Control-Allow-Methods" not in refused.headers, method
    odd = _preflight(client, "/api/v1/estimates", headers="X-Api-Key, Cookie")
    assert "Access-Control-Allow-Headers" not in odd.headers or not (
        _allowed(odd, "Access-Control-Allow-Headers") & {"x-api-key", "cookie"})
    # The survey pages' offline queue is for this site only: no CORS at all.
    queue = _preflight(client, "/api/v1/responses", method="POST", headers="Content-Type")
    assert "Access-Control-Allow-Origin" not in queue.headers


def test_answers_are_readable_cross_origin_errors_included_never_with_credentials(
        app, client, workspace):
    secret = issue_token(app, "analyst@example.org", "analyst", [workspace.borough])
    cases = [
        ("/api/v1/areas", {}, 200),
        ("/api/v1/areas/NOPE", {}, 404),
        ("/api/v1/estimates?per_page=999", {}, 400),
        ("/api/v1/comments", {}, 401),
        ("/api/v1/comments", {"Authorization": "Bearer npt_made_up"}, 401),
        (f"/api/v1/comments?area={workspace.borough}", bearer(secret), 200),
    ]
    for path, headers, status in cases:
        response = client.get(path, headers={"Origin": "https://evil.example",
                                             "Cookie": "session=whatever", **headers})
        assert response.status_code == status, path
        # "*", not the caller's origin echoed back, and no credentials.
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response.headers, path
        exposed = _allowed(response, "Access-Control-Expose-Headers")
        assert {"etag", "link", "retry-after", "www-authenticate"} <= exposed, path


def test_the_limit_is_per_token_when_a_live_token_is_sent_else_per_address(app, client, tree):
    app.config["PULSE_API_LIMIT"] = "2 per minute"
    first = issue_token(app, "one@example.org", "analyst", [tree.borough])
    second = issue_token(app, "two@example.org", "analyst", [tree.borough])

    def codes(headers: dict, n: int = 3) -> list[int]:
        return [client.get("/api/v1/areas", headers=headers).status_code for _ in range(n)]

    assert codes({}) == [200, 200, 429]                    # this address has had its two
    assert codes(bearer(first)) == [200, 200, 429]         # a token has two of its own
    assert codes(bearer(second), 1) == [200]               # and so has every other token
    # A token that is not live counts against the address, which has none left.
    limited = client.get("/api/v1/areas", headers=bearer("npt_made_up_token"))
    assert limited.status_code == 429
    assert_valid(limited, "/api/v1/areas")
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.headers["Access-Control-Allow-Origin"] == "*"
    # The token routes share their token's allowance.
    assert client.get(f"/api/v1/comments?area={tree.borough}",
                      headers=bearer(second)).status_code == 200
    assert client.get(f"/api/v1/comments?area={tree.borough}",
                      headers=bearer(second)).status_code == 429


def test_a_revoked_token_loses_its_own_allowance(app, client, tree):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from pulse.api import tokens
    from pulse.extensions import db
    from pulse.models import ApiToken

    app.config["PULSE_API_LIMIT"] = "1 per minute"
    secret = issue_token(app, "one@example.org", "analyst", [tree.borough])
    assert client.get("/api/v1/areas").status_code == 200                 # the address's one
    assert client.get("/api/v1/areas", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(
            ApiToken.token_hash == tokens.token_hash(secret)))
        tokens.revoke(token, by=None, now=datetime.now(UTC))
        db.session.commit()
    # Revoked: back on the (spent) address allowance, so a public read is limited too.
    assert client.get("/api/v1/areas", headers=bearer(secret)).status_code == 429
