"""Reads for the resident survey."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, defer, joinedload

from ..extensions import db
from ..models import Area, InstrumentVersion, Question, Wave


def active_area(code: str) -> Area | None:
    # The parent comes in the same query (open_wave walks up the tree); boundaries, which
    # can be large, stay in the database until something asks for them.
    area = db.session.scalar(
        select(Area).where(Area.code == code)
        .options(defer(Area.boundary), joinedload(Area.parent).defer(Area.boundary)))
    return area if area is not None and area.active else None


@dataclass(frozen=True)
class VersionRef:
    """The current version of an instrument as plain values: what a submission needs.

    ``id`` and ``digest`` are what :func:`pulse.instruments.queries.definition_of` reads.
    """

    id: int
    digest: str
    question_ids: dict[str, int]


def current_version(instrument_id: int) -> VersionRef | None:
    """The latest version of an instrument with its question ids, in one query."""
    latest = (select(InstrumentVersion.id)
              .where(InstrumentVersion.instrument_id == instrument_id)
              .order_by(InstrumentVersion.version.desc()).limit(1).scalar_subquery())
    rows = db.session.execute(
        select(InstrumentVersion.id, InstrumentVersion.digest, Question.code, Question.id)
        .join(Question, Question.version_id == InstrumentVersion.id)
        .where(InstrumentVersion.id == latest)).all()
    if not rows:
        return None
    return VersionRef(id=rows[0][0], digest=rows[0][1],
                      question_ids={code: question_id for _, _, code, question_id in rows})


def open_wave(area: Area, at: datetime) -> Wave | None:
    """The wave collecting for ``area`` at ``at``: its own, else the nearest ancestor's."""
    lineage = [area, *area.ancestors()]
    ids = [a.id for a in lineage]
    waves = db.session.scalars(
        select(Wave).where(
            Wave.area_id.in_(ids),
            Wave.opens_at <= at,
            or_(Wave.closes_at.is_(None), Wave.closes_at > at),
        )
    ).all()
    if not waves:
        return None
    depth = {a.id: i for i, a in enumerate(lineage)}
    # The most specific wave wins; among equals, the one opened most recently.
    return min(waves, key=lambda w: (depth[w.area_id], -w.opens_at.timestamp()))


def next_wave(area: Area, at: datetime) -> Wave | None:
    """The soonest wave for ``area`` or an ancestor that opens after ``at``."""
    return next_wave_among([a.id for a in (area, *area.ancestors())], at)


def next_wave_among(area_ids: list[int] | tuple[int, ...], at: datetime) -> Wave | None:
    """The soonest wave for any of these areas that opens after ``at``."""
    return db.session.scalar(
        select(Wave).where(Wave.area_id.in_(area_ids), Wave.opens_at > at)
        .order_by(Wave.opens_at).limit(1))


def choosable_rows() -> list[tuple[str, str, str | None]]:
    """(code, name, parent's name) of every area a resident can pick: active leaves of the tree.

    One query: the parent's name comes by a join, not a lazy load per area.
    """
    parent = aliased(Area)
    has_children = select(Area.parent_id).where(Area.parent_id.is_not(None)).distinct()
    return [tuple(row) for row in db.session.execute(
        select(Area.code, Area.name, parent.name)
        .outerjoin(parent, parent.id == Area.parent_id)
        .where(Area.retired_at.is_(None), Area.id.not_in(has_children)))]


def areas_with_boundaries() -> list[Area]:
    return list(db.session.scalars(
        select(Area).where(Area.retired_at.is_(None), Area.boundary.is_not(None))))
