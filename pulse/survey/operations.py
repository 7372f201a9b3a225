"""Writing a resident's response. Operations add and flush; the view commits once."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError

from surveys.validation import Answer as ValidAnswer
from surveys.validation import Submission

from analysis.text.redact import redact

from ..estimates.operations import mark_added, mark_dirty
from ..extensions import db
from ..models import Area, Answer, Comment, InstrumentVersion, Response, Wave
from ..text.operations import NewComment, add_comments, comment_rows, screen_comments


@dataclass(frozen=True)
class Meta:
    """Everything about a response that is not an answer."""

    submitted_at: datetime
    language: str
    channel: str
    device_hash: str | None = None
    submission_key: str | None = None
    duration_seconds: int | None = None
    quality_flags: tuple[str, ...] = ()


def record_response(area: Area, wave: Wave | None, version: InstrumentVersion,
                    submission: Submission, meta: Meta) -> Response:
    """Add a validated submission as one response with one answer row per answered question."""
    if not submission.ok:
        raise ValueError("record_response takes only a valid submission")
    question_ids = {q.code: q.id for q in version.questions}
    response = Response(area=area, wave=wave, version=version,
                        **_response_columns(submission, meta))
    response.answers = [Answer(**_answer_columns(question_ids, a))
                        for a in submission.answers.values()]
    db.session.add(response)
    db.session.flush()
    add_comments(_comments(response.id, area.id, meta, question_ids, submission))
    mark_added([(area.id, meta.submitted_at, response.id)])
    return response


@dataclass(frozen=True)
class Added:
    """A response just added: its id, and whether a comment in it was flagged for safeguarding."""

    response_id: int
    flagged: bool


def add_response(area_id: int, wave_id: int | None, version_id: int,
                 question_ids: dict[str, int], submission: Submission, meta: Meta) -> Added:
    """Add one resident's validated response, its answers and comments; return what was added.

    The same rows as :func:`record_response`, written as plain Core INSERTs on the session's
    connection (the answers as one executemany) instead of the ORM's unit of work: this is the
    submit hot path. The free text is screened and redacted (once, for both the answer row and
    the comment) before anything is written.
    """
    if not submission.ok:
        raise ValueError("add_response takes only a valid submission")
    texts = [a.text for a in submission.answers.values() if a.text]
    screened = screen_comments(texts)
    redacted = {text: redact(text) for text in texts}
    response = {"area_id": area_id, "wave_id": wave_id, "version_id": version_id,
                "excluded": False, **_response_columns(submission, meta)}
    answers = [_answer_columns(question_ids, a, redacted) for a in submission.answers.values()]
    comments = comment_rows(_comments(0, area_id, meta, question_ids, submission),  # id below
                            screened, redacted)
    # Every row is built before the first write (but the one-row dirty mark, which names the
    # new response's id). On SQLite that write takes the database's write lock until the
    # commit, and every other resident's submit waits behind it (the Python work between the
    # statements was about two thirds of that window, measured).
    connection = db.session.connection()
    response_id = connection.execute(
        insert(Response.__table__).returning(Response.__table__.c.id), response).scalar_one()
    for row in answers + comments:
        row["response_id"] = response_id
    if answers:
        connection.execute(insert(Answer.__table__), answers)
    if comments:
        connection.execute(insert(Comment.__table__), comments)
    mark_added([(area_id, meta.submitted_at, response_id)])
    return Added(response_id, any(result.flagged for result in screened))


#: Up to this many responses added at once are marked one by one, for the aggregation to add
#: to their months' kept sums; a larger load has its months counted again.
ADDED_MARKS = 1000


@dataclass(frozen=True)
class NewResponse:
    """One validated response for :func:`record_responses`; areas and waves by id."""

    area_id: int
    submission: Submission
    meta: Meta
    wave_id: int | None = None


def record_responses(version: InstrumentVersion, items: Sequence[NewResponse],
                     *, batch: int = 5000) -> int:
    """Add many validated responses with bulk INSERTs (imports, the demo); return how many.

    The same rows as :func:`record_response` writes, but a few multi-row statements per batch
    instead of a flush per response: loading tens of thousands of rows one ORM object at a
    time takes minutes. Every item needs its own ``submission_key``: the answers find their
    response's new id through it. All of it is inside the caller's transaction.
    """
    if any(not item.submission.ok for item in items):
        raise ValueError("record_responses takes only valid submissions")
    keys = [item.meta.submission_key for item in items]
    if None in keys or len(set(keys)) != len(keys):
        raise ValueError("record_responses needs a distinct submission_key for every response")
    question_ids = {q.code: q.id for q in version.questions}
    table = Response.__table__
    added: list[tuple[int, datetime, int]] = []
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        db.session.execute(insert(table), [
            {"area_id": item.area_id, "wave_id": item.wave_id, "version_id": version.id,
             "excluded": False, **_response_columns(item.submission, item.meta)}
            for item in chunk])
        # Plain executemany, then the ids by key: INSERT ... RETURNING in parameter order
        # falls back to one statement per row on SQLite, which is what this avoids.
        ids: dict[str, int] = {}
        for part in range(0, len(chunk), 900):
            wanted = [item.meta.submission_key for item in chunk[part:part + 900]]
            ids.update((key, id_) for key, id_ in db.session.execute(
                select(table.c.submission_key, table.c.id)
                .where(table.c.submission_key.in_(wanted))))
        # Redacted once, for the answer row and the comment alike.
        redacted = {a.text: redact(a.text) for item in chunk
                    for a in item.submission.answers.values() if a.text}
        answers = [{"response_id": ids[item.meta.submission_key],
                    **_answer_columns(question_ids, a, redacted)}
                   for item in chunk for a in item.submission.answers.values()]
        if answers:
            _insert_answers(answers)
        add_comments([comment for item in chunk for comment in _comments(
            ids[item.meta.submission_key], item.area_id, item.meta, question_ids,
            item.submission)], redacted=redacted)
        added += [(item.area_id, item.meta.submitted_at, ids[item.meta.submission_key])
                  for item in chunk]
    if len(added) <= ADDED_MARKS:
        mark_added(added)
    else:
        # A bulk load: its months are counted again whole, one mark per (area, month).
        mark_dirty((area_id, at) for area_id, at, _ in added)
    return len(items)


def _insert_answers(rows: list[dict]) -> None:
    """Insert answer rows, the largest table of a bulk load, by the backend's fastest path.

    On PostgreSQL that is COPY, inside the session's transaction: a 50,000-response import has
    about 470,000 answers, and psycopg's executemany sends them one statement each (about 7
    times slower, measured). Answers hold only integers, booleans and text, which COPY takes
    as they are. SQLite's executemany is already a C loop.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(Answer.__table__), rows)
        return
    import psycopg
    from psycopg import sql

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(Answer.__table__.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    try:
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
    except psycopg.Error as err:
        # Callers handle SQLAlchemy's errors; a refused COPY must look like any refused INSERT.
        raise DBAPIError.instance("COPY answer", None, err, psycopg.Error) from err


def _response_columns(submission: Submission, meta: Meta) -> dict:
    return {
        "submitted_at": meta.submitted_at, "language": meta.language, "channel": meta.channel,
        "age_band": submission.demographics.get("age_band"),
        "sex": submission.demographics.get("sex"),
        "ethnicity": submission.demographics.get("ethnicity"),
        "device_hash": meta.device_hash, "submission_key": meta.submission_key,
        "duration_seconds": meta.duration_seconds, "quality_flags": list(meta.quality_flags),
    }


def _answer_columns(question_ids: dict[str, int], answer: ValidAnswer,
                    redacted: dict[str, str] | None = None) -> dict:
    # Answers keep only the redacted text; the raw words go to the comment table, which
    # deletes them after the retention period.
    text = None
    if answer.text:
        text = (redacted or {}).get(answer.text) or redact(answer.text)
    return {"question_id": question_ids[answer.code], "value": answer.value,
            "dont_know": answer.dont_know, "text": text}


def _comments(response_id: int, area_id: int, meta: Meta, question_ids: dict[str, int],
              submission: Submission) -> list[NewComment]:
    return [NewComment(response_id, question_ids[a.code], area_id, meta.submitted_at, a.text)
            for a in submission.answers.values() if a.text]
