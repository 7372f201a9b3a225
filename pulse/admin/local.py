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
from datetime import UTC, datetime

from sqlalchemy import or_, select

from surveys.core import CORE, DEMOGRAPHICS
from surveys.instrument import Instrument as Definition
from surveys.instrument import Question as QuestionDef

from ..areas.operations import open_wave
from ..extensions import db
from ..instruments.operations import publish
from ..instruments.queries import latest_version
from ..models import Area, InstrumentVersion, Question, Wave

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class LocalError(ValueError):
    """A local question set that cannot be published as asked.

    ``index`` (the local question's place, from 0) and ``field`` say where the problem is, so
    the admin console can put the message by the field; the CLI prints the message alone.
    """

    def __init__(self, message: str, *, index: int | None = None, field: str | None = None):
        super().__init__(message)
        self.index, self.field = index, field


def variant_code(name: str) -> str:
    if not NAME.match(name or ""):
        raise LocalError("A name is 2-41 lower-case letters, digits or hyphens, e.g. ladywell.",
                         field="name")
    return f"core+{name}"


def _signature(q: QuestionDef) -> tuple:
    return (q.code, q.kind, q.scale, tuple(o.value for o in q.options), q.demographic)


def build(name: str, local: list[QuestionDef]) -> Definition:
    """The variant's definition: core questions, then ``local`` in the given order, then demographics."""
    core_codes = set(CORE.codes)
    seen: set[str] = set()
    for i, q in enumerate(local):
        if q.code in core_codes:
            raise LocalError(f"{q.code} is a core question's code; local questions need new codes.",
                             index=i, field="code")
        if not CODE.match(q.code):
            raise LocalError(f"{q.code!r}: a code is lower-case letters, digits and underscores.",
                             index=i, field="code")
        if q.code in seen:
            raise LocalError(f"{q.code} is used twice; each question needs its own code.",
                             index=i, field="code")
        seen.add(q.code)
        if q.demographic:
            raise LocalError("Local questions cannot be demographic questions.", index=i)
        missing = [lang for lang in CORE.languages if not q.wording.get(lang, "").strip()]
        if missing:
            raise LocalError(f"{q.code}: give the wording in every enabled language "
                             f"(missing: {', '.join(missing)}).", index=i,
                             field=f"wording_{missing[0]}")
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
    local = local_questions(definition)
    for i, q in enumerate(local):
        stored = db.session.scalars(select(Question.scale).where(Question.code == q.code)).all()
        if any(s != q.scale for s in stored):
            raise LocalError(f"{q.code} is already used with another scale; choose a new code.",
                             index=i, field="code")


def checked(name: str, local: list[QuestionDef]) -> Definition:
    """The variant holding ``local``, with every check publishing makes (for a preview)."""
    definition = build(name, local)
    check_core_fixed(definition)
    check_codes_unclaimed(definition)
    return definition


def publish_local(name: str, local: list[QuestionDef]) -> InstrumentVersion:
    """Publish (or keep, when unchanged) the variant holding ``local``; add and flush."""
    return publish(checked(name, local))


def schedule(version: InstrumentVersion, areas: list[Area], *, starts: datetime,
             ends: datetime, label: str, now: datetime | None = None,
             managed: list[Area] | None = None) -> list[Wave]:
    """Collect with the variant in each area from ``starts`` until ``ends``.

    An area that already has a wave of this variant not yet over keeps that wave with the new
    dates, so publishing again never collects twice in one place. With ``managed`` (the areas
    the caller may change), waves of the variant in those areas but no longer chosen end now.
    """
    if not areas:
        raise LocalError("Choose at least one area.", field="areas")
    if ends <= starts:
        raise LocalError("The end date must come after the start date.", field="ends")
    now = now or datetime.now(UTC)
    if ends <= now:
        # Such a wave is over before it is made: nothing would be collected, and the set would
        # not even show as scheduled when opened again.
        raise LocalError("The last day of collection has already passed.", field="ends")
    current = {w.area_id: w for w in scheduled(version, now)}
    chosen = {a.id for a in areas}
    for area in managed or []:
        wave = current.get(area.id)
        if area.id not in chosen and wave is not None:
            # Ending a wave that has not begun would leave it closing before it opens.
            wave.opens_at = min(wave.opens_at, now)
            wave.closes_at = now
    waves = []
    for area in areas:
        wave = current.get(area.id)
        if wave is None:
            wave = open_wave(area, version.instrument, name=label, opens_at=starts, closes_at=ends)
        else:
            wave.opens_at, wave.closes_at = starts, ends
        waves.append(wave)
    db.session.flush()
    return waves


def scheduled(version: InstrumentVersion, now: datetime) -> list[Wave]:
    """The variant's waves not yet over, earliest first: what the console shows as chosen."""
    return list(db.session.scalars(
        select(Wave).where(Wave.instrument_id == version.instrument_id,
                           or_(Wave.closes_at.is_(None), Wave.closes_at > now))
        .order_by(Wave.opens_at, Wave.id)))


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


def spec_of(q: QuestionDef) -> dict:
    """The plain data of a local question (the inverse of :func:`question_from`)."""
    return {"code": q.code, "kind": q.kind, "scale": q.scale, "optional": q.optional,
            "wording": dict(q.wording),
            "options": [{"value": o.value, "labels": dict(o.labels)} for o in q.options]}


def local_questions(definition: Definition) -> list[QuestionDef]:
    core = set(CORE.codes)
    return [q for q in definition.questions if q.code not in core]


def publish_and_schedule(name: str, local: list[QuestionDef], areas: list[Area], *,
                         starts: datetime, ends: datetime, now: datetime,
                         managed: list[Area]) -> tuple[InstrumentVersion, bool]:
    """Publish the set and collect it in ``areas``: the admin console's one write.

    Returns the version and whether it is new (an unchanged set keeps its version).
    """
    before = latest_version(variant_code(name))
    version = publish_local(name, local)
    schedule(version, areas, starts=starts, ends=ends, label=f"Local: {name}", now=now,
             managed=managed)
    return version, before is None or before.id != version.id
