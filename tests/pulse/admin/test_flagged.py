"""Flagged responses: list in scope, review without raw text, exclude and restore with an audit row."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.support import csrf_from

RAW = "my neighbour at 12 Acacia Road sells drugs"


def _flagged_response(app, code="E05000437", flags=("too_fast",)) -> int:
    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Area, Comment, Question, Response

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == code))
        version = latest_version("core")
        response = Response(area_id=area.id, version_id=version.id, channel="qr",
                            submitted_at=datetime(2026, 10, 3, 9, 30, tzinfo=UTC),
                            quality_flags=list(flags), duration_seconds=7)
        db.session.add(response)
        db.session.flush()
        question = db.session.scalar(select(Question).where(Question.version_id == version.id))
        db.session.add(Comment(response_id=response.id, question_id=question.id, area_id=area.id,
                               submitted_at=response.submitted_at, raw_text=RAW,
                               redacted_text="my neighbour at [address] sells drugs"))
        db.session.commit()
        return response.id


def _dirty_cells(app) -> int:
    from pulse.extensions import db
    from pulse.models import DirtyCell

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DirtyCell))


def test_list_and_review_show_flags_and_only_redacted_text(app, client, auth, survey_area):
    flagged = _flagged_response(app)
    unflagged = _flagged_response(app, flags=())
    auth.login("admin")
    listing = client.get("/admin/responses/flagged").get_data(as_text=True)
    assert f"/admin/responses/{flagged}\"" in listing
    assert f"/admin/responses/{unflagged}\"" not in listing
    page = client.get(f"/admin/responses/{flagged}").get_data(as_text=True)
    assert "too_fast" in page and "qr" in page and "2026-10-03 09:30" in page
    assert "[address]" in page and "Acacia" not in page


def test_exclude_then_restore_records_who_when_why_and_marks_dirty(app, client, auth, survey_area):
    from pulse.extensions import db
    from pulse.models import Response, ResponseReview

    rid = _flagged_response(app)
    auth.login("admin", email="boss@example.org")
    before = _dirty_cells(app)
    token = csrf_from(client, f"/admin/responses/{rid}")
    done = client.post(f"/admin/responses/{rid}/exclude",
                       data={"csrf_token": token, "reason": "Finished in 7 seconds"})
    assert done.status_code == 302
    assert _dirty_cells(app) == before + 1
    token = csrf_from(client, f"/admin/responses/{rid}")
    assert client.post(f"/admin/responses/{rid}/restore",
                       data={"csrf_token": token, "reason": "Checked: a fast reader"}).status_code == 302
    with app.app_context():
        response = db.session.get(Response, rid)
        assert response.excluded is False and response.excluded_reason is None
        reviews = list(db.session.scalars(select(ResponseReview).order_by(ResponseReview.id)))
        assert [(r.action, r.reason) for r in reviews] == [
            ("exclude", "Finished in 7 seconds"), ("restore", "Checked: a fast reader")]
        assert all(r.user_id is not None and r.at is not None for r in reviews)
    page = client.get(f"/admin/responses/{rid}").get_data(as_text=True)
    assert "boss@example.org" in page and "Finished in 7 seconds" in page


def test_excluded_response_leaves_the_estimates(app, client, auth, survey_area):
    from pulse.estimates.loading import load_context, load_responses
    from pulse.extensions import db
    from pulse.models import Response

    rid = _flagged_response(app)
    with app.app_context():
        assert len(load_responses(load_context()).area) == 1
    auth.login("admin")
    token = csrf_from(client, f"/admin/responses/{rid}")
    client.post(f"/admin/responses/{rid}/exclude", data={"csrf_token": token, "reason": "bot"})
    with app.app_context():
        assert db.session.get(Response, rid).excluded is True
        assert len(load_responses(load_context()).area) == 0


def test_reason_required_keeps_page_and_changes_nothing(app, client, auth, survey_area):
    from pulse.extensions import db
    from pulse.models import Response, ResponseReview

    rid = _flagged_response(app)
    auth.login("admin")
    token = csrf_from(client, f"/admin/responses/{rid}")
    page = client.post(f"/admin/responses/{rid}/exclude", data={"csrf_token": token, "reason": "  "})
    assert page.status_code == 422
    assert "Give a reason" in page.get_data(as_text=True)
    too_long = client.post(f"/admin/responses/{rid}/exclude",
                           data={"csrf_token": token, "reason": "x" * 600})
    assert too_long.status_code == 422 and "x" * 600 in too_long.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Response, rid).excluded is False
        assert db.session.scalar(select(func.count()).select_from(ResponseReview)) == 0


def test_admin_scoped_to_areas_sees_only_their_flagged_responses(app, client, auth, survey_area):
    """An admin linked to areas is still narrowed by the scope helpers (admins see all today)."""
    mine = _flagged_response(app, code="E05000437")
    auth.login("admin")
    listing = client.get("/admin/responses/flagged").get_data(as_text=True)
    assert f"/admin/responses/{mine}\"" in listing
    assert client.get("/admin/responses/999999").status_code == 404


def test_cli_exclude_and_restore(app, runner, survey_area):
    from pulse.extensions import db
    from pulse.models import Response, ResponseReview
    from tests.support import make_user

    rid = _flagged_response(app)
    with app.app_context():
        make_user("cli@example.org", "admin")
    result = runner.invoke(args=["responses", "exclude", str(rid), "--reason", "duplicate",
                                 "--by", "cli@example.org"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["responses", "exclude", str(rid), "--reason", "duplicate"])
    assert again.exit_code != 0 and "already excluded" in again.output
    assert runner.invoke(args=["responses", "restore", str(rid), "--reason", "not a duplicate"]
                         ).exit_code == 0
    missing = runner.invoke(args=["responses", "exclude", "999999", "--reason", "x"])
    assert missing.exit_code != 0 and "no response" in missing.output
    with app.app_context():
        assert db.session.get(Response, rid).excluded is False
        rows = db.session.execute(select(ResponseReview.action, ResponseReview.user_id)
                                  .order_by(ResponseReview.id)).all()
        assert [r.action for r in rows] == ["exclude", "restore"]
        assert rows[0].user_id is not None and rows[1].user_id is None
