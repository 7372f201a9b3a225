"""Writing a resident's response. Operations add and flush; the view commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from surveys.validation import Submission

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
    response = Response(
        area=area, wave=wave, version=version,
        submitted_at=meta.submitted_at, language=meta.language, channel=meta.channel,
        age_band=submission.demographics.get("age_band"),
        sex=submission.demographics.get("sex"),
        ethnicity=submission.demographics.get("ethnicity"),
        device_hash=meta.device_hash, submission_key=meta.submission_key,
        duration_seconds=meta.duration_seconds, quality_flags=list(meta.quality_flags),
    )
    response.answers = [
        Answer(question_id=question_ids[a.code], value=a.value, dont_know=a.dont_know,
               text=a.text)
        for a in submission.answers.values()
    ]
    db.session.add(response)
    db.session.flush()
    return response
