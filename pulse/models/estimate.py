"""Stored estimates, and the (area, month) cells whose estimates are out of date.

Views and exports read these tables only; nothing computes over raw responses on a request.
Rows are written by :mod:`pulse.estimates.operations`, a whole swap in one transaction.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Estimate(db.Model):
    """One published cell: an area, a period, a measure and a group ("all" or a breakdown).

    ``n`` and ``effective_n`` are NULL when withheld (fewer than the minimum, or derivable
    from published counts); ``estimate``, the interval, change and modelled estimate are NULL
    when the cell is suppressed. ``weighted`` is false where the area has no margins.
    """

    __tablename__ = "estimate"
    # The unique key serves the reads by area, then period. A second index serves one period
    # across every area (the API's period filter, an export of one period), which otherwise
    # scans the table: on SQLite led by the period with measure and group after it (migration
    # 0012); on PostgreSQL the period alone (migration 0015), which serves those reads
    # nearly as well there and is built by a sort several times cheaper (bench/RESULTS.md,
    # Aggregation). A full rebuild drops the indexes this backend has and
    # builds each once after the insert (pulse.estimates.rebuild, pulse.estimates.store).
    # On PostgreSQL the table is kept at fillfactor 50 (migration 0014): an incremental run
    # updates its rows in place, and with room on the page those are heap-only updates that
    # leave the indexes alone (the heap is twice the size for it).
    __table_args__ = (UniqueConstraint("area_id", "period", "measure", "group_label"),
                      Index("ix_estimate_period_measure_group", "period", "measure",
                            "group_label").ddl_if(dialect="sqlite"),
                      Index("ix_estimate_period", "period").ddl_if(dialect="postgresql"))

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    # The key's text columns compare bytewise on PostgreSQL (collation "C", migration 0015):
    # a full rebuild sorts millions of rows by them to build the keys, faster without the
    # locale's string comparison. They hold codes (lower-case words, digits, "-", "_", "=",
    # "+", "Q", "R12-") that sort the same bytewise as in C.UTF-8 or en-US. SQLite compares
    # bytewise already.
    period: Mapped[str] = mapped_column(    # 2026-10, 2026-Q4, R12-2026-10
        String(16).with_variant(String(16, collation="C"), "postgresql"))
    period_kind: Mapped[str] = mapped_column(String(8))      # month, quarter, r12
    period_end: Mapped[int] = mapped_column(Integer)         # last month, year * 12 + month - 1
    measure: Mapped[str] = mapped_column(
        String(64).with_variant(String(64, collation="C"), "postgresql"))
    group_label: Mapped[str] = mapped_column(                # all, age_band=16-24, ...
        String(64).with_variant(String(64, collation="C"), "postgresql"))
    unit: Mapped[str] = mapped_column(String(8))             # score (0-100) or percent
    n: Mapped[int | None] = mapped_column(Integer)
    effective_n: Mapped[float | None] = mapped_column(Float)
    estimate: Mapped[float | None] = mapped_column(Float)
    std_error: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    suppressed_reason: Mapped[str | None] = mapped_column(String(80))
    weighted: Mapped[bool] = mapped_column(Boolean, default=True)
    change: Mapped[float | None] = mapped_column(Float)
    change_significant: Mapped[bool | None] = mapped_column(Boolean)
    modelled_estimate: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DirtyCell(db.Model):
    """An (area, month) whose responses changed since the estimates were computed.

    A row per change, not a unique cell: the aggregation removes exactly the rows it read
    (by id), so a change recorded while it runs is never lost. ``response_id`` is set when
    the change is that one response was added (the next run adds it to the month's kept
    sums); NULL for any other change (an exclusion, a bulk load, new margins), after which
    the month is counted again whole.
    """

    __tablename__ = "estimate_dirty"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    # No foreign key: a mark is a note for the next run, not part of the response.
    response_id: Mapped[int | None] = mapped_column(Integer)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MonthStats(db.Model):
    """One calendar month's sufficient statistics, kept so an incremental run rebuilds a
    quarter or rolling year from stored months instead of reloading their responses.

    ``data`` holds, per (area, demographic cell) with respondents of the area itself (not
    its children), the respondent count and per measure n, sum y, sum y^2 and sum positive
    (see :mod:`pulse.estimates.month_stats`). ``layout`` fingerprints the measures those sums
    were made for: a month stored under another layout is recomputed from its responses.
    """

    __tablename__ = "estimate_month_stats"

    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    layout: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
