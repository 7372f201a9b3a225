"""Writing a resident's response. Operations add and flush; the view commits once."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert

from surveys.validation import Answer as ValidAnswer
from surveys.validation import Submission

from ..estimates.operations import mark_dirty
from ..extensions import db
from ..models import Area, Answer, InstrumentVersion, Response, Wave


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
    mark_dirty([(area.id, meta.submitted_at)])
    return response


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

    The same rows as :func:`record_response` writes, but two multi-row statements per batch
    instead of a flush per response: loading tens of thousands of rows one ORM object at a
    time takes minutes. All of it is inside the caller's transaction.
    """
    if any(not item.submission.ok for item in items):
        raise ValueError("record_responses takes only valid submissions")
    question_ids = {q.code: q.id for q in version.questions}
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        rows = [{"area_id": item.area_id, "wave_id": item.wave_id, "version_id": version.id,
                 "excluded": False, **_response_columns(item.submission, item.meta)}
                for item in chunk]
        # Core statements on the tables: the ORM's bulk path re-reads RETURNING rows per
        # batch and costs several times as much here.
        ids = db.session.scalars(
            insert(Response.__table__).returning(Response.__table__.c.id,
                                                 sort_by_parameter_order=True), rows).all()
        answers = [{"response_id": rid, **_answer_columns(question_ids, a)}
                   for rid, item in zip(ids, chunk, strict=True)
                   for a in item.submission.answers.values()]
        if answers:
            db.session.execute(insert(Answer.__table__), answers)
    mark_dirty((item.area_id, item.meta.submitted_at) for item in items)
    return len(items)


def _response_columns(submission: Submission, meta: Meta) -> dict:
    return {
        "submitted_at": meta.submitted_at, "language": meta.language, "channel": meta.channel,
        "age_band": submission.demographics.get("age_band"),
        "sex": submission.demographics.get("sex"),
        "ethnicity": submission.demographics.get("ethnicity"),
        "device_hash": meta.device_hash, "submission_key": meta.submission_key,
        "duration_seconds": meta.duration_seconds, "quality_flags": list(meta.quality_flags),
    }


def _answer_columns(question_ids: dict[str, int], answer: ValidAnswer) -> dict:
    return {"question_id": question_ids[answer.code], "value": answer.value,
            "dont_know": answer.dont_know, "text": answer.text}
