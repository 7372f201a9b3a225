"""``flask --app pulse export ...``: the same rows as the page, an audit row by "command line"."""
from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.pulse.exports.conftest import PAYLOADS, RAW


def _events(app):
    from pulse.extensions import db
    from pulse.models import AuditEvent

    with app.app_context():
        return [(e.action, e.actor, e.scope, e.rows, e.user_id)
                for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_export_comments_xlsx_from_the_command_line(app, runner, data, tmp_path):
    out = tmp_path / "comments.xlsx"
    result = runner.invoke(args=["export", "comments", "--out", str(out), "--area", data.ward_a])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).worksheets[0]
    texts = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert len(texts) == sheet.max_row - 1 and all(isinstance(t, str) for t in texts)
    # Every payload gained its quote; "'=already quoted" (harmless) had one already.
    assert sum(t.startswith("'") for t in texts) == len(PAYLOADS) + 1
    assert all(RAW not in t for t in texts)
    assert _events(app) == [("export.comments.xlsx", "command line", data.ward_a, len(texts),
                             None)]
    assert not list(tmp_path.glob("*.part"))


def test_export_responses_csv_everything(app, runner, data, tmp_path):
    out = tmp_path / "responses.csv"
    result = runner.invoke(args=["export", "responses", "--out", str(out), "--format", "csv",
                                 "--period", "2026-10"])
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 and result.output.strip() == f"5 rows written to {out}"
    assert _events(app) == [("export.responses.csv", "command line", "all 2026-10", 5, None)]


def test_estimates_export_is_the_same_operation(app, runner, data, tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    assert runner.invoke(args=["estimates", "export", "--out", str(old)]).exit_code == 0
    assert runner.invoke(args=["export", "estimates", "--out", str(new)]).exit_code == 0
    assert old.read_bytes() == new.read_bytes()
    assert [e[0] for e in _events(app)] == ["export.estimates.csv"] * 2


@pytest.mark.parametrize("args, message", [
    (["--area", "NO-SUCH"], "there is no area 'NO-SUCH'"),
    (["--period", "2026-13"], "is not a period"),
    (["--from", "2026-10-20", "--to", "2026-10-01"], "the start date is after the end date"),
    (["--from", "soon"], "is not a date"),
    (["--format", "pdf"], "Invalid value for '--format'"),
])
def test_bad_options_are_refused_with_a_reason_and_no_file(app, runner, data, tmp_path, args,
                                                          message):
    out = tmp_path / "x.csv"
    result = runner.invoke(args=["export", "estimates", "--out", str(out), *args])
    assert result.exit_code != 0 and message in result.output
    assert not out.exists() and _events(app) == []


def test_an_unwritable_file_is_a_clear_error_and_no_audit_row(app, runner, data, tmp_path):
    out = tmp_path / "missing-folder" / "x.csv"
    result = runner.invoke(args=["export", "estimates", "--out", str(out)])
    assert result.exit_code != 0 and "cannot write" in result.output
    assert _events(app) == []
