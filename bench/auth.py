"""What staff accounts cost: argon2id checks, the per-request session check, the scope filter.

    python -m bench.auth                  # SQLite
    python -m bench.auth --postgres       # PostgreSQL too (PULSE_TEST_DATABASE_URL or the default)

In one run, each figure beside its baseline:
- argon2id verify with argon2-cffi's defaults (what production uses), beside SHA-256 of the
  same password (what an unsalted fast hash would cost);
- server time of a signed-in page (/account: session row checked, user loaded), beside the
  anonymous /login page (same layout, a smaller form) and the bare /healthz endpoint of the
  same app, through Flask's test client; and the session check alone beside loading the user
  by primary key;
- scope: ids of every area under a borough of 600 wards through the recursive CTE, beside a
  plain select of the same wards; and one area checked by walking up its ancestors (what
  scoped_area_or_404 does), beside looking it up by code alone.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "lantern orbit gravel meadow"

# DEFAULT_PG, show and timed are also imported from here by older callers.
from bench.timing import DEFAULT_PG, postgres_schema, print_header, show, timed  # noqa: E402,F401


def bench_hashes() -> None:
    from argon2 import PasswordHasher

    ph = PasswordHasher()
    stored = ph.hash(PASSWORD)
    print(f"password check ({stored.split('$')[3]})")
    show("argon2id verify, argon2-cffi defaults", timed(lambda: ph.verify(stored, PASSWORD), 20))
    show("baseline: sha256 of the password", timed(
        lambda: hashlib.sha256(PASSWORD.encode()).hexdigest(), 2000))


def bench_backend(url: str, label: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from pulse import create_app
    from pulse.areas.operations import ensure_area
    from pulse.auth import operations as ops
    from pulse.auth.queries import user_by_email
    from pulse.auth.scope import area_ids_in_scope, area_in_scope
    from pulse.extensions import db
    from pulse.models import Area
    from tests.support import form_tokens

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        borough = ensure_area("B0", "Borough", "borough")
        for i in range(600):
            ensure_area(f"W{i:03d}", f"Ward {i}", "ward", borough)
        now = datetime.now(UTC)
        ops.create_user("officer@example.org", "officer", [borough], password=PASSWORD, now=now)
        db.session.commit()
        user = user_by_email("officer@example.org")
        user_id = user.id
        ward_ids = select(Area.id).where(Area.parent_id == borough.id)
        print(f"{label}: scope of a borough with 600 wards")
        show("area_ids_in_scope (recursive CTE)",
             timed(lambda: db.session.scalars(area_ids_in_scope(user)).all(), 200))
        show("baseline: plain select of the wards", timed(
            lambda: db.session.scalars(ward_ids).all(), 200))
        by_code = select(Area).where(Area.code == "W599")
        show("one area: lookup + area_in_scope (walks up)", timed(
            lambda: area_in_scope(db.session.scalar(by_code), user), 200))
        show("baseline: lookup by code only", timed(lambda: db.session.scalar(by_code), 200))
        db.session.remove()

    client = app.test_client()
    token = form_tokens(client.get("/login").get_data(as_text=True))["csrf_token"]
    assert client.post("/login", data={"csrf_token": token, "email": "officer@example.org",
                                       "password": PASSWORD}).status_code == 302
    print(f"{label}: server time per request (Flask test client)")
    show("GET /account signed in (session checked)",
         timed(lambda: client.get("/account"), 300))
    anonymous = app.test_client()
    show("baseline: GET /login anonymous (same layout)", timed(lambda: anonymous.get("/login"), 300))
    show("baseline: GET /healthz (bare endpoint)", timed(lambda: client.get("/healthz"), 300))
    with app.app_context():
        from pulse.auth import sessions
        from pulse.models import User

        token = sessions.start(db.session.get(User, user_id), datetime.now(UTC))
        db.session.commit()
        print(f"{label}: the check every signed-in request makes")
        show("sessions.check (row + user, timeouts)", timed(
            lambda: sessions.check(token, datetime.now(UTC)), 300))
        show("baseline: load the user by primary key", timed(
            lambda: db.session.get(User, user_id, populate_existing=True), 300))
        db.session.remove()
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print_header("bench.auth")
    bench_hashes()
    with tempfile.TemporaryDirectory() as tmp:
        bench_backend(f"sqlite:///{tmp}/bench.db", "SQLite")
    if args.postgres:
        with postgres_schema("bench_auth") as url:
            bench_backend(url, "PostgreSQL")


if __name__ == "__main__":
    main()
