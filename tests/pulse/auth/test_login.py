"""Signing in and out, server-side sessions, session fixation and timeouts."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.support import STAFF_PASSWORD, csrf_from, make_user, sign_in


def _make_officer(app, tree, email="officer@example.org"):
    with app.app_context():
        return make_user(email, "officer", [tree.ward_a])


def _shift_sessions(app, **deltas):
    """Move stored session times into the past, as if time had passed."""
    from pulse.extensions import db
    from pulse.models import LoginSession

    with app.app_context():
        for row in db.session.scalars(select(LoginSession)):
            for column, delta in deltas.items():
                setattr(row, column, getattr(row, column) - delta)
        db.session.commit()


def test_sign_in_lands_on_officer_page_and_sign_out_ends_it(app, client, tree):
    _make_officer(app, tree)
    response = sign_in(client, "Officer@Example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/officer/"
    page = client.get("/officer/")
    assert page.status_code == 200
    assert "Bellingham" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"

    out = client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    assert out.status_code == 302 and out.headers["Location"] == "/login"
    assert client.get("/officer/").status_code == 302


def test_logout_needs_post_with_csrf(app, client, tree):
    _make_officer(app, tree)
    sign_in(client, "officer@example.org")
    assert client.get("/logout").status_code == 405
    # A browser's form with no CSRF token: refused by the CSRF check.
    assert client.post("/logout", data={},
                       content_type="application/x-www-form-urlencoded").status_code == 400
    # No body type at all is not a browser's form: refused before the CSRF check.
    assert client.post("/logout").status_code == 415
    assert client.get("/officer/").status_code == 200


def test_old_cookie_replayed_after_logout_is_refused(app, client, tree):
    _make_officer(app, tree)
    sign_in(client, "officer@example.org")
    stolen = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/officer/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    from tests.pulse.auth.conftest import login_session_rows

    assert [row.ended_reason for row in login_session_rows(app)] == ["logout"]


def test_session_is_new_at_sign_in(app, client, tree):
    """Anything planted in the session before sign-in is gone after it (session fixation)."""
    _make_officer(app, tree)
    with client.session_transaction() as sess:
        sess["_pulse_sid"] = "planted-by-an-attacker"
        sess["planted"] = "x"
    before = client.get_cookie("session").value
    sign_in(client, "officer@example.org")
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_pulse_sid"] != "planted-by-an-attacker"
    # A second sign-in gets yet another server-side session.
    first = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    sign_in(client, "officer@example.org")
    assert client.get_cookie("session").value != first
    from tests.pulse.auth.conftest import login_session_rows

    rows = login_session_rows(app)
    assert len(rows) == 2 and rows[0].token_hash != rows[1].token_hash


def test_cookie_flags(app, client, tree):
    _make_officer(app, tree)
    response = sign_in(client, "officer@example.org")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    assert "Expires" not in header  # a browser-session cookie: no remember-me
    app.config["SESSION_COOKIE_SECURE"] = True
    other = app.test_client()
    assert "Secure" in sign_in(other, "officer@example.org").headers["Set-Cookie"]


def test_cookie_is_secure_over_tls_even_unconfigured(app, tree):
    _make_officer(app, tree)
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost")
    from tests.support import form_tokens

    token = form_tokens(page.get_data(as_text=True))["csrf_token"]
    # Over HTTPS Flask-WTF also checks that the form came from this site.
    response = client.post("/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"}, data={
        "csrf_token": token, "email": "officer@example.org", "password": STAFF_PASSWORD})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_idle_timeout(app, client, tree):
    app.config["PULSE_SESSION_IDLE_SECONDS"] = 60
    _make_officer(app, tree)
    sign_in(client, "officer@example.org")
    assert client.get("/officer/").status_code == 200
    _shift_sessions(app, last_seen_at=timedelta(seconds=59))
    assert client.get("/officer/").status_code == 200  # active just in time: refreshed
    _shift_sessions(app, last_seen_at=timedelta(seconds=61))
    response = client.get("/officer/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "without activity" in page
    from tests.pulse.auth.conftest import login_session_rows

    assert login_session_rows(app)[0].ended_reason == "idle"


def test_absolute_timeout_even_when_active(app, client, tree):
    app.config["PULSE_SESSION_MAX_SECONDS"] = 3600
    _make_officer(app, tree)
    sign_in(client, "officer@example.org")
    _shift_sessions(app, created_at=timedelta(seconds=3599))
    assert client.get("/officer/").status_code == 200
    _shift_sessions(app, created_at=timedelta(seconds=2))
    response = client.get("/officer/")
    assert response.status_code == 302
    assert "time limit" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_wrong_password_and_unknown_user_get_the_same_answer(app, client, tree):
    _make_officer(app, tree)
    wrong = sign_in(client, "officer@example.org", "not the right password")
    unknown = sign_in(client, "nobody@example.org", "not the right password")
    assert wrong.status_code == unknown.status_code == 200
    message = "That email address and password do not match an account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_disabled_user_cannot_sign_in_and_is_signed_out(app, client, tree):
    from pulse.auth import operations as ops
    from pulse.auth.queries import user_by_email
    from pulse.extensions import db
    from pulse.models.types import utcnow

    _make_officer(app, tree)
    sign_in(client, "officer@example.org")
    with app.app_context():
        ops.set_disabled(user_by_email("officer@example.org"), True, utcnow())
        db.session.commit()
    assert client.get("/officer/").status_code == 302
    response = sign_in(app.test_client(), "officer@example.org")
    assert "do not match an account" in response.get_data(as_text=True)


def test_next_only_goes_to_this_site(app, client, tree):
    _make_officer(app, tree)
    assert sign_in(client, "officer@example.org", next="/account").headers["Location"] == "/account"
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        fresh = app.test_client()
        assert sign_in(fresh, "officer@example.org", next=evil).headers["Location"] == "/officer/"


def test_protected_page_sends_anonymous_to_sign_in_with_next(client, tree):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"
    api = client.get("/account", headers={"Accept": "application/json"})
    assert api.status_code == 401


def test_empty_form_is_told_what_is_missing(client):
    page = client.get("/login")
    from tests.support import form_tokens

    token = form_tokens(page.get_data(as_text=True))["csrf_token"]
    response = client.post("/login", data={"csrf_token": token, "email": "", "password": ""})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Enter your email address." in text and 'aria-invalid="true"' in text


def test_change_password_ends_other_sessions_but_not_this_one(app, client, tree):
    _make_officer(app, tree)
    sign_in(client, "officer@example.org")
    other = app.test_client()
    sign_in(other, "officer@example.org")
    new = "a brand new passphrase here"
    response = client.post("/account/password", data={
        "csrf_token": csrf_from(client, "/account"), "current_password": STAFF_PASSWORD,
        "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/officer/").status_code == 200
    assert other.get("/officer/").status_code == 302
    assert sign_in(app.test_client(), "officer@example.org", new).status_code == 302


def test_change_password_rejects_wrong_current_and_weak_new(app, client, tree):
    _make_officer(app, tree)
    sign_in(client, "officer@example.org")
    bad = client.post("/account/password", data={
        "csrf_token": csrf_from(client, "/account"), "current_password": "wrong wrong wrong",
        "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert bad.status_code == 422 and "not your current password" in bad.get_data(as_text=True)
    weak = client.post("/account/password", data={
        "csrf_token": csrf_from(client, "/account"), "current_password": STAFF_PASSWORD,
        "new_password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422 and "common passwords" in weak.get_data(as_text=True)


def test_account_pages_cannot_be_framed(client):
    for path in ("/login", "/reset?token=x"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
    # Resident pages may be cached, but are no more frameable than account pages.
    privacy = client.get("/privacy")
    assert "no-store" not in privacy.headers.get("Cache-Control", "")
    assert "frame-ancestors 'none'" in privacy.headers["Content-Security-Policy"]
