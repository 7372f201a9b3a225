"""What a resident's area has said recently, for the thank-you page.

The figures are the stored rolling-year estimates of the year to the end of last month
(weighted when the area has margins), already suppressed below the minimum. The year still
running is never shown: a figure that moves with each response, on a public page anyone can
load before and after a neighbour answers, would give that answer away by subtraction (10
answers averaging 44, then 11 averaging 45, make the eleventh about 5 or 6 out of 10). A year
that has ended changes only when late answers are imported, and the aggregation checks it
like every other published figure.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from analysis.periods import month_of

from ..models import Area


@dataclass(frozen=True)
class Figure:
    code: str
    value: float
    unit: str  # "score" (0-100) or "percent"
    n: int | None  # None where the count is withheld (secondary suppression)
    weighted: bool = False


MEASURES = (("safe_day", "score"), ("safe_night", "score"), ("good_job", "percent"))


def recent_figures(area: Area, now: datetime, min_responses: int) -> list[Figure]:
    from ..estimates.queries import latest_rolling_year

    stored = latest_rolling_year(area.id, tuple(code for code, _ in MEASURES),
                                 before=month_of(now))
    # Stored rows are already suppressed below the minimum; the check stays as a guard (and
    # applies a minimum raised since they were stored).
    return [Figure(code=code, value=round(e.estimate), unit=unit, n=e.n, weighted=e.weighted)
            for code, unit in MEASURES
            if (e := stored.get(code)) is not None and e.estimate is not None
            and not e.suppressed and (e.n is None or e.n >= max(10, min_responses))]
