"""Importing responses collected elsewhere. The operation adds and flushes; the CLI commits.

Parsing and checking is the survey domain's (:mod:`surveys.importing`); this module supplies
what it needs from the database (the instrument, the area codes, the keys already stored) and
writes the good rows in bulk.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from surveys.importing import FileProblem, ParsedFile, RowResult, parse_csv

from ..extensions import db
from ..instruments.operations import ensure_core
from ..instruments.queries import definition_of
from ..models import Area, Response
from ..survey.operations import Meta, NewResponse, record_responses

CHANNEL = "import"
LANGUAGE = "en"

__all__ = ["FileProblem", "ImportOutcome", "import_csv"]


@dataclass
class ImportOutcome:
    parsed: ParsedFile
    # Rows identical to a response an earlier import stored: skipped, not doubled.
    already: list[RowResult] = field(default_factory=list)
    imported: int = 0

    @property
    def rejected(self) -> list[RowResult]:
        return self.parsed.rejected


def _stored_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(db.session.scalars(
            select(Response.submission_key)
            .where(Response.submission_key.in_(keys[start:start + 500]))))
    return found


def import_csv(path: Path, *, dry_run: bool = False, strict: bool = False,
               now: datetime | None = None) -> ImportOutcome:
    """Check every row of ``path`` and add the good ones as responses on the channel "import".

    Nothing is added when ``dry_run`` is set, nor when ``strict`` is set and any row failed.
    Raises :class:`FileProblem` when the file cannot be used at all.
    """
    version = ensure_core()
    instrument = definition_of(version)
    areas = {code: retired for code, retired in db.session.execute(
        select(Area.code, Area.retired_at))}
    try:
        # utf-8-sig drops the byte-order mark that spreadsheets put at the start.
        with open(path, encoding="utf-8-sig", newline="") as fh:
            parsed = parse_csv(fh, instrument, areas, now=now or datetime.now(UTC))
    except OSError as err:
        raise FileProblem(f"cannot read {path}: {err.strerror or err}") from None
    good = parsed.good
    stored = _stored_keys([row.key for row in good])
    outcome = ImportOutcome(parsed, already=[row for row in good if row.key in stored])
    fresh = [row for row in good if row.key not in stored]
    if dry_run or (strict and parsed.rejected):
        return outcome
    area_ids = {code: id_ for code, id_ in db.session.execute(select(Area.code, Area.id))}
    outcome.imported = record_responses(version, [
        NewResponse(
            area_id=area_ids[row.area_code],
            submission=row.submission,
            meta=Meta(submitted_at=row.submitted_at, language=LANGUAGE, channel=CHANNEL,
                      submission_key=row.key, quality_flags=row.flags),
        )
        for row in fresh if row.submission is not None and row.submitted_at is not None
    ])
    return outcome
