"""What a resident's area has said recently, for the thank-you page.

Figures come only from at least ``min_responses`` responses (never fewer than 10). The
stored rolling-year estimates are used when the aggregation has produced them (weighted when
the area has margins); before that, unweighted direct figures over the last twelve months.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..models import Answer, Area, Question, Response


@dataclass(frozen=True)
class Figure:
    code: str
    value: float
    unit: str  # "score" (0-100) or "percent"
    n: int | None  # None where the count is withheld (secondary suppression)
    weighted: bool = False


def device_answered(device_hash: str, area_id: int, wave_id: int | None) -> bool:
    return db.session.scalar(
        select(func.count(Response.id)).where(
            Response.device_hash == device_hash, Response.area_id == area_id,
            Response.wave_id == wave_id)
    ) > 0


MEASURES = (("safe_day", "score"), ("safe_night", "score"), ("good_job", "percent"))


def recent_figures(area: Area, now: datetime, min_responses: int) -> list[Figure]:
    from ..estimates.queries import latest_rolling_year

    stored = latest_rolling_year(area.id, tuple(code for code, _ in MEASURES))
    if stored:
        # Stored rows are already suppressed below the minimum; the check stays as a guard.
        return [Figure(code=code, value=round(e.estimate), unit=unit, n=e.n, weighted=e.weighted)
                for code, unit in MEASURES
                if (e := stored.get(code)) is not None and e.estimate is not None
                and not e.suppressed and (e.n is None or e.n >= max(10, min_responses))]
    since = now - timedelta(days=365)
    scope = and_(Response.area_id == area.id, Response.excluded.is_(False),
                 Response.submitted_at >= since)
    figures = []
    for code, unit in MEASURES:
        value_expr = (func.avg(Answer.value) * 10 if unit == "score"
                      else func.avg(case((Answer.value >= 4, 100.0), else_=0.0)))
        n, value = db.session.execute(
            select(func.count(Answer.id), value_expr)
            .join(Response, Answer.response_id == Response.id)
            .join(Question, Answer.question_id == Question.id)
            .where(scope, Question.code == code, Answer.value.is_not(None))
        ).one()
        if n >= max(10, min_responses) and value is not None:
            figures.append(Figure(code=code, value=round(float(value)), unit=unit, n=n))
    return figures
