"""Translate between the survey domain's instrument values and database rows."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from surveys.instrument import Composite, Instrument, Option, Question

from ..models import InstrumentVersion
from ..models import Question as QuestionRow


def digest(definition: Instrument) -> str:
    """A stable fingerprint of everything a resident sees or a scorer uses."""
    payload = json.dumps(asdict(definition), sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.sha256(payload.encode()).hexdigest()


def question_rows(definition: Instrument) -> list[QuestionRow]:
    return [
        QuestionRow(
            code=q.code, position=i, kind=q.kind, scale=q.scale, optional=q.optional,
            demographic=q.demographic, max_length=q.max_length, wording=dict(q.wording),
            hint=dict(q.hint), anchors={k: list(v) for k, v in q.anchors.items()},
            options=[{"value": o.value, "labels": dict(o.labels)} for o in q.options],
        )
        for i, q in enumerate(definition.questions)
    ]


def to_domain(version: InstrumentVersion) -> Instrument:
    """The plain instrument value of a stored version, for validation and scoring."""
    questions = tuple(
        Question(
            code=row.code, kind=row.kind, scale=row.scale, optional=row.optional,
            demographic=row.demographic, max_length=row.max_length, wording=dict(row.wording),
            hint=dict(row.hint or {}),
            anchors={k: tuple(v) for k, v in (row.anchors or {}).items()},
            options=tuple(Option(o["value"], dict(o["labels"])) for o in row.options or []),
        )
        for row in version.questions
    )
    composites = tuple(
        Composite(code=c["code"], method=c["method"], of=tuple(c["of"]), label=c["label"])
        for c in version.composites or []
    )
    return Instrument(code=version.instrument.code, title=dict(version.title),
                      questions=questions, composites=composites,
                      languages=tuple(version.languages))
