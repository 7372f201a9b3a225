"""The Exports page and its downloads, against the database: content, suppression, formulas,
roles, scope, audit rows and streaming (SQLite, and PostgreSQL when configured)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.pulse.exports.conftest import DEVICE, HARMLESS, PAYLOADS, RAW
from tests.support import csrf_from


def _post(client, kind, **fields):
    token = csrf_from(client, "/exports/")
    return client.post(f"/exports/{kind}", data={"csrf_token": token, **fields})


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.is_streamed
    # One charset: "text/csv; charset=utf-8; charset=utf-8" was sent before.
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)
    response.close()
    return list(csv.DictReader(io.StringIO(body, newline="")))


def _xlsx(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.get_data()))
    response.close()
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return header, [{h: c for h, c in zip(header, row)} for row in rows[1:]]


def _events(app):
    from pulse.extensions import db
    from pulse.models import AuditEvent

    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_estimates_csv_has_the_database_figures_and_empty_suppressed_cells(app, client, auth,
                                                                         data):
    auth.login("officer", areas=[data.ward_a])
    rows = _csv(_post(client, "estimates"))
    by = {(r["area_code"], r["measure"]): r for r in rows}
    assert set(by) == {(data.ward_a, "trust"), (data.ward_a, "safe_day"),
                       (data.ward_a_child, "trust")}
    trust = by[(data.ward_a, "trust")]
    assert (trust["n"], trust["effective_n"], trust["estimate"], trust["ci_low"],
            trust["ci_high"], trust["change"], trust["change_significant"],
            trust["suppressed"]) == ("120", "96.0", "61.23", "57.23", "65.23", "-12.35",
                                     "significant", "no")
    hidden = by[(data.ward_a, "safe_day")]
    assert hidden["suppressed"] == "fewer than 10 responses"
    for name in ("n", "effective_n", "estimate", "ci_low", "ci_high", "change",
                 "change_significant", "modelled_estimate"):
        assert hidden[name] == "", name
    withheld = by[(data.ward_a_child, "trust")]
    assert withheld["suppressed"] == "count withheld" and withheld["n"] == ""
    assert withheld["estimate"] == "55.00"   # fixed decimals, the same on both backends


def test_estimates_xlsx_numbers_are_numbers_and_suppressed_cells_empty(app, client, auth, data):
    auth.login("viewer", areas=[data.ward_a])
    header, rows = _xlsx(_post(client, "estimates", format="xlsx", area=data.ward_a,
                               period="2026-10"))
    assert header[:4] == ["area_code", "period", "measure", "group"]
    by = {(r["area_code"].value, r["measure"].value): r for r in rows}
    trust = by[(data.ward_a, "trust")]
    assert trust["estimate"].value == pytest.approx(61.23) and trust["estimate"].data_type == "n"
    assert trust["change"].value == pytest.approx(-12.35) and trust["n"].value == 120
    hidden = by[(data.ward_a, "safe_day")]
    assert hidden["suppressed"].value == "fewer than 10 responses"
    assert all(hidden[k].value is None for k in ("n", "estimate", "ci_low", "change",
                                                 "modelled_estimate"))


def test_comments_csv_is_redacted_and_every_formula_neutralised(app, client, auth, data):
    auth.login("analyst", areas=[data.borough])
    response = _post(client, "comments")
    rows = _csv(response)
    texts = [r["redacted_text"] for r in rows]
    # csv normalises nothing: what the spreadsheet gets is the quote, then the payload as typed.
    assert sorted(texts) == sorted(["'" + p for p in PAYLOADS] + list(HARMLESS))
    assert all(r["topic_label"] == "'=Street lighting" for r in rows)
    assert all(r["secondary_topics"] == "'-litter" for r in rows)
    assert {r["confidence"] for r in rows} == {"0.877"}
    assert {r["area_code"] for r in rows} == {data.ward_a}    # Peckham is out of scope
    assert all(RAW not in v for r in rows for v in r.values())


def test_comments_xlsx_cells_are_strings_never_formulas(app, client, auth, data):
    auth.login("admin")
    header, rows = _xlsx(_post(client, "comments", format="xlsx"))
    assert header == ["area_code", "submitted_at", "question", "redacted_text", "topic",
                      "topic_label", "confidence", "secondary_topics", "needs_review"]
    cells = [r["redacted_text"] for r in rows if r["area_code"].value == data.ward_a]
    assert all(c.data_type == "s" for c in cells)
    # XlsxWriter stores a carriage return as _x000D_ (Excel reads it back as one); openpyxl
    # leaves the escape in inline strings, so decode it here.
    assert sorted(c.value.replace("_x000D_", "\r") for c in cells) == sorted(
        ["'" + p for p in PAYLOADS] + list(HARMLESS))
    assert rows[0]["submitted_at"].is_date
    assert rows[0]["confidence"].data_type == "n"


def test_responses_csv_has_answers_by_code_and_nothing_that_links(app, client, auth, data):
    auth.login("analyst", areas=[data.ward_a])
    response = _post(client, "responses")
    body_rows = _csv(response)
    assert len(body_rows) == 3        # two in Bellingham (one excluded left out), one below it
    header = list(body_rows[0])
    assert header[:8] == ["area_code", "submitted_at", "channel", "language", "instrument",
                          "age_band", "sex", "ethnicity"]
    assert "safe_day" in header and "informed" in header
    for banned in ("id", "response_id", "device_hash", "submission_key", "top_issue", "wave"):
        assert banned not in header
    text = repr(body_rows)
    assert DEVICE not in text and "SUBMISSIONKEY" not in text and "=1+1" not in text
    assert sorted(r["safe_day"] for r in body_rows) == ["7", "7", "8"]  # 7 + n % 3
    assert {r["informed"] for r in body_rows} == {"dk"}
    assert {r["submitted_at"] for r in body_rows} == {"2026-10-15 09:30:05"}
    assert {r["area_code"] for r in body_rows} == {data.ward_a, data.ward_a_child}


def test_responses_xlsx_reads_back(app, client, auth, data):
    auth.login("admin")
    header, rows = _xlsx(_post(client, "responses", format="xlsx", area=data.borough))
    assert len(rows) == 4
    assert {r["safe_day"].value for r in rows} <= {7, 8, 9}
    assert all(r["safe_day"].data_type == "n" for r in rows)
    assert all(r["informed"].value == "dk" for r in rows)


def test_date_range_and_period_filters(app, client, auth, data):
    auth.login("admin")
    assert len(_csv(_post(client, "responses", date_from="2026-10-16"))) == 0
    assert len(_csv(_post(client, "responses", date_from="2026-10-15",
                          date_to="2026-10-15"))) == 5
    assert len(_csv(_post(client, "responses", period="2026-Q4"))) == 5
    assert len(_csv(_post(client, "responses", period="2026-09"))) == 0
    assert len(_csv(_post(client, "estimates", period="2026-09"))) == 0


@pytest.mark.parametrize("kind", ("comments", "responses"))
def test_the_last_day_a_date_field_takes_is_an_open_end(app, client, auth, data, kind):
    """'Up to and including 9999-12-31' (a date picker goes that far) keeps every row."""
    auth.login("admin")
    every = len(_csv(_post(client, kind)))
    assert every > 0
    assert len(_csv(_post(client, kind, date_to="9999-12-31"))) == every
    assert len(_csv(_post(client, kind, date_from="0001-01-01", date_to="9999-12-31"))) == every


@pytest.mark.parametrize("fields, message", [
    ({"period": "2026-13"}, "is not a period"),
    ({"date_from": "2026-10-20", "date_to": "2026-10-01"}, "before the start date"),
    ({"date_from": "yesterday"}, "Give the date as YYYY-MM-DD"),
    ({"format": "pdf"}, "Not a valid choice"),
])
def test_bad_input_is_a_422_with_the_reason_and_no_audit_row(app, client, auth, data, fields,
                                                           message):
    auth.login("admin")
    response = _post(client, "estimates", **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _events(app) == []


def test_a_refused_format_has_its_message_by_the_choice_and_the_summary_links_there(
        app, client, auth, data):
    auth.login("admin")
    response = _post(client, "estimates", format="pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    link = re.search(r'<div class="summary".*?<a href="#([^"]+)">([^<]+)</a>', page, re.S)
    assert link
    # The summary's link goes to an element of the page: the first of the format choices.
    target = re.search(rf'<input[^>]* id="{link[1]}"[^>]*>', page)
    assert target and 'name="format"' in target[0]
    assert re.search(r'<fieldset class="field has-error"[^>]*aria-describedby="err-estimates-'
                     r'format"[^>]*><legend class="label">Format</legend>\s*<p class="error" '
                     r'id="err-estimates-format"><span class="vh">Error:</span> '
                     + re.escape(link[2]) + '</p>', page)


@pytest.mark.parametrize("fields", [
    {"date_from": "2026-W42-1"}, {"date_from": "20261015"}, {"date_to": "2026-10-1"},
    {"date_to": "\uff12\uff10\uff12\uff16-10-15"}, {"period": "\uff12\uff10\uff12\uff16-10"},
    {"period": "R12-2026-\uff11\uff10"}])
def test_dates_and_periods_take_only_their_ascii_forms(app, client, auth, data, fields):
    auth.login("admin")
    response = _post(client, "responses", **fields)
    status, page = response.status_code, response.get_data(as_text=True)
    response.close()      # a download taken by mistake would hold its transaction open
    assert status == 422
    assert ("Give the date as YYYY-MM-DD" in page if "period" not in fields
            else "is not a period (use 2026-10, 2026-Q4 or R12-2026-10)" in page)
    assert _events(app) == []


@pytest.mark.parametrize("role", ("officer", "viewer"))
@pytest.mark.parametrize("kind", ("comments", "responses"))
def test_officers_and_viewers_get_estimates_only(app, client, auth, data, role, kind):
    auth.login(role, areas=[data.ward_a])
    assert _post(client, kind).status_code == 403
    page = client.get("/exports/").get_data(as_text=True)
    assert 'action="/exports/estimates"' in page and f'action="/exports/{kind}"' not in page
    assert _events(app) == []


@pytest.mark.parametrize("kind", ("estimates", "comments", "responses"))
@pytest.mark.parametrize("fmt", ("csv", "xlsx"))
def test_an_area_outside_scope_is_404(app, client, auth, data, kind, fmt):
    auth.login("analyst", areas=[data.ward_a])
    for outside in (data.ward_b, data.borough, data.other_ward, "NO-SUCH"):
        assert _post(client, kind, area=outside, format=fmt).status_code == 404, outside
    assert _events(app) == []


def test_every_export_writes_one_audit_row(app, client, auth, data):
    auth.login("analyst", areas=[data.ward_a])
    _csv(_post(client, "estimates", area=data.ward_a, period="2026-10"))
    _xlsx(_post(client, "comments", format="xlsx"))
    _csv(_post(client, "responses"))
    events = _events(app)
    assert [e.action for e in events] == ["export.estimates.csv", "export.comments.xlsx",
                                          "export.responses.csv"]
    assert {e.actor for e in events} == {"analyst@example.org"}
    assert all(e.user_id is not None and e.at is not None for e in events)
    assert events[0].scope == f"{data.ward_a} 2026-10" and events[0].rows == 3
    assert events[1].scope == data.ward_a and events[1].rows == len(PAYLOADS) + len(HARMLESS)
    assert events[2].rows == 3
    assert "format=xlsx" in events[1].detail
    assert all(RAW not in e.detail and "=1+1" not in e.detail for e in events)


def test_the_csv_audit_row_is_committed_before_the_body_streams(app, client, auth, data):
    auth.login("admin")
    response = _post(client, "responses")
    assert response.is_streamed
    # Nothing of the body has been read yet, and the row is already there for anyone to see.
    assert [(e.action, e.rows) for e in _events(app)] == [("export.responses.csv", 5)]
    response.close()


def test_page_lists_the_forms_for_the_role(client, auth, data):
    auth.login("analyst", areas=[data.ward_a])
    page = client.get("/exports/").get_data(as_text=True)
    for kind in ("estimates", "comments", "responses"):
        assert f'action="/exports/{kind}"' in page
    assert "Bellingham" in page and "Peckham" not in page


def test_many_batches_give_the_same_rows(app, client, auth, data, monkeypatch):
    """Rows cross several server-side cursor batches (2 rows each) with the answers' queries
    run between them on the same connection: nothing lost, doubled or misplaced."""
    import pulse.exports.sources as sources

    auth.login("admin")
    whole = _csv(_post(client, "responses"))
    comments = _csv(_post(client, "comments"))
    monkeypatch.setattr(sources, "BATCH", 2)
    assert _csv(_post(client, "responses")) == whole
    assert _csv(_post(client, "comments")) == comments
