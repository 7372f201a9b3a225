"""Seeded data for the API tests: the officer workspace's estimates, comments and actions."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.pulse.officer.conftest import comments, tree, workspace  # noqa: F401  (fixtures)
from tests.support import make_user


@pytest.fixture(autouse=True)
def seeded_periods_have_ended(monkeypatch):
    """The API publishes only periods that have ended; the seeded data lie in 2026, so these
    tests read as from January 2027, whatever today's date. test_running_periods.py puts the
    real clock back."""
    from analysis.periods import month_index
    from pulse.api import views

    monkeypatch.setattr(views, "published_before", lambda: month_index(2027, 1))


@pytest.fixture
def api_data(app, comments):  # noqa: F811
    """Three public actions around Bellingham (one on Lewisham), one private, one dropped."""
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Action, Area, Topic

    with app.app_context():
        author = make_user("author@example.org", "admin")
        areas = {a.code: a.id for a in db.session.scalars(select(Area))}
        asb = db.session.scalar(select(Topic).where(Topic.code == "asb"))
        when = datetime(2026, 11, 20, 12, tzinfo=UTC)
        for code, text, public, status in (
                (comments.ward_a, "Extra patrols by the shops on Friday nights", True, "in progress"),
                (comments.borough, "A borough-wide youth outreach team", True, "planned"),
                (comments.ward_a, "PRIVATE internal note action", False, "planned"),
                (comments.ward_a, "DROPPED idea", True, "dropped"),
                (comments.ward_b, "Blackheath only action", True, "done")):
            db.session.add(Action(area_id=areas[code], topic_id=asb.id, title="TITLE " + text,
                                  owner="OWNER-NAME", notes="NOTES-SECRET", public=public,
                                  public_text=text, status=status, created_by=author,
                                  created_at=when, updated_at=when))
        db.session.commit()
    return comments


def issue_token(app, email: str, role: str = "officer", areas=(), days: int = 30) -> str:
    """Make a user (if needed) and a token for them; return the token's secret."""
    from pulse.api import tokens
    from pulse.auth.queries import user_by_email
    from pulse.extensions import db

    with app.app_context():
        if user_by_email(email) is None:
            make_user(email, role, areas)
        issued = tokens.issue(user_by_email(email), "test", days=days, now=datetime.now(UTC))
        db.session.commit()
        return issued.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
