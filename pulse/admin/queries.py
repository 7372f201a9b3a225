"""Reads for the admin console: flagged responses in scope, reviews, wave progress, the area tree."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from analysis.representation import GroupShare, progress, representation

from flask_login import current_user

from ..auth.scope import area_in_scope, restrict_to_scope
from ..extensions import db
from ..models import Area, Comment, PopulationMargin, Response, ResponseReview, User, Wave
from ..responses.queries import area_and_below

PAGE = 100


def flagged_responses(*, include_excluded: bool = True, limit: int = PAGE) -> list[Response]:
    """Responses with at least one quality flag, newest first, in the signed-in admin's scope.

    Flags are a JSON list; an empty list is stored as ``[]`` on both backends, so a text
    comparison finds the flagged ones without JSON operators that differ between them.
    """
    stmt = (select(Response).join(Area, Area.id == Response.area_id)
            .where(Response.quality_flags.is_not(None),
                   func.length(func.cast(Response.quality_flags, db.String)) > 2)
            .order_by(Response.submitted_at.desc(), Response.id.desc()).limit(limit))
    if not include_excluded:
        stmt = stmt.where(Response.excluded.is_(False))
    return list(db.session.scalars(restrict_to_scope(stmt, Response.area_id)))


def response_in_scope(response_id: int) -> Response | None:
    stmt = select(Response).where(Response.id == response_id)
    return db.session.scalar(restrict_to_scope(stmt, Response.area_id))


def redacted_comments(response: Response) -> list[str]:
    """Only the redacted text: the raw words never reach a page."""
    return list(db.session.scalars(select(Comment.redacted_text)
                                   .where(Comment.response_id == response.id)
                                   .order_by(Comment.id)))


def reviews_of(response: Response) -> list[tuple[ResponseReview, str | None]]:
    rows = db.session.execute(
        select(ResponseReview, User.email).outerjoin(User, User.id == ResponseReview.user_id)
        .where(ResponseReview.response_id == response.id).order_by(ResponseReview.id))
    return [(review, email) for review, email in rows]


def all_waves() -> list[Wave]:
    """Every wave in the signed-in admin's areas, newest first."""
    stmt = select(Wave).order_by(Wave.opens_at.desc(), Wave.id.desc())
    return list(db.session.scalars(restrict_to_scope(stmt, Wave.area_id)))


def wave_in_scope(wave_id: int) -> Wave | None:
    return db.session.scalar(restrict_to_scope(select(Wave).where(Wave.id == wave_id),
                                               Wave.area_id))


def variant_in_scope(instrument_id: int) -> bool:
    """A set of local questions is a scoped admin's only if every area it collects in is theirs.

    Its wording reaches residents in all of those areas, so editing it (or reading it before it
    is published there) is for someone who manages them all. Admins without areas manage every set.
    """
    area_ids = db.session.scalars(select(Wave.area_id).where(Wave.instrument_id == instrument_id)
                                  .distinct())
    return all(area_in_scope(area_id) for area_id in area_ids)


def active_areas() -> list[Area]:
    """Areas the signed-in admin may open collection in: active and in their scope."""
    stmt = select(Area).where(Area.retired_at.is_(None)).order_by(Area.name, Area.code)
    return list(db.session.scalars(restrict_to_scope(stmt, Area.id)))


def area_scope() -> set[int] | None:
    """The ids of the signed-in admin's areas, or None for an admin of the whole tree.

    Area operations take this set to refuse, row by row, what lies outside it.
    """
    if current_user.sees_all_areas:
        return None
    return set(db.session.scalars(restrict_to_scope(select(Area.id), Area.id)))


def areas_in_scope() -> list[Area]:
    """The areas the signed-in admin manages, by name."""
    stmt = select(Area).order_by(Area.name, Area.code)
    return list(db.session.scalars(restrict_to_scope(stmt, Area.id)))


def area_by_code_in_scope(code: str) -> Area | None:
    """The area with ``code`` if the signed-in admin manages it; outside reads as absent."""
    return db.session.scalar(restrict_to_scope(select(Area).where(Area.code == code), Area.id))


def area_tree() -> list[tuple[Area, int]]:
    """The admin's areas depth first, each with its depth below the top of their scope."""
    rows = areas_in_scope()
    ids = {a.id for a in rows}
    children: dict[int | None, list[Area]] = {}
    for area in rows:
        # A scoped admin's roots have parents outside the scope: they start the tree.
        children.setdefault(area.parent_id if area.parent_id in ids else None, []).append(area)
    tree, stack = [], [(a, 0) for a in reversed(children.get(None, []))]
    while stack:
        area, depth = stack.pop()
        tree.append((area, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(area.id, [])))
    return tree


def counted_per_wave() -> dict[int, int]:
    # Not narrowed: the page shows counts only beside the waves all_waves() let through.
    rows = db.session.execute(select(Response.wave_id, func.count())
                              .where(Response.excluded.is_(False), Response.wave_id.is_not(None))
                              .group_by(Response.wave_id))
    return {wave_id: n for wave_id, n in rows}


@dataclass(frozen=True)
class WaveProgress:
    wave: Wave
    count: int
    reached: float | None           # share of the target, None without one
    groups: list[GroupShare]
    margins_known: bool

    def is_open(self, at: datetime) -> bool:
        return self.wave.is_open(at)


def wave_progress(wave: Wave) -> WaveProgress:
    demo = list(db.session.execute(select(Response.age_band, Response.sex)
                                   .where(Response.wave_id == wave.id,
                                          Response.excluded.is_(False))))
    margins: dict[str, dict[str, float]] = {}
    rows = db.session.execute(
        select(PopulationMargin.dimension, PopulationMargin.category,
               func.sum(PopulationMargin.population))
        .where(PopulationMargin.area_id.in_(_margin_areas(wave.area)),
               PopulationMargin.dimension.in_(("age_band", "sex")))
        .group_by(PopulationMargin.dimension, PopulationMargin.category))
    for dimension, category, population in rows:
        margins.setdefault(dimension, {})[category] = float(population or 0)
    return WaveProgress(wave, len(demo), progress(len(demo), wave.target_responses),
                        representation(demo, margins),
                        margins_known="age_band" in margins and "sex" in margins)


def _margin_areas(area: Area) -> list[int]:
    """The area's own margins if it has any, else the sum of those below it."""
    own = db.session.scalar(select(func.count()).select_from(PopulationMargin)
                            .where(PopulationMargin.area_id == area.id))
    if own:
        return [area.id]
    below = area_and_below(area)
    # Only the lowest areas: a ward and its neighbourhoods both holding margins would count twice.
    parents = set(db.session.scalars(select(Area.parent_id).where(Area.id.in_(below))))
    return [a for a in below if a not in parents]
