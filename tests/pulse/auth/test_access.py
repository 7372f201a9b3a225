"""Who may open what: a role x route matrix, a check that every route has a rule, and scope."""
from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from tests.support import csrf_from, make_user, sign_in

ROLES = ("admin", "analyst", "officer", "viewer")
#: Blueprints that serve residents and the public; every other route needs an explicit rule.
PUBLIC_BLUEPRINTS = {None, "main", "survey", "codes"}

# endpoint: (method, path, {who: expected status}), tried in this order; "anon" is nobody
# signed in. Signing out comes last because it ends the session the others use.
# {target} is another user's id (for the admin pages).
E = lambda anon, admin, analyst, officer, viewer: dict(  # noqa: E731
    anon=anon, admin=admin, analyst=analyst, officer=officer, viewer=viewer)
MATRIX = {
    "auth.login": ("GET", "/login", E(200, 302, 302, 302, 302)),
    "auth.code": ("GET", "/login/code", E(302, 302, 302, 302, 302)),
    "auth.account": ("GET", "/account", E(302, 200, 200, 200, 200)),
    "auth.change_password": ("POST", "/account/password", E(302, 422, 422, 422, 422)),
    "auth.totp_page": ("GET", "/account/totp", E(302, 200, 200, 200, 200)),
    "auth.totp_start": ("POST", "/account/totp/start", E(302, 302, 302, 302, 302)),
    "auth.totp_confirm": ("POST", "/account/totp/confirm", E(302, 422, 422, 422, 422)),
    "auth.totp_remove": ("POST", "/account/totp/remove", E(302, 422, 422, 422, 422)),
    "auth.reset": ("GET", "/reset?token=not-a-token", E(404, 404, 404, 404, 404)),
    "admin_users.index": ("GET", "/admin/users/", E(302, 200, 403, 403, 403)),
    "admin_users.create": ("GET", "/admin/users/new", E(302, 200, 403, 403, 403)),
    "admin_users.edit": ("GET", "/admin/users/{target}", E(302, 200, 403, 403, 403)),
    "admin_users.disable": ("POST", "/admin/users/{target}/disable", E(302, 302, 403, 403, 403)),
    "admin_users.enable": ("POST", "/admin/users/{target}/enable", E(302, 302, 403, 403, 403)),
    "admin_users.reset": ("POST", "/admin/users/{target}/reset", E(302, 200, 403, 403, 403)),
    "officer.index": ("GET", "/officer/", E(302, 200, 200, 200, 200)),
    # No wave is open in this tree, so those let through get 410 (Gone), not the form.
    "collect.assist": ("GET", "/assist/E05000437", E(302, 410, 403, 410, 403)),
    "collect.service_worker": ("GET", "/sw.js", E(200, 200, 200, 200, 200)),
    "collect.manifest": ("GET", "/manifest.webmanifest", E(200, 200, 200, 200, 200)),
    "officer.area": ("GET", "/officer/area/E05000437", E(302, 200, 200, 200, 200)),
    "officer.priorities": ("GET", "/officer/area/E05000437/priorities", E(302, 200, 200, 200, 200)),
    "officer.decide": ("POST", "/officer/area/E05000437/priorities", E(302, 404, 404, 404, 403)),
    "officer.update_action": ("POST", "/officer/actions/999999", E(302, 404, 404, 404, 403)),
    "officer.comments": ("GET", "/officer/comments", E(302, 200, 200, 200, 200)),
    "officer.labelling": ("GET", "/officer/labelling", E(302, 200, 200, 200, 200)),
    "officer.label": ("POST", "/officer/comments/999999/label", E(302, 404, 404, 404, 403)),
    "officer.approve": ("POST", "/officer/comments/999999/approve", E(302, 404, 404, 404, 403)),
    "packs.request_form": ("GET", "/officer/area/E05000437/pack", E(302, 200, 200, 200, 403)),
    # No period given: refused with a reason (422); viewers may not build packs at all.
    "packs.request_pack": ("POST", "/officer/area/E05000437/pack", E(302, 422, 422, 422, 403)),
    "packs.run": ("GET", "/officer/packs/999999", E(302, 404, 404, 404, 404)),
    "packs.download": ("GET", "/officer/packs/999999/download", E(302, 404, 404, 404, 404)),
    "packs.subscriptions": ("GET", "/admin/packs/", E(302, 200, 403, 403, 403)),
    "packs.subscribe": ("POST", "/admin/packs/", E(302, 422, 403, 403, 403)),
    "packs.stop": ("POST", "/admin/packs/999999/stop", E(302, 404, 403, 403, 403)),
    "admin.index": ("GET", "/admin/", E(302, 200, 403, 403, 403)),
    "admin.flagged": ("GET", "/admin/responses/flagged", E(302, 200, 403, 403, 403)),
    "admin.review": ("GET", "/admin/responses/999999", E(302, 404, 403, 403, 403)),
    "admin.exclude": ("POST", "/admin/responses/999999/exclude", E(302, 404, 403, 403, 403)),
    "admin.restore": ("POST", "/admin/responses/999999/restore", E(302, 404, 403, 403, 403)),
    "admin.waves": ("GET", "/admin/waves/", E(302, 200, 403, 403, 403)),
    "admin.open_wave": ("POST", "/admin/waves/", E(302, 422, 403, 403, 403)),
    "admin.wave": ("GET", "/admin/waves/999999", E(302, 404, 403, 403, 403)),
    "admin.close_wave": ("POST", "/admin/waves/999999/close", E(302, 404, 403, 403, 403)),
    "admin.areas": ("GET", "/admin/areas/", E(302, 200, 403, 403, 403)),
    "admin.area": ("GET", "/admin/areas/E05000437", E(302, 200, 403, 403, 403)),
    "admin.retire_area_view": ("POST", "/admin/areas/NO-SUCH/retire", E(302, 404, 403, 403, 403)),
    "admin.restore_area_view": ("POST", "/admin/areas/NO-SUCH/restore", E(302, 404, 403, 403, 403)),
    "admin.boundaries": ("GET", "/admin/areas/boundaries", E(302, 200, 403, 403, 403)),
    "admin.boundaries_confirm": ("POST", "/admin/areas/boundaries/confirm",
                                 E(302, 302, 403, 403, 403)),
    "admin.margins": ("GET", "/admin/areas/margins", E(302, 200, 403, 403, 403)),
    "admin.margins_confirm": ("POST", "/admin/areas/margins/confirm", E(302, 302, 403, 403, 403)),
    "admin.instruments": ("GET", "/admin/instruments/", E(302, 200, 403, 403, 403)),
    "admin.preview": ("GET", "/admin/instruments/none/preview", E(302, 404, 403, 403, 403)),
    "admin.local_new": ("GET", "/admin/instruments/new", E(302, 200, 403, 403, 403)),
    "admin.local_edit": ("GET", "/admin/instruments/none/edit", E(302, 404, 403, 403, 403)),
    "admin.audit": ("GET", "/admin/audit/", E(302, 200, 403, 403, 403)),
    "admin.audit_csv": ("POST", "/admin/audit/export.csv", E(302, 200, 403, 403, 403)),
    # Exports: estimates for every role; comments and responses for analysts and admins.
    "exports.index": ("GET", "/exports/", E(302, 200, 200, 200, 200)),
    "exports.estimates": ("POST", "/exports/estimates", E(302, 200, 200, 200, 200)),
    "exports.comments": ("POST", "/exports/comments", E(302, 200, 200, 403, 403)),
    "exports.responses": ("POST", "/exports/responses", E(302, 200, 200, 403, 403)),
    # A background XLSX run is its owner's only: any other token is 404, whoever asks.
    "exports.run": ("GET", "/exports/runs/" + "0" * 32, E(302, 404, 404, 404, 404)),
    "exports.download": ("GET", "/exports/runs/" + "0" * 32 + "/download",
                         E(302, 404, 404, 404, 404)),
    "api_tokens.index": ("GET", "/account/tokens", E(302, 200, 200, 200, 200)),
    "api_tokens.create": ("POST", "/account/tokens", E(302, 422, 422, 422, 422)),
    "api_tokens.revoke": ("POST", "/account/tokens/999999/revoke", E(302, 404, 404, 404, 404)),
    "api_tokens.admin_index": ("GET", "/admin/api-tokens", E(302, 200, 403, 403, 403)),
    "api_tokens.admin_revoke": ("POST", "/admin/api-tokens/999999/revoke",
                                E(302, 404, 403, 403, 403)),
    "auth.logout": ("POST", "/logout", E(302, 302, 302, 302, 302)),
}


def test_every_route_has_an_access_rule(app):
    """A new staff route without @roles_required/@login_required/@public fails here."""
    from pulse.auth.decorators import access_rule

    missing = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0] or None
        if rule.endpoint == "static" or blueprint in PUBLIC_BLUEPRINTS:
            continue
        if access_rule(app.view_functions[rule.endpoint]) is None:
            missing.append(f"{rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access rule: " + ", ".join(missing)


def test_every_account_route_is_in_the_matrix(app):
    ours = {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in ("auth", "admin_users", "officer", "admin",
                                                  "collect", "packs", "exports", "api_tokens")}
    assert ours == set(MATRIX), f"add to MATRIX: {sorted(ours - set(MATRIX))}"


@pytest.mark.parametrize("who", ("anon",) + ROLES)
def test_role_route_matrix(app, client, tree, who):
    """Every route in MATRIX, in order (signing out last), as one kind of user."""
    with app.app_context():
        make_user("keeper@example.org", "admin")  # so "the last admin" rules never apply
        target = make_user("target@example.org", "viewer", [tree.ward_b])
    if who != "anon":
        with app.app_context():
            make_user(f"{who}@example.org", who, [] if who == "admin" else [tree.ward_a])
        assert sign_in(client, f"{who}@example.org").status_code == 302
    wrong = []
    for endpoint, (method, path, expected) in MATRIX.items():
        path = path.format(target=target)
        if method == "GET":
            response = client.get(path)
        else:
            token = csrf_from(client, "/login" if who == "anon" else "/account")
            response = client.post(path, data={"csrf_token": token})
        # A streamed download keeps its request context until the body is closed, as a WSGI
        # server always does; left open, it would pop that context in the middle of a later request.
        response.close()
        if response.status_code != expected[who]:
            wrong.append(f"{method} {path}: {response.status_code}, expected {expected[who]}")
    assert not wrong, f"as {who}: " + "; ".join(wrong)


# --- scope ---------------------------------------------------------------------------------

def _scope_probe(app):
    """A route using the scope helpers as other blueprints will (guessed URL and API)."""
    from pulse.auth.decorators import login_required
    from pulse.auth.scope import scoped_area_or_404

    bp = Blueprint("probe", __name__)

    @bp.get("/probe/<code>")
    @login_required
    def page(code):
        return scoped_area_or_404(code).name

    @bp.get("/api/probe/<code>")
    @login_required
    def api(code):
        return jsonify(name=scoped_area_or_404(code).name)

    app.register_blueprint(bp)


def test_scope_is_the_subtree_and_nothing_else_over_http(app, client, tree):
    _scope_probe(app)
    with app.app_context():
        make_user("ward@example.org", "officer", [tree.ward_a])
    sign_in(client, "ward@example.org")
    assert client.get(f"/probe/{tree.ward_a}").status_code == 200
    assert client.get(f"/probe/{tree.ward_a_child}").status_code == 200
    for outside in (tree.ward_b, tree.borough, tree.other_borough, tree.other_ward, "NOPE"):
        assert client.get(f"/probe/{outside}").status_code == 404, outside
        api = client.get(f"/api/probe/{outside}")
        assert api.status_code == 404 and api.is_json, outside
    # Outside and non-existent look the same.
    outside = client.get(f"/probe/{tree.ward_b}").get_data(as_text=True)
    missing = client.get("/probe/NOPE").get_data(as_text=True)
    assert outside.replace(tree.ward_b, "NOPE") == missing


def test_borough_scope_includes_every_ward_below(app, client, tree):
    _scope_probe(app)
    with app.app_context():
        make_user("borough@example.org", "analyst", [tree.borough])
    sign_in(client, "borough@example.org")
    for inside in (tree.borough, tree.ward_a, tree.ward_a_child, tree.ward_b):
        assert client.get(f"/probe/{inside}").status_code == 200, inside
    assert client.get(f"/probe/{tree.other_ward}").status_code == 404


def _codes(app, email, **kw):
    from sqlalchemy import select

    from pulse.auth.queries import user_by_email
    from pulse.auth.scope import area_ids_in_scope, area_in_scope, areas_in_scope, restrict_to_scope
    from pulse.extensions import db
    from pulse.models import Area

    with app.app_context():
        user = user_by_email(email)
        ids = db.session.scalars(area_ids_in_scope(user)).all()
        assert len(ids) == len(set(ids))
        stmt = restrict_to_scope(select(Area.code), Area.id, user)
        codes = set(db.session.scalars(stmt))
        assert codes == {a.code for a in areas_in_scope(user)}
        # Walking up from one area (scoped_area_or_404) agrees with walking down.
        every = db.session.scalars(select(Area)).all()
        assert {a.code for a in every if area_in_scope(a, user)} == codes
        return codes


def test_scope_helpers_several_roots_overlap_and_admin(app, tree):
    with app.app_context():
        make_user("two@example.org", "viewer", [tree.ward_a, tree.other_borough])
        make_user("overlap@example.org", "officer", [tree.borough, tree.ward_a])
        make_user("admin@example.org", "admin")
    assert _codes(app, "two@example.org") == {
        tree.ward_a, tree.ward_a_child, tree.other_borough, tree.other_ward}
    assert _codes(app, "overlap@example.org") == {
        tree.borough, tree.ward_a, tree.ward_a_child, tree.ward_b}
    assert len(_codes(app, "admin@example.org")) == 6


def test_restrict_to_scope_on_another_table(app, tree):
    """Any select with an area id column can be narrowed (here population margins)."""
    from sqlalchemy import select

    from pulse.auth.queries import user_by_email
    from pulse.auth.scope import in_scope_clause, restrict_to_scope
    from pulse.extensions import db
    from pulse.models import Area, PopulationMargin

    with app.app_context():
        make_user("ward@example.org", "officer", [tree.ward_a])
        for area in db.session.scalars(select(Area)):
            db.session.add(PopulationMargin(area_id=area.id, dimension="sex", category="female",
                                            population=100))
        db.session.commit()
        user = user_by_email("ward@example.org")
        stmt = (select(Area.code).join(PopulationMargin, PopulationMargin.area_id == Area.id))
        scoped = restrict_to_scope(stmt, PopulationMargin.area_id, user)
        assert set(db.session.scalars(scoped)) == {tree.ward_a, tree.ward_a_child}
        clause = stmt.where(in_scope_clause(PopulationMargin.area_id, user))
        assert set(db.session.scalars(clause)) == {tree.ward_a, tree.ward_a_child}


def test_officer_landing_lists_only_their_areas(app, client, tree):
    with app.app_context():
        make_user("ward@example.org", "officer", [tree.ward_a])
    sign_in(client, "ward@example.org")
    page = client.get("/officer/").get_data(as_text=True)
    assert "Bellingham" in page and "Bellingham North" in page
    assert "Blackheath" not in page and "Peckham" not in page


def test_auth_fixture_signs_in_any_role(auth, client, tree):
    auth.login("viewer", areas=[tree.ward_a])
    assert client.get("/officer/").status_code == 200
    assert client.get("/admin/users/").status_code == 403
    auth.logout()
    assert client.get("/officer/").status_code == 302


# --- the API: the same matrix with personal tokens instead of sessions --------------------

#: endpoint: (path, {who: status}); "anon" sends no token, the others a token of that role
#: scoped to ward A (the admin's covers everything). Public routes ignore tokens.
API_MATRIX = {
    "api.openapi": ("/api/v1/openapi.json", E(200, 200, 200, 200, 200)),
    "api.areas": ("/api/v1/areas", E(200, 200, 200, 200, 200)),
    "api.area": ("/api/v1/areas/E05000438", E(200, 200, 200, 200, 200)),
    "api.estimates": ("/api/v1/estimates?area=E05000438", E(200, 200, 200, 200, 200)),
    "api.topic_shares": ("/api/v1/topics/shares?area=E05000438", E(200, 200, 200, 200, 200)),
    "api.actions": ("/api/v1/actions?area=E05000438", E(200, 200, 200, 200, 200)),
    "api.response_counts": ("/api/v1/responses/counts?area=E05000437",
                            E(401, 200, 200, 200, 200)),
    "api.response_counts(outside)": ("/api/v1/responses/counts?area=E05000438",
                                     E(401, 200, 404, 404, 404)),
    "api.response_counts(borough)": ("/api/v1/responses/counts?area=E09000023",
                                     E(401, 200, 404, 404, 404)),
    "api.comments": ("/api/v1/comments?area=E05000437", E(401, 200, 200, 403, 403)),
    "api.comments(outside)": ("/api/v1/comments?area=E05000438", E(401, 200, 404, 403, 403)),
}


def test_every_api_route_is_in_the_api_matrix(app):
    ours = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert ours == {e.split("(")[0] for e in API_MATRIX}, "add to API_MATRIX"


@pytest.mark.parametrize("who", ("anon",) + ROLES)
def test_api_role_route_matrix(app, client, tree, who):
    from datetime import UTC, datetime

    from pulse.api import tokens
    from pulse.auth.queries import user_by_email
    from pulse.extensions import db

    headers = {}
    if who != "anon":
        with app.app_context():
            make_user(f"{who}@example.org", who, [] if who == "admin" else [tree.ward_a])
            issued = tokens.issue(user_by_email(f"{who}@example.org"), "matrix", days=1,
                                  now=datetime.now(UTC))
            db.session.commit()
            headers = {"Authorization": f"Bearer {issued.secret}"}
    wrong = []
    for endpoint, (path, expected) in API_MATRIX.items():
        response = client.get(path, headers=headers)
        if response.status_code != expected[who]:
            wrong.append(f"{path}: {response.status_code}, expected {expected[who]}")
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", path
    assert not wrong, f"as {who}: " + "; ".join(wrong)
