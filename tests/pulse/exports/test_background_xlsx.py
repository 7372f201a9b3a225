"""A large XLSX is queued and built off the request: status page, owner-only download, one
audit row; a small one is still sent at once (SQLite, and PostgreSQL when configured)."""
from __future__ import annotations

import io
import time

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
    sheet = load_workbook(io.BytesIO(download.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    download.close()
    # Bellingham's comments only (the analyst's scope), formulas neutralised, never raw text.
    assert rows[0][0] == "area_code" and len(rows) - 1 > 3
    assert {r[0] for r in rows[1:]} == {data.ward_a}
    assert "'=1+1" in {r[3] for r in rows[1:]}
    with app.app_context():
        from pulse.models import User
        from pulse.extensions import db

        analyst = db.session.scalar(select(User.id).where(User.role == "analyst"))
    # One audit row: who asked, with the rows the filters select; the download adds none.
    assert _events(app) == [("export.comments.xlsx", len(rows) - 1, analyst)]


def test_a_small_xlsx_is_still_sent_at_once(app, client, auth, data):
    app.config["EXPORT_XLSX_SYNC_ROWS"] = 3
    auth.login("officer", areas=[data.ward_a])
    response = _post(client, "estimates", format="xlsx", area=data.ward_a_child)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    response.close()
    assert [e[0] for e in _events(app)] == ["export.estimates.xlsx"]


def test_someone_elses_run_is_404(app, client, auth, data):
    app.config["EXPORT_XLSX_SYNC_ROWS"] = 0
    auth.login("admin")
    url = _post(client, "estimates", format="xlsx").headers["Location"]
    _wait(client, url)
    own = client.get(f"{url}/download")
    assert own.status_code == 200
    own.close()
    auth.logout()
    auth.login("officer", areas=[data.ward_a])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/download").status_code == 404
    for token in ("..", "%2e%2e%2fstatus.json", "A" * 32, "0" * 31):
        assert client.get(f"/exports/runs/{token}").status_code == 404


def test_a_run_that_fails_says_so_and_leaves_no_file(app, client, auth, data):
    """A build that raises (here: a source that does not exist): the page says it failed."""
    from pulse.exports import runs
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import queue_xlsx, run_xlsx
    from pulse.extensions import db
    from pulse.models import User

    auth.login("admin")
    with app.test_request_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        run = queue_xlsx("responses", ExportFilter.build(), 5, user=admin)
        db.session.commit()
        assert run_xlsx(run.token, "no-such-export", ExportFilter.build()) == 0
        failed = runs.load(run.token)
        assert failed.state == runs.FAILED and failed.error
        assert not runs.workbook(run.token).exists()
        assert not runs.workbook(run.token).with_name("export.xlsx.part").exists()
        # Built once: asking again for a finished run does nothing.
        assert run_xlsx(run.token, "responses", ExportFilter.build()) == 0
    html = client.get(f"/exports/runs/{run.token}").get_data(as_text=True)
    assert "could not be built" in html and 'http-equiv="refresh"' not in html
    assert client.get(f"/exports/runs/{run.token}/download").status_code == 404


def test_a_run_whose_process_ended_shows_as_interrupted(app, client, auth, data):
    import json

    from pulse.exports import runs
    from pulse.exports.filters import ExportFilter
    from pulse.exports.operations import queue_xlsx
    from pulse.extensions import db
    from pulse.models import User

    auth.login("analyst", areas=[data.ward_a])
    with app.test_request_context():
        analyst = db.session.scalar(select(User).where(User.role == "analyst"))
        run = queue_xlsx("comments", ExportFilter.build(user=analyst), 40, user=analyst)
        db.session.commit()
        # Never started (the process ended), and last touched longer ago than STALE.
        status = runs.folder() / run.token / "status.json"
        fields = json.loads(status.read_text()) | {"updated_at": "2026-01-01T00:00:00+00:00"}
        status.write_text(json.dumps(fields))
    html = client.get(f"/exports/runs/{run.token}").get_data(as_text=True)
    assert "could not be built: it was interrupted" in html
    assert 'http-equiv="refresh"' not in html
    with app.app_context():
        db.session.execute(update(User).where(User.role == "analyst").values(role="viewer"))
        db.session.commit()
    # Demoted since: comments are for analysts, whoever asked for them.
    assert client.get(f"/exports/runs/{run.token}").status_code == 403
