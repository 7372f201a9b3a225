"""The optional second factor: enrolment with a confirming code, sign-in, replay, requirement."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp

from tests.support import csrf_from, form_tokens, make_user, sign_in


def _code_step(client, code: str):
    token = form_tokens(client.get("/login/code").get_data(as_text=True))["csrf_token"]
    return client.post("/login/code", data={"csrf_token": token, "code": code})


def _enrol(client) -> str:
    """Walk through enrolment as a user would; return the secret shown on the page."""
    client.post("/account/totp/start", data={"csrf_token": csrf_from(client, "/account/totp")})
    page = client.get("/account/totp").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert "otpauth://totp/" in page and "<svg" in page and "<script" not in page
    response = client.post("/account/totp/confirm", data={
        "csrf_token": csrf_from(client, "/account/totp"), "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return secret


def test_enrol_then_sign_in_needs_a_code(app, client, tree):
    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    sign_in(client, "officer@example.org")
    secret = _enrol(client)
    assert "An authenticator app is set up" in client.get("/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})

    fresh = app.test_client()
    response = sign_in(fresh, "officer@example.org")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/code")
    assert fresh.get("/officer/").status_code == 302  # not signed in yet
    wrong = _code_step(fresh, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 200 and "That code is not right" in wrong.get_data(as_text=True)
    # The code used for enrolment was spent; the sign-in needs a later one.
    later = pyotp.TOTP(secret).at(datetime.now(UTC).timestamp() + 30)
    assert _code_step(fresh, later).status_code == 302
    assert fresh.get("/officer/").status_code == 200


def test_a_code_cannot_be_used_twice(app, tree):
    secret = pyotp.random_base32()
    with app.app_context():
        make_user("admin@example.org", "admin", totp_secret=secret)
    code = pyotp.TOTP(secret).now()
    first = app.test_client()
    sign_in(first, "admin@example.org")
    assert _code_step(first, code).status_code == 302
    second = app.test_client()
    sign_in(second, "admin@example.org")
    assert _code_step(second, code).status_code == 200


def test_wrong_enrolment_code_leaves_it_off(app, client, tree):
    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    sign_in(client, "officer@example.org")
    client.post("/account/totp/start", data={"csrf_token": csrf_from(client, "/account/totp")})
    response = client.post("/account/totp/confirm", data={
        "csrf_token": csrf_from(client, "/account/totp"), "code": "12345x"})
    assert response.status_code == 422 and "did not match" in response.get_data(as_text=True)
    from pulse.auth.queries import user_by_email

    with app.app_context():
        assert not user_by_email("officer@example.org").totp_enabled


def test_required_second_factor_must_be_set_up_before_anything_else(app, client, tree):
    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a], totp_required=True)
    sign_in(client, "officer@example.org")
    response = client.get("/officer/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/totp"
    api = client.get("/officer/", headers={"Accept": "application/json"})
    assert api.status_code == 403 and api.is_json
    _enrol(client)
    assert client.get("/officer/").status_code == 200
    # And it cannot be removed while required.
    client.post("/account/totp/remove", data={"csrf_token": csrf_from(client, "/account/totp"),
                                               "password": "lantern orbit gravel meadow"})
    from pulse.auth.queries import user_by_email

    with app.app_context():
        assert user_by_email("officer@example.org").totp_enabled


def test_remove_second_factor_needs_password(app, client, tree):
    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    sign_in(client, "officer@example.org")
    _enrol(client)
    bad = client.post("/account/totp/remove", data={
        "csrf_token": csrf_from(client, "/account/totp"), "password": "not my password at all"})
    assert bad.status_code == 422
    good = client.post("/account/totp/remove", data={
        "csrf_token": csrf_from(client, "/account/totp"), "password": "lantern orbit gravel meadow"})
    assert good.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    assert sign_in(client, "officer@example.org").headers["Location"] == "/officer/"


def test_code_page_without_password_step_goes_back_to_sign_in(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_codes_accept_one_step_of_drift_only():
    from pulse.auth.totp import matching_step

    secret = pyotp.random_base32()
    now = datetime.now(UTC)
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    assert matching_step(secret, totp.generate_otp(step - 1), now, None) == step - 1
    assert matching_step(secret, totp.generate_otp(step + 1), now, None) == step + 1
    assert matching_step(secret, totp.generate_otp(step - 3), now, None) is None
    assert matching_step(secret, totp.generate_otp(step), now, step) is None
    assert matching_step(secret, "12 34 56", now, None) in (None, step)
