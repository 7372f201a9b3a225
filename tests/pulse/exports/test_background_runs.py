"""A large export (XLSX, or CSV) is queued and built off the request: an export_run row, a
status page, an owner-only download, one audit row; the scheduler's ``exports`` job builds
runs a dead process left queued or running; a small one is still sent (or streamed) at once.
A CSV built in the background is byte for byte the CSV streamed for the same filter
(SQLite and PostgreSQL)."""
from __future__ import annotations

import csv
import io
import itertools
import time
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from tests.pulse.exports.test_downloads import _post


def _wait(client, url: str, tries: int = 200) -> str:
    """The run's page once it is no longer queued or writing (polled, as the browser does)."""
    for _ in range(tries):
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        if 'http-equiv="refresh"' not in html:
            return html
        time.sleep(0.05)
    raise AssertionError("the export never finished")


def _events(app):
    from pulse.extensions import db
    from pulse.models import AuditEvent

    with app.app_context():
        return [(e.action, e.rows, e.user_id) for e in
                db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _rows(download) -> list[tuple]:
    """The file's rows, the header first, whichever the format (told by its mimetype)."""
    if download.mimetype == "text/csv":
        rows = [tuple(r) for r in csv.reader(io.StringIO(download.get_data(as_text=True),
                                                          newline=""))]
    else:
        sheet = load_workbook(io.BytesIO(download.data)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    download.close()
    return rows


def _queue(app, role: str, kind: str, *, rows: int = 40, area: str | None = None,
           fmt: str = "xlsx"):
    """Queue a run as the view does, without starting it (as if the process then ended)."""
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import queue_run
    from pulse.extensions import db
    from pulse.models import Area, User

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.role == role))
        where = db.session.scalar(select(Area).where(Area.code == area)) if area else None
        run = queue_run(kind, fmt, ExportFilter.build(area=where, user=user), rows, user=user)
        db.session.commit()
        return run.id, run.token


def _run(app, token: str):
    from pulse.extensions import db
    from pulse.models import ExportRun

    with app.app_context():
        run = db.session.scalar(select(ExportRun).where(ExportRun.token == token))
        db.session.expunge(run)
        return run


_windows = itertools.count()


def _job(app) -> str:
    """The scheduler's exports job, through the runner as the scheduler calls it (each call
    in a window of its own: the ledger runs a window once)."""
    from pulse.jobs.runner import run_job, window_of
    from pulse.jobs.tasks import JOBS

    every = timedelta(minutes=5)
    window = window_of(datetime(2026, 1, 1, tzinfo=UTC) + next(_windows) * every, every)
    return run_job(app, "exports", window, JOBS["exports"])


def test_a_large_xlsx_is_built_in_the_background(app, client, auth, data):
    app.config["EXPORT_XLSX_SYNC_ROWS"] = 3
    auth.login("analyst", areas=[data.ward_a])
    response = _post(client, "comments", format="xlsx")
    assert response.status_code == 303
    url = response.headers["Location"]
    assert "/exports/runs/" in url
    html = _wait(client, url)
    assert "Ready:" in html and f"{url}/download" in html
    download = client.get(f"{url}/download")
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in download.headers["Content-Disposition"]
    assert "pulse-comments-all.xlsx" in download.headers["Content-Disposition"]
    rows = _rows(download)
    # Bellingham's comments only (the analyst's scope), formulas neutralised, never raw text.
    assert rows[0][0] == "area_code" and len(rows) - 1 > 3
    assert {r[0] for r in rows[1:]} == {data.ward_a}
    assert "'=1+1" in {r[3] for r in rows[1:]}
    run = _run(app, url.rsplit("/", 1)[1])
    assert (run.status, run.done, run.total, run.attempt) == ("done", len(rows) - 1,
                                                              len(rows) - 1, 1)
    assert run.started_at is not None and run.finished_at >= run.started_at
    # One audit row: who asked, with the rows the filters select; the download adds none.
    assert _events(app) == [("export.comments.xlsx", len(rows) - 1, run.user_id)]


def test_a_small_xlsx_is_still_sent_at_once(app, client, auth, data):
    app.config["EXPORT_XLSX_SYNC_ROWS"] = 3
    auth.login("officer", areas=[data.ward_a])
    response = _post(client, "estimates", format="xlsx", area=data.ward_a_child)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    response.close()
    assert [e[0] for e in _events(app)] == ["export.estimates.xlsx"]


@pytest.mark.parametrize("kind, role", [("estimates", "admin"), ("comments", "analyst"),
                                        ("responses", "admin")])
def test_a_large_csv_is_built_in_the_background_as_it_would_stream(app, client, auth, data,
                                                                    kind, role):
    """Every kind (the estimates CSV is the database's own): the run's file is the bytes the
    streamed download gives for the same filter, downloaded as a CSV by its owner."""
    app.config["EXPORT_CSV_SYNC_ROWS"] = 1
    auth.login(role, areas=[data.ward_a])
    response = _post(client, kind)
    assert response.status_code == 303
    url = response.headers["Location"]
    html = _wait(client, url)
    assert "An export this large is built in the background" in html
    assert "Ready:" in html and "Download (CSV)</a>" in html
    assert "spreadsheet" not in html and "workbook" not in html
    download = client.get(f"{url}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=pulse-{kind}-all.csv")
    built = download.get_data()
    download.close()
    run = _run(app, url.rsplit("/", 1)[1])
    assert (run.format, run.status, run.attempt) == ("csv", "done", 1)
    lines = list(csv.reader(io.StringIO(built.decode(), newline="")))
    assert run.total > 1 and run.done == run.total == len(lines) - 1

    app.config["EXPORT_CSV_SYNC_ROWS"] = run.total     # not more than the limit: streamed
    streamed = _post(client, kind)
    assert streamed.status_code == 200 and streamed.is_streamed
    assert streamed.mimetype == "text/csv"
    assert built == streamed.get_data()
    streamed.close()
    # One audit row per export asked for, with the COUNT; downloading the run adds none.
    assert _events(app) == [(f"export.{kind}.csv", run.total, run.user_id)] * 2


def test_a_csv_under_the_limit_still_streams(app, client, auth, data):
    """Each format has its own limit: a CSV is not queued by the XLSX one."""
    app.config["EXPORT_XLSX_SYNC_ROWS"] = 0
    auth.login("analyst", areas=[data.ward_a])
    response = _post(client, "comments")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert len(_rows(response)) - 1 > 3
    app.config["EXPORT_CSV_SYNC_ROWS"] = 3
    small = _post(client, "estimates", area=data.ward_a_child)
    assert small.status_code == 200 and small.is_streamed
    small.close()
    with app.app_context():
        from pulse.extensions import db
        from pulse.models import ExportRun
        assert db.session.scalar(select(ExportRun.id)) is None
    assert [e[0] for e in _events(app)] == ["export.comments.csv", "export.estimates.csv"]


def test_the_estimates_csv_streams_up_to_its_own_larger_limit(app, client, auth, data,
                                                              monkeypatch):
    """Without EXPORT_CSV_SYNC_ROWS each kind has its default: the estimates CSV (made by the
    database) streams far more rows than a response-level or comments CSV before it queues."""
    from pulse.exports import operations as ops

    app.config.pop("EXPORT_CSV_SYNC_ROWS", None)
    monkeypatch.setitem(ops.SYNC_ROWS, "csv", ("EXPORT_CSV_SYNC_ROWS", 1))
    monkeypatch.setitem(ops.CSV_SYNC_ROWS_BY_KIND, "estimates", 10_000)
    assert ops.sync_rows("csv", app.config, "estimates") == 10_000
    assert ops.sync_rows("csv", app.config, "comments") == 1
    auth.login("admin", areas=[data.ward_a])
    estimates = _post(client, "estimates")
    assert estimates.status_code == 200 and estimates.is_streamed
    assert len(_rows(estimates)) - 1 > 1
    comments = _post(client, "comments")
    assert comments.status_code == 303 and "/exports/runs/" in comments.headers["Location"]
    _wait(client, comments.headers["Location"])
    # The config key, when set, is the limit for every kind.
    app.config["EXPORT_CSV_SYNC_ROWS"] = 1
    assert ops.sync_rows("csv", app.config, "estimates") == 1
    queued = _post(client, "estimates")
    assert queued.status_code == 303
    _wait(client, queued.headers["Location"])


@pytest.mark.parametrize("kind", ["estimates", "comments"])
def test_a_csv_file_reports_its_progress_as_it_is_written(app, data, kind, monkeypatch,
                                                          tmp_path):
    """The rows written so far are told at the end of each chunk (of one row here), the
    estimates CSV's too (PostgreSQL's COPY counted by its messages, one a row)."""
    from pulse.exports import estimates_csv, writers
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import write_export

    monkeypatch.setattr(writers, "PROGRESS_ROWS", 1)
    monkeypatch.setattr(writers, "CHUNK_ROWS", 1)
    monkeypatch.setattr(estimates_csv, "BATCH", 1)
    monkeypatch.setattr(estimates_csv, "CHUNK_BYTES", 1)
    seen: list[int] = []
    with app.app_context():
        rows = write_export(kind, "csv", ExportFilter.build(), tmp_path / "out.csv", seen.append)
    assert rows > 3 and seen == list(range(1, rows + 1))
    written = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text("utf-8"),
                                          newline="")))
    assert len(written) == rows + 1


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_queued_run_is_built_by_the_job(app, client, auth, data, fmt):
    """Queued, its process gone before starting it: the scheduler's job builds it, once."""
    auth.login("analyst", areas=[data.ward_a])
    _, token = _queue(app, "analyst", "comments", fmt=fmt)
    url = f"/exports/runs/{token}"
    html = client.get(url).get_data(as_text=True)
    assert "Queued: 0 of 40 rows written." in html and 'http-equiv="refresh"' in html
    assert client.get(f"{url}/download").status_code == 404
    assert _job(app) == "succeeded"
    assert "Ready:" in _wait(client, url)
    download = client.get(f"{url}/download")
    assert download.headers["Content-Disposition"].endswith(f"pulse-comments-all.{fmt}")
    rows = _rows(download)
    assert {r[0] for r in rows[1:]} == {data.ward_a}
    assert _run(app, token).attempt == 1
    assert _job(app) == "succeeded" and _run(app, token).attempt == 1   # not built again
    assert [e[0] for e in _events(app)] == [f"export.comments.{fmt}"]    # asked for once


def test_a_run_is_claimed_once(app, auth, data):
    from pulse.exports import runs
    from pulse.exports.operations import build_run

    auth.login("admin")
    run_id, token = _queue(app, "admin", "estimates")
    with app.app_context():
        assert runs.claim(run_id) == 1
        assert runs.claim(run_id) is None       # a second process finds it taken
        assert build_run(run_id) is False       # and builds nothing
    assert _run(app, token).status == "running"
    assert not runs_folder_files(app, token)


def runs_folder_files(app, token: str) -> list[str]:
    from pulse.exports import runs

    with app.app_context():
        return sorted(p.name for p in (runs.folder() / token).iterdir())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_run_left_running_by_a_dead_process_is_built_again(app, client, auth, data, fmt):
    from pulse.exports import runs
    from pulse.extensions import db
    from pulse.models import ExportRun

    auth.login("analyst", areas=[data.ward_a])
    run_id, token = _queue(app, "analyst", "comments", fmt=fmt)
    url = f"/exports/runs/{token}"
    with app.app_context():
        attempt = runs.claim(run_id)
        runs.report(run_id, attempt, 20)
        # The process died half-way through the file.
        half = runs.output(token, fmt).with_name(f"export.{fmt}.{attempt}.part")
        half.write_bytes(b"PK\x03\x04 half a workbook" if fmt == "xlsx" else b"area_code,sub")
    html = client.get(url).get_data(as_text=True)
    assert "Writing: 20 of 40 rows written." in html and 'http-equiv="refresh"' in html
    assert client.get(f"{url}/download").status_code == 404   # never the half-written file
    assert _job(app) == "succeeded"
    assert _run(app, token).attempt == 1       # still fresh: it may be alive, left alone
    with app.app_context():
        db.session.execute(update(ExportRun).where(ExportRun.id == run_id).values(
            heartbeat_at=datetime.now(UTC) - runs.STALE - timedelta(minutes=1)))
        db.session.commit()
    assert _job(app) == "succeeded"
    run = _run(app, token)
    assert (run.status, run.attempt, run.error) == ("done", 2, None)
    assert runs_folder_files(app, token) == [f"export.{fmt}"]   # the half file is gone
    rows = _rows(client.get(f"{url}/download"))
    assert rows[0][0] == "area_code" and run.done == len(rows) - 1
    with app.app_context():
        # The cut-off attempt, were it alive after all, can no longer change the run.
        assert runs.finish(run_id, attempt, status="failed", error="write") is False
    assert _run(app, token).status == "done"
    assert len(_events(app)) == 1


def test_a_run_interrupted_too_often_says_so(app, client, auth, data):
    from pulse.exports import runs
    from pulse.extensions import db
    from pulse.models import ExportRun, User

    auth.login("analyst", areas=[data.ward_a])
    run_id, token = _queue(app, "analyst", "comments")
    with app.app_context():
        db.session.execute(update(ExportRun).where(ExportRun.id == run_id).values(
            status="running", attempt=runs.ATTEMPTS,
            heartbeat_at=datetime.now(UTC) - runs.STALE - timedelta(minutes=1)))
        db.session.commit()
    assert _job(app) == "succeeded"
    run = _run(app, token)
    assert (run.status, run.error, run.attempt) == ("failed", "interrupted", runs.ATTEMPTS)
    html = client.get(f"/exports/runs/{token}").get_data(as_text=True)
    assert "could not be built: it was interrupted" in html
    assert 'http-equiv="refresh"' not in html
    with app.app_context():
        db.session.execute(update(User).where(User.role == "analyst").values(role="viewer"))
        db.session.commit()
    # Demoted since: comments are for analysts, whoever asked for them.
    assert client.get(f"/exports/runs/{token}").status_code == 403


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_someone_elses_run_is_404(app, client, auth, data, fmt):
    app.config["EXPORT_XLSX_SYNC_ROWS"] = app.config["EXPORT_CSV_SYNC_ROWS"] = 0
    auth.login("admin")
    url = _post(client, "estimates", format=fmt).headers["Location"]
    _wait(client, url)
    own = client.get(f"{url}/download")
    assert own.status_code == 200
    own.close()
    auth.logout()
    auth.login("officer", areas=[data.ward_a])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/download").status_code == 404
    for token in ("..", "%2e%2e%2fexport.xlsx", "%2e%2e%2fexport.csv", "A" * 32, "0" * 31,
                  "0" * 32):
        assert client.get(f"/exports/runs/{token}").status_code == 404


def test_a_run_that_fails_says_so_and_leaves_no_file(app, client, auth, data):
    """A build that raises (here: a source that does not exist): the page says it failed."""
    from pulse.exports import runs
    from pulse.exports.operations import build_run

    auth.login("admin")
    run_id, token = _queue(app, "admin", "no-such-export", fmt="csv")
    with app.app_context():
        assert build_run(run_id) is False
        assert not runs.output(token, "csv").exists()
    run = _run(app, token)
    assert (run.status, run.error) == ("failed", "write") and run.finished_at is not None
    assert runs_folder_files(app, token) == []
    with app.app_context():
        assert build_run(run_id) is False       # built once: a failed run is not retried
    html = client.get(f"/exports/runs/{token}").get_data(as_text=True)
    assert "could not be built: the file could not be written" in html
    assert 'http-equiv="refresh"' not in html
    assert client.get(f"/exports/runs/{token}/download").status_code == 404


def test_runs_older_than_a_day_are_deleted_with_their_files(app, auth, data):
    from pulse.exports import runs
    from pulse.extensions import db
    from pulse.models import ExportRun

    auth.login("admin")
    old_id, old = _queue(app, "admin", "estimates")
    # Another area: the same export asked again while the first waits would be the first run.
    _, new = _queue(app, "admin", "estimates", area=data.ward_a)
    assert _job(app) == "succeeded"
    with app.app_context():
        db.session.execute(update(ExportRun).where(ExportRun.id == old_id).values(
            created_at=datetime.now(UTC) - runs.KEEP - timedelta(minutes=1)))
        db.session.commit()
        assert runs.output(old, "xlsx").is_file()
    assert _job(app) == "succeeded"
    with app.app_context():
        tokens = set(db.session.scalars(select(ExportRun.token)))
        assert tokens == {new}
        assert not (runs.folder() / old).exists() and runs.output(new, "xlsx").is_file()


def test_an_area_taken_from_the_owner_since_is_not_exported(app, client, auth, data):
    """Built later by the job, the run reads its owner's scope as it is then."""
    from pulse.extensions import db
    from pulse.models import Area, User, UserArea

    auth.login("analyst", areas=[data.ward_a])
    _, token = _queue(app, "analyst", "comments", area=data.ward_a)
    with app.app_context():
        analyst = db.session.scalar(select(User.id).where(User.role == "analyst"))
        other = db.session.scalar(select(Area.id).where(Area.code == data.other_ward))
        db.session.execute(update(UserArea).where(UserArea.user_id == analyst)
                           .values(area_id=other))
        db.session.commit()
    assert _job(app) == "succeeded"
    run = _run(app, token)
    assert (run.status, run.error) == ("failed", "scope")
    assert runs_folder_files(app, token) == []
    html = client.get(f"/exports/runs/{token}").get_data(as_text=True)
    assert "could not be built: the area is no longer one of yours" in html
    assert client.get(f"/exports/runs/{token}/download").status_code == 404


def test_a_run_no_scheduler_picked_up_stops_refreshing(app, client, auth, data):
    """Queued an hour ago and never started (no scheduler running): the page says so."""
    from pulse.exports import runs
    from pulse.extensions import db
    from pulse.models import ExportRun

    auth.login("analyst", areas=[data.ward_a])
    run_id, token = _queue(app, "analyst", "comments")
    assert 'http-equiv="refresh"' in client.get(f"/exports/runs/{token}").get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(ExportRun).where(ExportRun.id == run_id).values(
            heartbeat_at=datetime.now(UTC) - 2 * runs.STALE - timedelta(minutes=1)))
        db.session.commit()
    html = client.get(f"/exports/runs/{token}").get_data(as_text=True)
    assert "could not be built: it was interrupted" in html
    assert 'http-equiv="refresh"' not in html


def test_a_double_submitted_large_export_is_one_run(app, client, auth, data, monkeypatch):
    """A second click on Download while the first run waits is sent to that run: one build,
    one audit row. A different filter is another run."""
    from pulse.exports import background
    from pulse.extensions import db
    from pulse.models import ExportRun

    # Nothing builds the runs here, so the first is still queued when the second click comes.
    monkeypatch.setattr(background, "start", lambda app, run_id: None)
    app.config["EXPORT_XLSX_SYNC_ROWS"] = 3
    auth.login("analyst", areas=[data.ward_a])
    first = _post(client, "comments", format="xlsx")
    second = _post(client, "comments", format="xlsx")
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    other = _post(client, "comments", format="xlsx", date_from="2026-01-01")
    assert other.headers["Location"] != first.headers["Location"]
    with app.app_context():
        assert len(db.session.scalars(select(ExportRun)).all()) == 2
    assert [e[0] for e in _events(app)] == ["export.comments.xlsx"] * 2
