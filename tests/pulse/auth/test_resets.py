"""Admin-issued password resets: one use, expiry, sessions ended, earlier links revoked."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.support import csrf_from, form_tokens, make_user, sign_in

NEW = "quiet harbour ladder seven"


def _issue(app, email: str, **kw) -> str:
    from pulse.auth import operations as ops
    from pulse.auth.queries import user_by_email
    from pulse.extensions import db
    from pulse.models.types import utcnow

    with app.app_context():
        token = ops.issue_reset(user_by_email(email), utcnow(), **kw)
        db.session.commit()
        return token


def _set(client, token: str, password: str = NEW):
    page = client.get(f"/reset?token={token}")
    if page.status_code != 200:
        return page
    csrf = form_tokens(page.get_data(as_text=True))["csrf_token"]
    return client.post(f"/reset?token={token}", data={"csrf_token": csrf, "new_password": password,
                                                "confirm": password})


def test_reset_sets_password_once_and_ends_sessions(app, client, tree):
    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    signed_in = app.test_client()
    sign_in(signed_in, "officer@example.org")
    token = _issue(app, "officer@example.org")

    page = client.get(f"/reset?token={token}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert _set(client, token).status_code == 302
    assert signed_in.get("/officer/").status_code == 302         # every session ended
    assert sign_in(app.test_client(), "officer@example.org", NEW).status_code == 302
    again = _set(app.test_client(), token, "another fine passphrase")
    assert again.status_code == 404 and "does not work" in again.get_data(as_text=True)


def test_reset_links_expire(app, client, tree):
    from pulse.extensions import db
    from pulse.models import PasswordReset

    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    token = _issue(app, "officer@example.org")
    with app.app_context():
        row = db.session.scalar(select(PasswordReset))
        row.expires_at = row.created_at + timedelta(hours=24) - timedelta(hours=25)
        db.session.commit()
    assert client.get(f"/reset?token={token}").status_code == 404


def test_a_new_link_revokes_the_old_one(app, client, tree):
    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    old = _issue(app, "officer@example.org")
    new = _issue(app, "officer@example.org")
    assert client.get(f"/reset?token={old}").status_code == 404
    assert client.get(f"/reset?token={new}").status_code == 200


def test_tokens_are_stored_hashed(app, tree):
    from pulse.extensions import db
    from pulse.models import PasswordReset

    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    token = _issue(app, "officer@example.org")
    with app.app_context():
        row = db.session.scalar(select(PasswordReset))
        assert token not in row.token_hash and len(row.token_hash) == 64


def test_weak_password_on_reset_is_refused_and_link_still_works(app, client, tree):
    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
    token = _issue(app, "officer@example.org")
    short = _set(client, token, "short")
    assert short.status_code == 422 and "at least 12" in short.get_data(as_text=True)
    mismatch = client.post(f"/reset?token={token}", data={
        "csrf_token": csrf_from(client, f"/reset?token={token}"), "new_password": NEW, "confirm": NEW + "x"})
    assert mismatch.status_code == 422 and "not the same" in mismatch.get_data(as_text=True)
    assert _set(client, token).status_code == 302


def test_reset_can_clear_a_lost_second_factor(app, client, tree):
    import pyotp

    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a], totp_secret=pyotp.random_base32())
    token = _issue(app, "officer@example.org", clear_totp=True)
    assert _set(client, token).status_code == 302
    assert sign_in(client, "officer@example.org", NEW).headers["Location"] == "/officer/"


def test_unknown_or_silly_tokens_are_404(client):
    assert client.get("/reset?token=nonsense").status_code == 404
    assert client.get("/reset?token=" + "x" * 300).status_code == 404
    assert client.get("/reset").status_code == 404
