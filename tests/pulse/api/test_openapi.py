"""The OpenAPI document is sound, covers every route, and real responses fit it (success and
errors, every endpoint)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jsonschema import Draft202012Validator

from pulse.api.openapi import DOCUMENT
from tests.pulse.api.conftest import bearer, issue_token
from tests.pulse.api.openapi_check import assert_valid


def test_every_schema_is_valid_json_schema_and_every_route_is_documented(app):
    for name, schema in DOCUMENT["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            served.add(rule.rule[len("/api/v1"):].replace("<code>", "{code}"))
    assert served == set(DOCUMENT["paths"]), served ^ set(DOCUMENT["paths"])


def test_the_document_is_served_with_an_etag(client):
    first = client.get("/api/v1/openapi.json")
    assert first.status_code == 200 and first.get_json()["openapi"] == "3.1.0"
    again = client.get("/api/v1/openapi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_real_responses_fit_the_document(app, client, api_data):
    t = api_data
    secret = issue_token(app, "ward@example.org", "officer", [t.ward_a])
    calls = [
        "/api/v1/openapi.json",
        "/api/v1/areas", "/api/v1/areas?per_page=2&page=2", "/api/v1/areas?include=boundary",
        f"/api/v1/areas?parent={t.borough}", "/api/v1/areas?level=ward",
        f"/api/v1/areas/{t.ward_a}", f"/api/v1/areas/{t.borough}",
        "/api/v1/estimates", f"/api/v1/estimates?area={t.ward_a}&period=2026-Q4",
        f"/api/v1/estimates?area={t.ward_b}&period=2026-Q4&measure=trust",
        "/api/v1/estimates?kind=r12&group=age_band=65%2B",
        f"/api/v1/topics/shares?area={t.ward_a}", f"/api/v1/topics/shares?area={t.ward_a}&period=2026-11",
        f"/api/v1/actions?area={t.ward_a}", f"/api/v1/actions?area={t.other_ward}",
        # errors
        "/api/v1/areas?per_page=0", "/api/v1/areas?page=x", "/api/v1/areas?include=all",
        "/api/v1/areas/NOPE", "/api/v1/areas?parent=NOPE", "/api/v1/estimates?period=2026-13",
        "/api/v1/estimates?kind=decade", "/api/v1/estimates?area=%3Cscript%3E",
        "/api/v1/topics/shares", f"/api/v1/topics/shares?area={t.ward_a}&period=2026-Q4",
        "/api/v1/actions", "/api/v1/actions?area=NOPE",
    ]
    statuses = set()
    for url in calls:
        response = client.get(url)
        assert response.status_code < 500, url
        statuses.add(response.status_code)
        assert_valid(response, url)
    assert statuses == {200, 400, 404}
    # Token routes: success, refusals and scope.
    for headers, status in ((bearer(secret), 200), ({}, 401), (bearer("npt_wrong"), 401),
                            ({"Authorization": "Basic abc"}, 401)):
        response = client.get("/api/v1/responses/counts", headers=headers)
        assert response.status_code == status
        assert_valid(response, "/api/v1/responses/counts")
    analyst = issue_token(app, "analyst@example.org", "analyst", [t.borough])
    for url, headers, status in (
            (f"/api/v1/comments?area={t.ward_a}&per_page=5", bearer(analyst), 200),
            ("/api/v1/comments?period=2026-11&topic=litter", bearer(analyst), 200),
            ("/api/v1/comments?period=soon", bearer(analyst), 400),
            (f"/api/v1/comments?area={t.other_ward}", bearer(analyst), 404),
            ("/api/v1/comments", bearer(secret), 403), ("/api/v1/comments", {}, 401)):
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        assert_valid(response, url)
    outside = client.get(f"/api/v1/responses/counts?area={t.ward_b}", headers=bearer(secret))
    assert outside.status_code == 404
    assert_valid(outside, "/api/v1/responses/counts")
    # 304 and 405 are documented too.
    first = client.get("/api/v1/areas")
    again = client.get("/api/v1/areas", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert_valid(again, "/api/v1/areas")
    wrong_method = client.delete("/api/v1/areas")
    assert wrong_method.status_code == 405
    assert_valid(wrong_method, "/api/v1/areas", "get")


def test_the_offline_queue_endpoint_answers_in_the_document_format(client, survey_area):
    refused = client.post("/api/v1/responses", json={"key": "x"})
    assert refused.status_code == 403
    assert_valid(refused, "/api/v1/responses", "post")
    body = refused.get_json()
    assert body["error"] == body["detail"]  # older queues read "error"
    bad = client.post("/api/v1/responses", data="not json", content_type="application/json",
                      headers={"Origin": "http://localhost"})
    assert bad.status_code == 400
    assert_valid(bad, "/api/v1/responses", "post")


def test_rate_limited_requests_get_a_problem(app, client):
    app.config["PULSE_API_LIMIT"] = "2 per minute"
    codes = [client.get("/api/v1/areas").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.get("/api/v1/areas")
    assert limited.mimetype == "application/problem+json"
    assert_valid(limited, "/api/v1/areas")
    assert int(limited.headers["Retry-After"]) > 0


def test_expired_token_is_refused_in_the_document_format(app, client, tree):
    from sqlalchemy import update

    from pulse.extensions import db
    from pulse.models import ApiToken

    secret = issue_token(app, "old@example.org", "analyst", [tree.borough])
    with app.app_context():
        db.session.execute(update(ApiToken).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    response = client.get("/api/v1/responses/counts", headers=bearer(secret))
    assert response.status_code == 401 and "expired" in response.get_json()["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_valid(response, "/api/v1/responses/counts")
