"""Admin user pages: create with a one-time link, edit role and areas, disable, reset."""
from __future__ import annotations

import re

from tests.support import csrf_from, form_tokens, make_user, sign_in


def _admin(app, client):
    with app.app_context():
        make_user("admin@example.org", "admin")
    sign_in(client, "admin@example.org")


def _user_id(app, email):
    from pulse.auth.queries import user_by_email

    with app.app_context():
        return user_by_email(email).id


def test_admin_creates_a_user_who_sets_a_password_and_signs_in(app, client, tree):
    _admin(app, client)
    response = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(client, "/admin/users/new"), "email": "new@example.org",
        "name": "New Officer", "role": "officer", "areas": f"{tree.ward_a}, {tree.ward_b}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = re.search(r'value="(http://localhost/reset\?token=[^"]+)"', response.get_data(as_text=True))
    path = link.group(1).removeprefix("http://localhost")

    newcomer = app.test_client()
    page = newcomer.get(path)
    token = form_tokens(page.get_data(as_text=True))["csrf_token"]
    done = newcomer.post(path, data={"csrf_token": token, "new_password": "quiet harbour ladder",
                                     "confirm": "quiet harbour ladder"})
    assert done.status_code == 302
    assert sign_in(newcomer, "new@example.org", "quiet harbour ladder").status_code == 302
    listing = client.get("/admin/users/").get_data(as_text=True)
    assert "new@example.org" in listing and f"{tree.ward_a}, {tree.ward_b}" in listing


def test_create_form_shows_errors_by_the_fields(app, client, tree):
    _admin(app, client)
    response = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(client, "/admin/users/new"), "email": "someone@example.org",
        "role": "viewer", "areas": "NOPE1 NOPE2"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "No area has the code NOPE1, NOPE2." in text
    assert 'aria-describedby="hint-areas err-areas"' in text and 'href="#areas"' in text
    none = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(client, "/admin/users/new"), "email": "someone@example.org",
        "role": "viewer", "areas": ""})
    assert none.status_code == 422 and "at least one area" in none.get_data(as_text=True)
    dup = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(client, "/admin/users/new"), "email": "ADMIN@example.org",
        "role": "admin"})
    assert dup.status_code == 422 and "already an account" in dup.get_data(as_text=True)


def test_changing_role_or_areas_signs_the_user_out(app, client, tree):
    _admin(app, client)
    with app.app_context():
        make_user("o@example.org", "officer", [tree.ward_a])
    officer = app.test_client()
    sign_in(officer, "o@example.org")
    uid = _user_id(app, "o@example.org")
    page = client.get(f"/admin/users/{uid}").get_data(as_text=True)
    assert tree.ward_a in page
    response = client.post(f"/admin/users/{uid}", data={
        "csrf_token": csrf_from(client, f"/admin/users/{uid}"), "name": "O",
        "role": "analyst", "areas": tree.borough, "totp_required": "y"})
    assert response.status_code == 302
    assert officer.get("/officer/").status_code == 302
    sign_in(officer, "o@example.org")
    # The new rule applies at once: set up a second factor first.
    assert officer.get("/officer/").headers["Location"] == "/account/totp"


def test_last_admin_cannot_be_demoted_or_disabled(app, client, tree):
    _admin(app, client)
    uid = _user_id(app, "admin@example.org")
    demote = client.post(f"/admin/users/{uid}", data={
        "csrf_token": csrf_from(client, f"/admin/users/{uid}"), "role": "viewer",
        "areas": tree.ward_a})
    assert demote.status_code == 422 and "last active admin" in demote.get_data(as_text=True)
    disable = client.post(f"/admin/users/{uid}/disable",
                          data={"csrf_token": csrf_from(client, "/admin/users/")})
    assert disable.status_code == 302
    assert "cannot be disabled" in client.get(disable.headers["Location"]).get_data(as_text=True)


def test_unknown_user_id_is_404(app, client, tree):
    _admin(app, client)
    assert client.get("/admin/users/99999").status_code == 404
    assert client.post("/admin/users/99999/disable",
                       data={"csrf_token": csrf_from(client, "/admin/users/")}).status_code == 404


def test_admin_pages_have_no_inline_script(app, client, tree):
    _admin(app, client)
    uid = _user_id(app, "admin@example.org")
    for path in ("/admin/users/", "/admin/users/new", f"/admin/users/{uid}", "/account",
                 "/account/totp", "/officer/"):
        text = client.get(path).get_data(as_text=True)
        assert "<script" not in text and "onclick" not in text, path


def test_an_edit_without_the_areas_field_keeps_the_users_areas(app, client, tree):
    # A browser always sends the box; a hand-made POST that leaves it out once reached the
    # view as the user's list of areas (WTForms keeps the object's attribute) and was a 500.
    _admin(app, client)
    with app.app_context():
        make_user("o@example.org", "officer", [tree.ward_a])
    uid = _user_id(app, "o@example.org")
    response = client.post(f"/admin/users/{uid}", data={
        "csrf_token": csrf_from(client, f"/admin/users/{uid}"), "role": "officer"})
    assert response.status_code == 302
    assert tree.ward_a in client.get(f"/admin/users/{uid}").get_data(as_text=True)
    with app.app_context():
        from pulse.auth.queries import user_by_email

        assert [a.code for a in user_by_email("o@example.org").areas] == [tree.ward_a]
