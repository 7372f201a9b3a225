"""The audit log records who took what data out, and is kept when the account goes."""
from pulse.audit import record
from pulse.extensions import db
from pulse.models import AuditEvent, User


def test_record_keeps_actor_scope_and_rows(app):
    with app.app_context():
        user = User(email="analyst@example.org", role="analyst", password_hash="x")
        db.session.add(user)
        db.session.flush()
        record("export.estimates.csv", user=user, areas=["E05000002", "E05000001"],
               period="2026-10", rows=12, detail="format=csv", commit=True)
        event = db.session.execute(db.select(AuditEvent)).scalar_one()
        assert event.actor == "analyst@example.org"
        assert event.user_id == user.id
        assert event.scope == "E05000001,E05000002 2026-10"
        assert event.rows == 12 and event.action == "export.estimates.csv"
        db.session.delete(user)
        db.session.commit()
        event = db.session.execute(db.select(AuditEvent)).scalar_one()
        assert event.user_id is None and event.actor == "analyst@example.org"


def test_record_without_an_account_names_the_runner(app):
    with app.app_context():
        record("pack.build", actor="scheduler", areas=["E09000023"], commit=True)
        event = db.session.execute(db.select(AuditEvent)).scalar_one()
        assert event.actor == "scheduler" and event.user_id is None
