"""The open-data API publishes only periods that have ended.

A running month's figures move with each response; read before and after a neighbour
answers (and the aggregation's next run), their difference is that answer. Staff pages
show running periods; the public API waits for the month to end.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from analysis.periods import month_label, month_of


def _responses_last_month_and_this(app) -> tuple[str, str]:
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from tests.pulse.estimates.support import add_responses, make_tree

    now = datetime.now(UTC)
    last = now.replace(day=1) - timedelta(days=1)
    with app.app_context():
        make_tree()
        add_responses(400, [(last.year, last.month)], seed=5)
        add_responses(400, [(now.year, now.month)], seed=6)
        aggregate(full=True)
        db.session.commit()
    return month_label(month_of(last)), month_label(month_of(now))


def test_estimates_of_a_running_period_are_not_public(app, client, monkeypatch):
    from pulse.api import views

    monkeypatch.undo()               # today's date, not the 2027 the seeded API tests use
    assert views.published_before() == month_of(datetime.now(UTC))
    ended, running = _responses_last_month_and_this(app)
    periods, url = set(), "/api/v1/estimates?group=all&measure=safe_day&per_page=200"
    while url:
        body = client.get(url).get_json()
        periods |= {item["period"] for item in body["items"]}
        url = body["next"]
    assert ended in periods
    assert running not in periods
    assert not any(p.endswith(running) for p in periods)         # R12 ending this month
    asked = client.get(f"/api/v1/estimates?period={running}").get_json()
    assert asked["items"] == []


def test_staff_still_see_the_running_month(app, auth):
    from tests.pulse.estimates.support import BOROUGH

    _, running = _responses_last_month_and_this(app)
    auth.login("officer", areas=[BOROUGH])
    page = auth.client.get(f"/officer/area/{BOROUGH}?period={running}&kind=month")
    assert page.status_code == 200
    assert running in page.get_data(as_text=True)


def test_topic_shares_of_the_running_month_are_not_public(app, client, comments, monkeypatch):
    from pulse.extensions import db
    from pulse.text.shares import store_topic_shares
    from tests.pulse.officer.conftest import add_comments

    monkeypatch.undo()               # today's date, not the 2027 the seeded API tests use
    now = datetime.now(UTC)
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    with app.app_context():
        for start in (last_month, this_month):
            add_comments(comments.ward_b, "litter", start, 12, "Bins overflowing")
        store_topic_shares()
        db.session.commit()
    body = client.get(f"/api/v1/topics/shares?area={comments.ward_b}").get_json()
    periods = {item["period"] for item in body["items"]}
    assert month_label(month_of(last_month)) in periods
    assert month_label(month_of(now)) not in periods
