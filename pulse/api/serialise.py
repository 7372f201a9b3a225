"""Rows to the JSON the OpenAPI document describes. Suppression is applied here once more:
a cell marked suppressed, or resting on fewer than the minimum, carries no figure at all."""
from __future__ import annotations

from datetime import datetime

from analysis.periods import month_label
from analysis.suppression import PRIMARY, REASONS
from analysis.topic_shares import SUPPRESSED_REASON, WITHHELD_REASON

from ..models import Action, Estimate
from ..officer.queries import ShareCell
from ..responses.queries import ChannelRow
from .queries import AreaRow

FIGURES = ("n", "effective_n", "estimate", "std_error", "ci_low", "ci_high", "change",
           "change_significant", "modelled_estimate")


def stamp(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat().replace("+00:00", "Z")


def area(row: AreaRow, *, boundary: bool) -> dict:
    out = {"code": row.code, "name": row.name, "level": row.level, "parent": row.parent}
    if boundary:
        out["boundary"] = row.boundary
    return out


def estimate(code: str, e: Estimate, minimum: int) -> dict:
    primary = e.suppressed or (e.n is not None and e.n < minimum)
    out = {
        "area": code, "period": e.period, "period_kind": e.period_kind, "measure": e.measure,
        "group": e.group_label, "unit": e.unit,
        "n": e.n, "effective_n": e.effective_n, "estimate": e.estimate,
        "std_error": e.std_error, "ci_low": e.ci_low, "ci_high": e.ci_high,
        "change": e.change, "change_significant": e.change_significant,
        "modelled_estimate": e.modelled_estimate, "weighted": e.weighted,
        "suppressed": primary,
        # Worded from the flag and the configured minimum, not the stored text: a row left
        # by a run under a lower minimum is withheld here, and says the minimum it fails.
        "reason": REASONS[PRIMARY].format(minimum=minimum) if primary else e.suppressed_reason,
        "computed_at": stamp(e.computed_at),
    }
    if primary:
        out.update(dict.fromkeys(FIGURES))
    elif e.suppressed_reason:
        # Secondary suppression: the figure stands, the counts that would reveal a small cell go.
        out["n"] = out["effective_n"] = None
    return out


def shares(cells: dict[str, ShareCell], minimum: int) -> dict:
    """One month's topic shares (0-1) of the topics with comments, or none with the reason:
    under the configured minimum, or withheld as derivable from the published counts."""
    first = next(iter(cells.values()))
    if first.suppressed:
        reason = WITHHELD_REASON if first.withheld else SUPPRESSED_REASON.format(minimum=minimum)
        return {"period": first.period, "suppressed": True, "reason": reason, "shares": None}
    return {"period": first.period, "suppressed": False, "reason": None,
            "shares": {k: round(c.share / 100, 4) for k, c in sorted(cells.items()) if c.count}}


def action(a: Action) -> dict:
    """Only what residents read on the "you said, we did" page: no owner, notes or title."""
    return {"id": a.id, "area": a.area.code, "topic": a.topic.code, "text": a.public_text,
            "status": a.status, "updated_at": stamp(a.updated_at)}


def counts(row: ChannelRow) -> dict:
    return {"area": row.area_code, "wave": row.wave_id, "total": row.total,
            "by_channel": dict(sorted(row.counts.items()))}


def comment(row: tuple) -> dict:
    code, when, text, topic, confidence, review = row
    return {"area": code, "month": month_label(when.year * 12 + when.month - 1), "text": text,
            "topic": topic, "confidence": None if confidence is None else round(confidence, 3),
            "needs_review": review}
