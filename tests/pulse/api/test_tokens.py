"""Personal tokens: made and revoked on the account page and the command line, stored as a hash,
refused when unknown, expired, revoked or disabled, and limited to the owner's scope."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from pulse.extensions import db
from pulse.models import ApiToken, AuditEvent
from tests.pulse.api.conftest import bearer, issue_token
from tests.support import csrf_from, make_user, sign_in

TOKEN = re.compile(r'<code id="new-token">(npt_[A-Za-z0-9_-]+)</code>')


def _make_on_page(client, name="ward dashboard", days="30"):
    token = csrf_from(client, "/account/tokens")
    page = client.post("/account/tokens", data={"csrf_token": token, "name": name, "days": days})
    return page, TOKEN.search(page.get_data(as_text=True))


def _audit(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_hashed(app, client, auth, tree):
    auth.login("officer", areas=[tree.ward_a])
    page, found = _make_on_page(client)
    assert page.status_code == 201 and found
    assert page.headers["Cache-Control"] == "no-store"
    secret = found.group(1)
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert row.prefix == secret[:12] and row.name == "ward dashboard"
        assert (row.expires_at - row.created_at).days == 30
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing and secret[:12] in listing
    assert client.get("/api/v1/responses/counts", headers=bearer(secret)).status_code == 200
    assert _audit(app) == ["api.token.create", "api.responses.counts"]


def test_a_bad_name_is_refused_with_a_message(client, auth, tree):
    auth.login("viewer", areas=[tree.ward_a])
    page, found = _make_on_page(client, name="")
    assert page.status_code == 422 and found is None
    assert "Give the token a name" in page.get_data(as_text=True)


def test_owners_revoke_their_own_tokens_admins_any(app, client, auth, tree):
    mine = issue_token(app, "officer@example.org", "officer", [tree.ward_a])
    theirs = issue_token(app, "other@example.org", "officer", [tree.ward_b])
    with app.app_context():
        ids = {t.user_id: t.id for t in db.session.scalars(select(ApiToken))}
        mine_id, theirs_id = sorted(ids.values())
    auth.login("officer", areas=[tree.ward_a])
    csrf = csrf_from(client, "/account/tokens")
    # Someone else's token is not there at all, and their token keeps working.
    assert client.post(f"/account/tokens/{theirs_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.get("/api/v1/responses/counts", headers=bearer(theirs)).status_code == 200
    assert client.post(f"/account/tokens/{mine_id}/revoke", data={"csrf_token": csrf}).status_code == 302
    refused = client.get("/api/v1/responses/counts", headers=bearer(mine))
    assert refused.status_code == 401 and "revoked" in refused.get_json()["detail"]
    auth.logout()
    auth.login("admin")
    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "other@example.org" in listing and "officer@example.org" in listing
    csrf = csrf_from(client, "/admin/api-tokens")
    assert client.post(f"/admin/api-tokens/{theirs_id}/revoke", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/api/v1/responses/counts", headers=bearer(theirs)).status_code == 401
    assert _audit(app).count("api.token.revoke") == 2


def test_a_disabled_account_s_token_stops_working(app, client, tree):
    from datetime import UTC, datetime

    from pulse.auth.queries import user_by_email

    secret = issue_token(app, "leaver@example.org", "analyst", [tree.borough])
    assert client.get("/api/v1/responses/counts", headers=bearer(secret)).status_code == 200
    with app.app_context():
        user_by_email("leaver@example.org").disabled_at = datetime.now(UTC)
        db.session.commit()
    response = client.get("/api/v1/responses/counts", headers=bearer(secret))
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def _counts(client, secret, area=None):
    url = "/api/v1/responses/counts" + (f"?area={area}" if area else "")
    return client.get(url, headers=bearer(secret))


def test_a_ward_officer_s_token_sees_the_ward_and_nothing_outside(app, client, tree):
    from pulse.models import Area, Response
    from pulse.instruments.operations import ensure_core

    with app.app_context():
        version = ensure_core()
        for code, count in ((tree.ward_a, 3), (tree.ward_a_child, 2), (tree.ward_b, 7),
                            (tree.other_ward, 4)):
            area_id = db.session.scalar(select(Area.id).where(Area.code == code))
            for i in range(count):
                db.session.add(Response(area_id=area_id, channel="web", version_id=version.id,
                                        submission_key=f"{code}-{i}"))
        db.session.commit()
    secret = issue_token(app, "ward@example.org", "officer", [tree.ward_a])
    inside = _counts(client, secret, tree.ward_a)
    assert inside.status_code == 200
    assert {r["area"]: r["total"] for r in inside.get_json()["items"]} == {
        tree.ward_a: 3, tree.ward_a_child: 2}
    assert inside.headers["Cache-Control"] == "private, no-cache"
    # Readable from another site's script that holds the token, never with credentials.
    assert inside.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in inside.headers
    # No area: the whole scope, and only the scope.
    everything = _counts(client, secret).get_json()["items"]
    assert {r["area"] for r in everything} == {tree.ward_a, tree.ward_a_child}
    missing = _counts(client, secret, "NOPE").get_json()
    for outside in (tree.ward_b, tree.borough, tree.other_borough, tree.other_ward):
        response = _counts(client, secret, outside)
        assert response.status_code == 404, outside
        # Outside the scope reads exactly like an area that does not exist.
        assert response.get_json()["detail"].replace(outside, "NOPE") == missing["detail"]
    borough = issue_token(app, "borough@example.org", "analyst", [tree.borough])
    rows = _counts(client, borough).get_json()["items"]
    assert {r["area"] for r in rows} == {tree.ward_a, tree.ward_a_child, tree.ward_b}
    with app.app_context():
        scopes = list(db.session.scalars(select(AuditEvent.scope).where(
            AuditEvent.action == "api.responses.counts").order_by(AuditEvent.id)))
        actors = set(db.session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "api.responses.counts")))
    assert scopes[0] == tree.ward_a and actors == {"ward@example.org", "borough@example.org"}


def test_public_routes_ignore_credentials(app, client, workspace):
    plain = client.get("/api/v1/areas")
    with_bad_token = client.get("/api/v1/areas", headers=bearer("npt_not-a-token"))
    assert with_bad_token.status_code == 200
    assert with_bad_token.get_json() == plain.get_json()


def test_command_line_create_list_revoke(app, runner, tree):
    with app.app_context():
        make_user("cli@example.org", "analyst", [tree.borough])
    made = runner.invoke(args=["users", "token", "create", "--email", "cli@example.org",
                               "--name", "nightly sync", "--days", "7"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("npt_")
    listed = runner.invoke(args=["users", "token", "list"])
    assert "cli@example.org" in listed.output and "active" in listed.output
    assert secret not in listed.output
    client = app.test_client()
    assert client.get("/api/v1/responses/counts", headers=bearer(secret)).status_code == 200
    gone = runner.invoke(args=["users", "token", "revoke", "--prefix", secret[:12]])
    assert gone.exit_code == 0 and "revoked" in gone.output
    assert client.get("/api/v1/responses/counts", headers=bearer(secret)).status_code == 401
    assert "revoked" in runner.invoke(args=["users", "token", "list"]).output
    for bad in (["--days", "0"], ["--days", "400"]):
        refused = runner.invoke(args=["users", "token", "create", "--email", "cli@example.org",
                                      "--name", "x", *bad])
        assert refused.exit_code != 0 and "between 1 and 365" in refused.output
    nobody = runner.invoke(args=["users", "token", "create", "--email", "no@example.org", "--name", "x"])
    assert nobody.exit_code != 0 and "no account" in nobody.output
    with app.app_context():
        revoked_by = db.session.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "api.token.revoke"))
    assert revoked_by == "command line"
    assert _audit(app).count("api.token.create") == 1


def test_sign_in_still_works_with_a_token_page_link(app, client, tree):
    with app.app_context():
        make_user("v@example.org", "viewer", [tree.ward_a])
    sign_in(client, "v@example.org")
    assert "/account/tokens" in client.get("/account").get_data(as_text=True)


def test_comments_are_redacted_for_analysts_in_scope_only(app, client, api_data):
    from pulse.models import Comment

    t = api_data
    with app.app_context():
        flagged = db.session.scalars(select(Comment).order_by(Comment.id)).all()[-1]
        flagged.safeguarding_flag = True
        db.session.commit()
    analyst = issue_token(app, "analyst@example.org", "analyst", [t.borough])
    response = client.get(f"/api/v1/comments?area={t.ward_a}&per_page=200", headers=bearer(analyst))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache"
    body = response.get_json()
    text = response.get_data(as_text=True)
    assert body["total"] == 15  # 16 comments, one held for safeguarding
    assert "RAW-SECRET" not in text and "Rubbish on the corner 3" not in text
    assert {c["topic"] for c in body["items"]} == {"asb", "litter"}
    assert [c["month"] for c in body["items"]] == sorted((c["month"] for c in body["items"]), reverse=True)
    november = client.get(f"/api/v1/comments?area={t.ward_a}&period=2026-11&topic=asb",
                          headers=bearer(analyst)).get_json()
    assert november["total"] == 12 and {c["month"] for c in november["items"]} == {"2026-11"}
    # A ward analyst elsewhere sees none of them; an area outside scope is a 404.
    other = issue_token(app, "south@example.org", "analyst", [t.other_borough])
    assert client.get("/api/v1/comments", headers=bearer(other)).get_json()["total"] == 0
    assert client.get(f"/api/v1/comments?area={t.ward_a}", headers=bearer(other)).status_code == 404
    # Officers and viewers may not read comments through the API at all.
    officer = issue_token(app, "officer@example.org", "officer", [t.ward_a])
    refused = client.get("/api/v1/comments", headers=bearer(officer))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    with app.app_context():
        rows = db.session.execute(select(AuditEvent.actor, AuditEvent.scope, AuditEvent.rows)
                                  .where(AuditEvent.action == "api.comments")
                                  .order_by(AuditEvent.id)).all()
    assert rows[0] == ("analyst@example.org", t.ward_a, 15)
    assert rows[1] == ("analyst@example.org", f"{t.ward_a} 2026-11", 12)
    assert len(rows) == 3  # the refused and the 404 requests wrote nothing


def test_an_admin_linked_to_areas_sees_and_revokes_only_their_accounts_tokens(app, client, auth,
                                                                              tree):
    inside = issue_token(app, "inside@example.org", "officer", [tree.ward_a])
    outside = issue_token(app, "outside@example.org", "officer", [tree.ward_b])
    with app.app_context():
        ids = dict(db.session.execute(
            select(ApiToken.user_id, ApiToken.id).order_by(ApiToken.id)).all())
        inside_id, outside_id = sorted(ids.values())
    auth.login("admin", areas=[tree.ward_a], email="ward.admin@example.org")
    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "inside@example.org" in listing and "outside@example.org" not in listing
    csrf = csrf_from(client, "/admin/api-tokens")
    assert client.post(f"/admin/api-tokens/{outside_id}/revoke",
                       data={"csrf_token": csrf}).status_code == 404
    assert client.get("/api/v1/responses/counts", headers=bearer(outside)).status_code == 200
    assert client.post(f"/admin/api-tokens/{inside_id}/revoke",
                       data={"csrf_token": csrf}).status_code == 302
    assert client.get("/api/v1/responses/counts", headers=bearer(inside)).status_code == 401
