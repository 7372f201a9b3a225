"""`flask responses import`: good rows stored together, bad rows reported, nothing half-done."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from pulse.extensions import db
from pulse.instruments.queries import latest_version
from pulse.models import Answer, Area, Response
from pulse.survey.operations import Meta, NewResponse, record_responses
from surveys.core import CORE
from surveys.validation import validate_submission
from tests.support import GOOD_ANSWERS

HEADER = ("area_code,submitted_at,safe_day,safe_night,respect,listen,fair,relied_on,"
          "things_that_matter,informed,good_job,top_issue,age_band,sex,ethnicity")
GOOD = [
    "E05000437,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4,\"Lights on the path, please\",35-44,female,",
    "E05000438,2025-03-06T09:15:00+01:00,6,3,5,5,dk,2,2,1,2,,65+,male,white",
    "E05000437,2025-03-07T10:00:00Z,10,10,10,10,10,5,5,5,5,,,,",
]
BAD = [
    "E05009999,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4,,,,",
    "E05000437,2025-03-05T18:30:00,8,5,7,6,6,4,3,dk,4,,,,",
    "E05000437,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,9,should not be stored,,,",
]


def write(tmp_path, lines, name="responses.csv", bom=True) -> str:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode() + b"\r\n")
    return str(path)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_good_rows_are_stored_and_bad_rows_reported(app, runner, survey_area, tmp_path):
    path = write(tmp_path, [HEADER, *GOOD, *BAD])
    result = runner.invoke(args=["responses", "import", path])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "3 imported, 3 rejected",
        "line 5: unknown area code 'E05009999'",
        "line 6: submitted_at '2025-03-05T18:30:00' has no time zone; add Z for UTC or an "
        "offset such as +01:00",
        "line 7: good_job: value out of range (allowed 1-5, or dk)",
    ]
    with app.app_context():
        core = latest_version("core")
        rows = db.session.scalars(select(Response).order_by(Response.submitted_at)).all()
        assert len(rows) == 3
        assert {r.channel for r in rows} == {"import"}
        assert {r.version_id for r in rows} == {core.id}
        assert [r.area.code for r in rows] == ["E05000437", "E05000438", "E05000437"]
        assert rows[1].submitted_at.isoformat() == "2025-03-06T08:15:00+00:00"
        assert (rows[1].age_band, rows[1].sex, rows[1].ethnicity) == ("65+", "male", "white")
        assert rows[2].quality_flags == ["straightlined"] and rows[0].quality_flags == []
        answers = {a.question.code: a for a in rows[0].answers}
        assert answers["top_issue"].text == "Lights on the path, please"
        assert answers["informed"].dont_know and answers["safe_day"].value == 8
        assert "age_band" not in answers
        assert count(Answer) == 10 + 9 + 9
        assert db.session.scalar(select(func.count()).select_from(Answer).where(
            Answer.text == "should not be stored")) == 0


def test_dry_run_reports_and_stores_nothing(app, runner, survey_area, tmp_path):
    path = write(tmp_path, [HEADER, *GOOD, BAD[0]])
    result = runner.invoke(args=["responses", "import", "--dry-run", path])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "dry run: 3 would be imported, 1 rejected"
    with app.app_context():
        assert count(Response) == 0 and count(Answer) == 0


def test_strict_stores_nothing_when_any_row_fails(app, runner, survey_area, tmp_path):
    path = write(tmp_path, [HEADER, *GOOD, BAD[2]])
    result = runner.invoke(args=["responses", "import", "--strict", path])
    assert result.exit_code == 1
    assert "0 imported, 1 rejected (--strict: nothing stored)" in result.output
    assert "line 5: good_job" in result.output
    with app.app_context():
        assert count(Response) == 0
    clean = runner.invoke(args=["responses", "import", "--strict", write(tmp_path, [HEADER, *GOOD])])
    assert clean.exit_code == 0 and clean.output.startswith("3 imported, 0 rejected")


def test_importing_the_same_rows_again_does_not_double_them(app, runner, survey_area, tmp_path):
    first = runner.invoke(args=["responses", "import", write(tmp_path, [HEADER, *GOOD[:2]])])
    assert first.output.startswith("2 imported")
    again = runner.invoke(args=["responses", "import", write(tmp_path, [HEADER, *GOOD], "all.csv")])
    assert again.exit_code == 0
    assert again.output.splitlines()[0] == "1 imported, 0 rejected, 2 already imported earlier (skipped)"
    with app.app_context():
        assert count(Response) == 3


def test_unusable_files_fail_with_a_reason(app, runner, survey_area, tmp_path):
    cases = {
        "empty.csv": (b"", "the file is empty"),
        "columns.csv": (HEADER.encode() + b",postcode\r\n" + GOOD[0].encode() + b",SE6\r\n",
                        "unknown column(s): postcode"),
        "latin1.csv": (HEADER.encode() + b"\r\n" + GOOD[0].replace("Lights", "L\u00e9a").encode("latin-1"),
                       "not UTF-8"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = runner.invoke(args=["responses", "import", str(path)])
        assert result.exit_code != 0, name
        assert message in result.output and "nothing imported" in result.output
    missing = runner.invoke(args=["responses", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code != 0 and "cannot read" in missing.output
    with app.app_context():
        assert count(Response) == 0


def test_a_database_failure_leaves_nothing_behind(app, runner, survey_area, tmp_path):
    """The good rows go in together: if the database refuses one, none of them stays."""
    boom = GOOD[2].replace(",,,,", ",refuse me,,,")
    path = write(tmp_path, [HEADER, *GOOD[:2], boom])
    with app.app_context():
        _install_refusing_trigger()
    try:
        result = runner.invoke(args=["responses", "import", path])
        assert result.exit_code != 0
        assert "the database refused the import" in result.output
        assert "refuse me" not in result.output
        with app.app_context():
            assert count(Response) == 0 and count(Answer) == 0
    finally:
        with app.app_context():
            _drop_refusing_trigger()


def _install_refusing_trigger() -> None:
    # A real database refusing a real row: the last answer of the file is rejected by a trigger.
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER refuse_answer BEFORE INSERT ON answer "
                "WHEN NEW.text = 'refuse me' BEGIN SELECT RAISE(ABORT, 'refused'); END"))
        else:
            conn.execute(text(
                "CREATE FUNCTION refuse_answer() RETURNS trigger AS $$ BEGIN "
                "IF NEW.text = 'refuse me' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"))
            conn.execute(text(
                "CREATE TRIGGER refuse_answer BEFORE INSERT ON answer "
                "FOR EACH ROW EXECUTE FUNCTION refuse_answer()"))


def _drop_refusing_trigger() -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS refuse_answer"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS refuse_answer ON answer"))
            conn.execute(text("DROP FUNCTION IF EXISTS refuse_answer()"))


def test_bulk_writes_need_a_distinct_key_per_response(app, survey_area):
    with app.app_context():
        version = latest_version("core")
        area = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
        submission = validate_submission(CORE, GOOD_ANSWERS)

        def item(key):
            return NewResponse(area.id, submission, Meta(datetime.now(UTC), "en", "import",
                                                         submission_key=key))

        for keys in ([None], ["a", "a"]):
            with pytest.raises(ValueError, match="distinct submission_key"):
                record_responses(version, [item(k) for k in keys])
        assert record_responses(version, [item("a"), item("b")]) == 2
        stored = db.session.scalars(select(Response.submission_key).order_by(Response.id)).all()
        assert stored == ["a", "b"] and count(Answer) == 2 * len(submission.answers)
        db.session.rollback()


def test_odd_files_and_times_are_reported_not_crashed_on(app, runner, survey_area, tmp_path):
    # A time with no UTC equivalent is one rejected row, not a traceback that loses the file.
    far = GOOD[0].replace("2025-03-05T18:30:00Z", "0001-01-01T00:00:00+01:00")
    result = runner.invoke(args=["responses", "import", write(tmp_path, [HEADER, far, GOOD[1]])])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "1 imported, 1 rejected",
        "line 2: submitted_at '0001-01-01T00:00:00+01:00' is out of range"]
    # UTF-16 without a byte-order mark, and a blank first line, are refused whole with a reason.
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("\r\n".join([HEADER, GOOD[2]]).encode("utf-16-le"))
    blank = tmp_path / "blank.csv"
    blank.write_bytes(("\r\n" + "\r\n".join([HEADER, GOOD[2]])).encode())
    for path, message in ((utf16, "not UTF-8"), (blank, "line 1 is blank")):
        refused = runner.invoke(args=["responses", "import", str(path)])
        assert refused.exit_code != 0 and message in refused.output
        assert "nothing imported" in refused.output
    with app.app_context():
        assert count(Response) == 1 and count(Answer) == 9
