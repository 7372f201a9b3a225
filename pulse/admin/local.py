"""Local questions: the core instrument plus a few questions for chosen areas and dates.

A set of local questions is its own instrument *variant* (code ``core+<name>``): the core
questions, unchanged and in their order, then the local ones before the "about you" section.
Publishing a changed variant (wording, translations, order) makes a new version; answers
already given keep pointing at the version they answered. Collection in the chosen areas
between the chosen dates runs as a wave on the variant, so the resident form there shows core
plus local questions and everywhere else shows the core alone.

The core questions' codes, kinds, scales and options are checked on every publish; local
codes must be new, so the aggregation (which keys measures by question code and keeps the
scale a code was first given) carries closed-scale local questions as measures of their own.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from surveys.core import CORE, DEMOGRAPHICS
from surveys.instrument import Instrument as Definition
from surveys.instrument import Question as QuestionDef

from ..areas.operations import open_wave
from ..extensions import db
from ..instruments.operations import publish
from ..models import Area, InstrumentVersion, Question, Wave

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class LocalError(ValueError):
    """A local question set that cannot be published as asked."""


def variant_code(name: str) -> str:
    if not NAME.match(name or ""):
        raise LocalError("A name is 2-41 lower-case letters, digits or hyphens, e.g. ladywell.")
    return f"core+{name}"


def _signature(q: QuestionDef) -> tuple:
    return (q.code, q.kind, q.scale, tuple(o.value for o in q.options), q.demographic)


def build(name: str, local: list[QuestionDef]) -> Definition:
    """The variant's definition: core questions, then ``local`` in the given order, then demographics."""
    core_codes = set(CORE.codes)
    for q in local:
        if q.code in core_codes:
            raise LocalError(f"{q.code} is a core question's code; local questions need new codes.")
        if not CODE.match(q.code):
            raise LocalError(f"{q.code!r}: a code is lower-case letters, digits and underscores.")
        if q.demographic:
            raise LocalError("Local questions cannot be demographic questions.")
        missing = [lang for lang in CORE.languages if not q.wording.get(lang, "").strip()]
        if missing:
            raise LocalError(f"{q.code}: give the wording in every enabled language "
                             f"(missing: {', '.join(missing)}).")
    head = tuple(q for q in CORE.questions if q.code not in DEMOGRAPHICS)
    tail = tuple(q for q in CORE.questions if q.code in DEMOGRAPHICS)
    try:
        return Definition(code=variant_code(name), title=dict(CORE.title),
                          questions=head + tuple(local) + tail, composites=CORE.composites,
                          languages=CORE.languages)
    except ValueError as err:
        raise LocalError(str(err)) from None


def check_core_fixed(definition: Definition) -> None:
    """Every core question is present with its code, kind, scale and options unchanged."""
    for q in CORE.questions:
        try:
            mine = definition.question(q.code)
        except KeyError:
            raise LocalError(f"the core question {q.code} is missing") from None
        if _signature(mine) != _signature(q):
            raise LocalError(f"the core question {q.code} may not change its code or scale")


def check_codes_unclaimed(definition: Definition) -> None:
    """A local code already stored with another scale would be merged wrongly in estimates."""
    core = set(CORE.codes)
    for q in definition.questions:
        if q.code in core:
            continue
        stored = db.session.scalars(select(Question.scale).where(Question.code == q.code)).all()
        if any(s != q.scale for s in stored):
            raise LocalError(f"{q.code} is already used with another scale; choose a new code.")


def publish_local(name: str, local: list[QuestionDef]) -> InstrumentVersion:
    """Publish (or keep, when unchanged) the variant holding ``local``; add and flush."""
    definition = build(name, local)
    check_core_fixed(definition)
    check_codes_unclaimed(definition)
    return publish(definition)


def schedule(version: InstrumentVersion, areas: list[Area], *, starts: datetime,
             ends: datetime, label: str) -> list[Wave]:
    """Collect with the variant in each area from ``starts`` until ``ends``."""
    if not areas:
        raise LocalError("Choose at least one area.")
    if ends <= starts:
        raise LocalError("The end date must come after the start date.")
    return [open_wave(area, version.instrument, name=label, opens_at=starts, closes_at=ends)
            for area in areas]


def question_from(spec: dict) -> QuestionDef:
    """A local question from plain data (a JSON file, a form): code, kind, scale, wording, options."""
    from surveys.instrument import Option

    if not isinstance(spec, dict):
        raise LocalError("Each question is an object with code, kind and wording.")
    try:
        options = tuple(Option(str(o["value"]), {k: str(v) for k, v in o["labels"].items()})
                        for o in spec.get("options") or [])
        wording = {str(k): str(v).strip() for k, v in (spec.get("wording") or {}).items()}
        return QuestionDef(code=str(spec.get("code", "")), kind=str(spec.get("kind", "")),
                           wording=wording, scale=spec.get("scale") or None, options=options,
                           optional=bool(spec.get("optional", True)))
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise LocalError(f"question {spec.get('code', '?')!r}: {err}") from None


def local_questions(definition: Definition) -> list[QuestionDef]:
    core = set(CORE.codes)
    return [q for q in definition.questions if q.code not in core]
