"""The audit log page: admins only, newest first, filters, pages, and an audited CSV download."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import csrf_from


def _log(app, n=60):
    from pulse.audit import record
    from pulse.extensions import db
    from pulse.models import AuditEvent

    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    with app.app_context():
        for i in range(n):
            event = record("export.estimates.csv" if i % 2 else "pack.build",
                           actor=f"person{i % 3}@example.org",
                           areas=["E05000437"] if i % 4 == 0 else ["E050004370", "E05000438"],
                           period="2026-10", rows=i, detail=f"event {i}")
            event.at = start + timedelta(hours=i)
        record("export.comments.csv", actor="=HYPERLINK(\"http://evil\")", areas=["E05000437"],
               rows=1)
        db.session.commit()
        db.session.query(AuditEvent).filter(AuditEvent.actor.startswith("=")).update(
            {"at": start - timedelta(days=30)})
        db.session.commit()


def test_newest_first_paginated_and_filtered(app, client, auth):
    _log(app)
    auth.login("admin")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "61 events" in page and "Page 1 of 2" in page
    assert page.index("event 59") < page.index("event 58") < page.index("event 10")
    assert "event 9<" not in page and "event 9 " not in page
    assert "event 9" in client.get("/admin/audit/?page=2").get_data(as_text=True)
    one = client.get("/admin/audit/?actor=person1&action=export.estimates.csv").get_data(
        as_text=True)
    assert "10 events" in one          # odd i with i % 3 == 1: 1, 7, 13, ..., 55
    # A whole area code: E05000437 is not matched by E050004370.
    area = client.get("/admin/audit/?area=E05000437").get_data(as_text=True)
    assert "16 events" in area
    days = client.get("/admin/audit/?from=2026-11-02&to=2026-11-02").get_data(as_text=True)
    assert "24 events" in days


def test_up_to_the_last_day_a_date_holds_is_every_event(app, client, auth):
    """'to=9999-12-31' (a date picker goes that far) is no end, not a server error."""
    _log(app)
    auth.login("admin")
    response = client.get("/admin/audit/?from=0001-01-01&to=9999-12-31")
    assert response.status_code == 200
    assert "61 events" in response.get_data(as_text=True)


def test_bad_dates_are_400_with_a_reason(client, auth):
    auth.login("admin")
    response = client.get("/admin/audit/?from=2026-11-05&to=2026-11-01")
    assert response.status_code == 400
    assert "the start date is after the end date" in response.get_data(as_text=True)
    assert client.get("/admin/audit/?page=x").status_code == 400


def test_csv_download_is_filtered_neutralised_and_itself_audited(app, client, auth):
    _log(app)
    auth.login("admin")
    token = csrf_from(client, "/admin/audit/")
    response = client.post("/admin/audit/export.csv",
                           data={"csrf_token": token, "area": "E05000437"})
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    response.close()
    # 16 matching rows, and the row of this download itself (committed before the body), first.
    assert len(rows) == 17
    assert (rows[0]["actor"], rows[0]["action"], rows[0]["rows"]) == (
        "admin@example.org", "export.audit.csv", "17")
    assert rows[1]["actor"] == "person2@example.org" and rows[-1]["actor"].startswith("'=")
    page = client.get("/admin/audit/?action=export.audit.csv").get_data(as_text=True)
    assert "1 events" in page and "area=E05000437" in page


def test_not_for_analysts(client, auth, tree):
    auth.login("analyst", areas=[tree.borough])
    assert client.get("/admin/audit/").status_code == 403


@pytest.mark.parametrize("day", ("20261101", "2026-W44-7", "2026-11-1",
                                 "\uff12\uff10\uff12\uff16-11-01"))
def test_a_date_in_another_form_is_400(client, auth, day):
    """Only YYYY-MM-DD in ASCII digits, as the message asks, not the other ISO 8601 forms."""
    auth.login("admin")
    response = client.get("/admin/audit/", query_string={"from": day})
    assert response.status_code == 400
    assert "is not a date (use YYYY-MM-DD)" in response.get_data(as_text=True)
