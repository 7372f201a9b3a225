"""Each month's sufficient statistics, kept between aggregation runs.

A quarter or rolling year is the sum of its months' own-area pair counts
(:func:`analysis.aggregate.own_month_stats`); raking, estimates and suppression are computed
from those sums. Keeping them per month means an incremental run counts again only the months
whose responses changed and reads the other months from here, instead of reloading a rolling
year of responses. Rows are written in the caller's transaction, beside the estimates they
produced, so the two never disagree after a commit.
"""
from __future__ import annotations

import hashlib
import io
import zlib
from datetime import datetime

import numpy as np
from sqlalchemy import delete, insert, select

from analysis.cells import NCELLS

from ..extensions import db
from ..models import MonthStats
from .loading import Context

FORMAT = 2
# Sums are whole numbers, halves or quarters (squares of two-answer composites), so four
# times a sum is a whole number: kept as the narrowest integer type that holds it, they are
# a quarter of the bytes to inflate and read back bit for bit (x4 and /4 are exact).
SCALE = 4


def layout(ctx: Context, minimum: int) -> str:
    """Fingerprint of what the sums are sums of (measures, value columns and cells) and of
    the minimum the estimates made from them were suppressed at.

    The sums do not depend on the minimum, but the stored estimates do: kept under another
    minimum, they show as stale (:func:`stale`), and the next run rebuilds every estimate
    rather than only the periods its marks name (a raised minimum must reach every row).
    """
    parts = [FORMAT, NCELLS, ctx.question_codes,
             [(m.code, m.unit, m.columns, m.positive, m.composite) for m in ctx.measures],
             int(minimum)]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stale(ctx: Context, minimum: int) -> bool:
    """Whether any month's sums were kept under another layout or minimum."""
    return db.session.scalar(select(MonthStats.month)
                             .where(MonthStats.layout != layout(ctx, minimum)).limit(1)) is not None


def save(ctx: Context, months: dict[int, tuple[np.ndarray, np.ndarray]], now: datetime,
         minimum: int, *, replace_all: bool = False) -> int:
    """Store these months' own-area sums (keyed by area id, not tree position)."""
    if replace_all:
        db.session.execute(delete(MonthStats))
    elif months:
        db.session.execute(delete(MonthStats).where(MonthStats.month.in_(list(months))))
    if not months:
        return 0
    fingerprint = layout(ctx, minimum)
    rows = []
    for month, (keys, stats) in sorted(months.items()):
        buffer = io.BytesIO()
        np.savez(buffer, area_id=ctx.area_ids[keys // NCELLS], cell=keys % NCELLS,
                 stats=_narrow(stats))
        # Level 1: sums of small whole numbers compress several times over, cheaply.
        rows.append({"month": month, "layout": fingerprint, "computed_at": now,
                     "data": zlib.compress(buffer.getvalue(), 1)})
    db.session.execute(insert(MonthStats), rows)
    return len(rows)


def load(ctx: Context, months: set[int], minimum: int
         ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Stored sums of these months, where stored under the current layout and minimum."""
    if not months:
        return {}
    fingerprint = layout(ctx, minimum)
    out = {}
    for month, data in db.session.execute(
            select(MonthStats.month, MonthStats.data)
            .where(MonthStats.month.in_(sorted(months)), MonthStats.layout == fingerprint)):
        # allow_pickle=False: only plain numeric arrays are read back.
        with np.load(io.BytesIO(zlib.decompress(data)), allow_pickle=False) as saved:
            area_id, cell, stats = saved["area_id"], saved["cell"], saved["stats"]
        if stats.dtype.kind == "i":
            stats = stats / SCALE
        at = np.searchsorted(ctx.area_ids, area_id)
        known = (at < len(ctx.area_ids)) & (ctx.area_ids[np.minimum(at, len(ctx.area_ids) - 1)]
                                            == area_id)
        # Tree positions follow ascending area ids, so the keys stay sorted.
        out[month] = (at[known] * NCELLS + cell[known], stats[known])
    return out


def _narrow(stats: np.ndarray) -> np.ndarray:
    """SCALE x the sums as the narrowest integer type that holds them exactly, or the sums
    as they are when some are not multiples of 1 / SCALE (a composite of three answers)."""
    scaled = stats * SCALE
    if len(scaled) and not np.array_equal(scaled, np.round(scaled)):
        return stats
    top = np.abs(scaled).max() if scaled.size else 0
    for kind in (np.int16, np.int32):
        if top <= np.iinfo(kind).max:
            return scaled.astype(kind)
    return stats
