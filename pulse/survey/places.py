"""What a resident's request needs to know about an area, cached per process for a few seconds.

Every survey page and every submit needs the area (by its code), the waves of the area and
its ancestors, and the instrument's current version. Read through the ORM each time, those
three reads were a third of a submit. They change rarely (an admin retires an area, closes a
wave, publishes a version) and never in the request's own hands, so each worker keeps them as
plain values:

- in this process, any INSERT, UPDATE or DELETE on those tables drops the whole cache, at
  the statement and again at its commit, so a change made here is seen by the next request;
- a change made by another process is seen within ``PULSE_SURVEY_CACHE_SECONDS`` (default 10;
  0 turns the cache off). A wave's opening and closing *times* are always compared with the
  clock, so a wave that closes on schedule closes on the second everywhere.

Versions themselves never change once published; :func:`pulse.instruments.queries.definition_of`
keeps them for the life of the process.
"""
from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import event, or_, select
from sqlalchemy.sql.dml import UpdateBase

from ..extensions import db
from ..models import Area, Wave
from . import queries

#: Tables whose changes make a cached place or version stale.
WATCHED = frozenset({"area", "wave", "instrument", "instrument_version", "question"})
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class WaveRef:
    id: int
    area_id: int
    instrument_id: int
    access: str
    opens_at: datetime
    closes_at: datetime | None


@dataclass(frozen=True)
class Place:
    """An active area as plain values: what the resident pages and the intake read of it."""

    id: int
    code: str
    name: str
    lineage: tuple[int, ...]          # its own id, then its ancestors', nearest first
    waves: tuple[WaveRef, ...]        # of the lineage, not closed when loaded

    def open_wave(self, at: datetime) -> WaveRef | None:
        """The wave collecting here at ``at``: as :func:`pulse.survey.queries.open_wave`."""
        live = [w for w in self.waves
                if w.opens_at <= at and (w.closes_at is None or w.closes_at > at)]
        if not live:
            return None
        depth = {area_id: i for i, area_id in enumerate(self.lineage)}
        # The most specific wave wins; among equals, the one opened most recently.
        return min(live, key=lambda w: (depth[w.area_id], -w.opens_at.timestamp()))


class _Cache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.generation = 0
        self.entries: dict[tuple, tuple[int, float, object]] = {}
        self.lock = threading.Lock()

    def invalidate(self) -> None:
        with self.lock:
            self.generation += 1
            self.entries.clear()

    def get(self, key: tuple, load):
        if self.seconds <= 0:
            return load()
        hit = self.entries.get(key)
        if hit is not None and hit[0] == self.generation and hit[1] > time.monotonic():
            return hit[2]
        # Read the generation before loading: a change committed meanwhile makes this stale.
        generation = self.generation
        value = load()
        with self.lock:
            if generation == self.generation:
                if len(self.entries) >= MAX_ENTRIES:
                    self.entries.clear()
                self.entries[key] = (generation, time.monotonic() + self.seconds, value)
        return value


def _cache() -> _Cache:
    app = current_app._get_current_object()
    cache = app.extensions.get("pulse_places")
    if cache is None:
        cache = _Cache(float(app.config.get("PULSE_SURVEY_CACHE_SECONDS", 10)))
        _watch(db.engine, cache)
        cache = app.extensions.setdefault("pulse_places", cache)
    return cache


def _watch(engine, cache: _Cache) -> None:
    def after_execute(conn, statement, *_args) -> None:
        if isinstance(statement, UpdateBase) and getattr(statement.table, "name", None) in WATCHED:
            conn.info["pulse_places_changed"] = True
            cache.invalidate()

    def after_commit(conn) -> None:
        if conn.info.pop("pulse_places_changed", False):
            cache.invalidate()

    def after_rollback(conn) -> None:
        conn.info.pop("pulse_places_changed", None)

    event.listen(engine, "after_execute", after_execute)
    event.listen(engine, "commit", after_commit)
    event.listen(engine, "rollback", after_rollback)


def place(code: str) -> Place | None:
    """The active area with this code, or None (an unknown or retired code is cached as None)."""
    found = _cache().get(("place", code), lambda: _load_place(code))
    return found if isinstance(found, Place) else None


def current_version(instrument_id: int) -> queries.VersionRef | None:
    return _cache().get(("version", instrument_id),
                        lambda: queries.current_version(instrument_id))


def _load_place(code: str) -> Place | bool:
    row = db.session.execute(select(Area.id, Area.code, Area.name, Area.parent_id,
                                    Area.retired_at).where(Area.code == code)).first()
    if row is None:
        return False
    if row.retired_at is not None:
        return False
    lineage, parent = [row.id], row.parent_id
    while parent is not None and parent not in lineage:
        lineage.append(parent)
        parent = db.session.scalar(select(Area.parent_id).where(Area.id == parent))
    now = datetime.now(UTC)
    waves = tuple(WaveRef(*w) for w in db.session.execute(
        select(Wave.id, Wave.area_id, Wave.instrument_id, Wave.access, Wave.opens_at,
               Wave.closes_at)
        .where(Wave.area_id.in_(lineage), or_(Wave.closes_at.is_(None), Wave.closes_at > now))))
    return Place(row.id, row.code, row.name, tuple(lineage), waves)


@dataclass(frozen=True)
class Choice:
    """An area on the page for choosing one."""

    code: str
    name: str
    parent_name: str | None
    folded: str  # name and code, for search: see :func:`fold`


def fold(text: str) -> str:
    """Text without case or accents: "YNYS MÔN" and "ynys mon" both fold to "ynys mon".

    Done here rather than in SQL because SQLite's lower() and LIKE fold ASCII letters only,
    and Welsh names carry ŵ, ŷ, â, ô; both backends then search alike.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def choosable(search: str = "", limit: int = 60) -> list[Choice]:
    """Areas a resident can pick whose name or code holds ``search``, by name, at most ``limit``."""
    every = _cache().get(("choosable",), _load_choices)
    typed = fold(search.strip())
    # Plain substring search: % and _ typed by a resident are characters to find.
    found = (c for c in every if typed in c.folded) if typed else iter(every)
    return [c for c, _ in zip(found, range(limit))]


def _load_choices() -> tuple[Choice, ...]:
    choices = [Choice(code, name, parent_name, fold(name) + "\n" + fold(code))
               for code, name, parent_name in queries.choosable_rows()]
    # By name as read, the same order on every backend whatever its collation.
    return tuple(sorted(choices, key=lambda c: (fold(c.name), c.name, c.code)))
