"""Password hashing and the rules for new passwords."""
from __future__ import annotations

import pytest

from tests.support import make_user, sign_in


def test_default_hash_is_argon2id_with_argon2_cffi_defaults(app):
    from pulse.auth.passwords import hash_password, verify_password

    app.config["PULSE_ARGON2"] = {}
    with app.app_context():
        stored = hash_password("lantern orbit gravel meadow")
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert verify_password(stored, "lantern orbit gravel meadow") == (True, False)
        assert verify_password(stored, "lantern orbit gravel meadoW") == (False, False)
        assert verify_password("not a hash", "anything") == (False, False)
        assert verify_password(None, "anything") == (False, False)


def test_hash_is_upgraded_at_sign_in_when_parameters_rise(app, client, tree):
    from pulse.auth.queries import user_by_email

    with app.app_context():
        make_user("officer@example.org", "officer", [tree.ward_a])
        assert ",t=1," in user_by_email("officer@example.org").password_hash
    app.config["PULSE_ARGON2"] = {"time_cost": 2, "memory_cost": 2048, "parallelism": 1}
    assert sign_in(client, "officer@example.org").status_code == 302
    with app.app_context():
        assert "$m=2048,t=2,p=1$" in user_by_email("officer@example.org").password_hash
    assert sign_in(app.test_client(), "officer@example.org").status_code == 302


@pytest.mark.parametrize("password, problem", [
    ("short pass", "at least 12"),
    ("x" * 257, "at most 256"),
    ("password1234", "common passwords"),
    ("QWERTYUIOP123", "common passwords"),
    ("aaaaaaaaaaaa", "common passwords"),
    ("aaaaaaaaaaaaaaa", "too few"),
    ("abababababababab", "too few"),
    ("officer.one@example.org", "email address"),
])
def test_weak_passwords_are_refused(app, password, problem):
    from pulse.auth.passwords import password_problems

    with app.app_context():
        problems = password_problems(password, "officer.one@example.org")
        assert any(problem in p for p in problems), problems


def test_a_good_passphrase_passes(app):
    from pulse.auth.passwords import password_problems

    with app.app_context():
        assert password_problems("lantern orbit gravel meadow", "a@example.org") == []


def test_common_password_list_ships_with_the_package():
    from pulse.auth.passwords import MIN_LENGTH, common_passwords

    words = common_passwords()
    assert len(words) > 200 and all(len(w) >= MIN_LENGTH for w in words)
