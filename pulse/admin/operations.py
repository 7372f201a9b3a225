"""Admin decisions that change data: excluding and restoring responses, opening and closing waves.

Add and flush, never commit: the view or command commits once.
"""
from __future__ import annotations

from datetime import datetime

from ..areas.operations import close_wave, open_wave
from ..estimates.operations import mark_dirty
from ..extensions import db
from ..models import Area, Instrument, Response, ResponseReview, User, Wave
from ..models.wave import ACCESS_MODES

REASON_MAX = 500


class ReviewError(ValueError):
    """A decision that cannot be recorded as asked (no reason, nothing to change)."""


def _clean_reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReviewError("Give a reason; it is kept with the decision.")
    if len(reason) > REASON_MAX:
        raise ReviewError(f"Keep the reason to {REASON_MAX} characters.")
    return reason


def set_excluded(response: Response, excluded: bool, reason: str | None, *,
                 by: User | None, now: datetime) -> ResponseReview:
    """Exclude a response from every estimate (or count it again), recording who, when and why.

    Its (area, month) cell is marked dirty so the next aggregation recomputes the estimates.
    """
    reason = _clean_reason(reason)
    if bool(response.excluded) == excluded:
        raise ReviewError("This response is already excluded." if excluded
                          else "This response is already counted.")
    response.excluded = excluded
    response.excluded_reason = reason if excluded else None
    review = ResponseReview(response_id=response.id, action="exclude" if excluded else "restore",
                            reason=reason, user_id=by.id if by is not None else None, at=now)
    db.session.add(review)
    mark_dirty([(response.area_id, response.submitted_at)])
    db.session.flush()
    return review


def start_wave(area: Area, instrument: Instrument, *, name: str, access: str,
               target: int | None, closes_at: datetime | None, now: datetime) -> Wave:
    if access not in ACCESS_MODES:
        raise ValueError(f"access must be one of {', '.join(ACCESS_MODES)}")
    if target is not None and target < 1:
        raise ValueError("a target must be at least 1 response")
    if area.retired_at is not None:
        raise ValueError("this area is retired; restore it before opening collection")
    wave = open_wave(area, instrument, name=name, opens_at=now, closes_at=closes_at,
                     target=target)
    wave.access = access
    db.session.flush()
    return wave


def stop_wave(wave: Wave, now: datetime) -> None:
    if wave.closes_at is not None and wave.closes_at <= now:
        raise ValueError("this wave is already closed")
    close_wave(wave, now)
