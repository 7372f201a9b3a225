"""The one export operation the views and the command line share: rows, file, audit row.

Every export adds one AuditEvent (who, what, scope, rows, when). A streamed CSV's body is
produced after the view returns, so its row is added before streaming starts, with the COUNT
of the rows the same filters select; a file (XLSX, or any format on the command line) is
written first and recorded with the rows actually written. An XLSX of more than
XLSX_SYNC_ROWS rows (config EXPORT_XLSX_SYNC_ROWS) is not built in the request: it is queued
(:func:`queue_xlsx`, an export_run row and the audit row with the COUNT) and built by
pulse.exports.background or the scheduler's ``exports`` job (:func:`run_xlsx`, which
commits its own progress), XlsxWriter costing about 25x a plain read. Otherwise the caller
commits.
"""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import select

from ..audit import record
from ..auth.scope import area_ids_in_scope
from ..extensions import db
from ..models import Area, ExportRun, User
from ..models.export_run import EXPORT_DONE, EXPORT_FAILED
from . import runs
from .filters import ExportFilter, parse_period
from .sources import SOURCES
from .writers import Tally, csv_chunks, write_csv, write_xlsx

log = logging.getLogger(__name__)

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class StreamedExport:
    filename: str
    chunks: Iterator[str] | Iterator[bytes]
    tally: Tally
    expected_rows: int


def filename(kind: str, f: ExportFilter, fmt: str) -> str:
    parts = ["pulse", kind, f.area_code or "all"]
    if f.period is not None:
        parts.append(f.period.label)
    if f.date_from or f.date_to:
        parts.append(f"{f.date_from or ''}_{f.date_to or ''}")
    safe = "-".join(parts)
    # Area codes are admin-entered; keep the name to characters every browser and OS accept.
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_." else "_"
                   for ch in safe) + "." + fmt


def _audit(kind: str, fmt: str, f: ExportFilter, rows: int, *, user=None,
           actor: str | None = None, name: str = ""):
    return record(f"export.{kind}.{fmt}", user=user, actor=actor, areas=f.scope_roots,
                  period=f.period.label if f.period is not None else None, rows=rows,
                  detail=f"format={fmt} {f.describe()} file={name}")


def stream_csv(kind: str, f: ExportFilter, *, user=None, actor: str | None = None
               ) -> StreamedExport:
    """Count, add the audit row, and return the CSV body as a generator (not yet started)."""
    source = SOURCES[kind]
    columns = source.columns(f)
    expected = source.count(f)
    name = filename(kind, f, "csv")
    _audit(kind, "csv", f, expected, user=user, actor=actor, name=name)
    tally = Tally()
    body = source.csv(f, tally) if source.csv else csv_chunks(columns, source.rows(f, columns),
                                                              tally)
    return StreamedExport(name, body, tally, expected)


def build_xlsx(kind: str, f: ExportFilter, *, user=None, actor: str | None = None,
               directory: str | None = None) -> tuple[IO[bytes], str, int]:
    """Write the workbook to an anonymous temporary file; add the audit row; return it rewound.

    The file has no name on disk (deleted when closed), so nothing is left behind if the
    download is abandoned.
    """
    source = SOURCES[kind]
    columns = source.columns(f)
    fh = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (closed by the response)
    try:
        rows = write_xlsx(fh, columns, source.rows(f, columns), kind)
    except BaseException:
        fh.close()
        raise
    name = filename(kind, f, "xlsx")
    _audit(kind, "xlsx", f, rows, user=user, actor=actor, name=name)
    fh.seek(0)
    return fh, name, rows


#: Above this many rows an XLSX is built in the background (a few seconds' work in the request).
XLSX_SYNC_ROWS = 20_000


def count(kind: str, f: ExportFilter) -> int:
    return SOURCES[kind].count(f)


def plain_filter(f: ExportFilter) -> dict:
    """What a queued run keeps of its filter: plain values (the scope is the owner's)."""
    return {"area_id": f.area_id, "area_code": f.area_code,
            "period": f.period.label if f.period is not None else None,
            "date_from": f.date_from.isoformat() if f.date_from else None,
            "date_to": f.date_to.isoformat() if f.date_to else None}


class OutOfScope(Exception):
    """The run's area was deleted, or is no longer in its owner's areas."""


def _rebuilt_filter(run: ExportRun) -> ExportFilter:
    # The owner's scope as it is now (a run may be built again hours later): an area taken
    # away since is not exported.
    plain = run.filters or {}
    owner = db.session.get(User, run.user_id)
    area = None
    if plain.get("area_id") is not None:
        area = db.session.get(Area, plain["area_id"])
        if area is None or not db.session.scalar(
                select(Area.id).where(Area.id == area.id,
                                      Area.id.in_(area_ids_in_scope(owner)))):
            raise OutOfScope
    return ExportFilter.build(area=area, user=owner, period=parse_period(plain.get("period")),
                              date_from=_day(plain.get("date_from")),
                              date_to=_day(plain.get("date_to")))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def queue_xlsx(kind: str, f: ExportFilter, rows: int, *, user) -> ExportRun:
    """Record a large XLSX export as asked for (the audit row, with the COUNT of its rows, as
    for a streamed CSV) and add its queued run; the caller commits, then starts the build.
    A run built again after its process died adds no second audit row."""
    name = filename(kind, f, "xlsx")
    run = runs.create(user_id=user.id, kind=kind, filename=name, total=rows,
                      filters=plain_filter(f))
    _audit(kind, "xlsx", f, rows, user=user, name=f"{name} (built in the background)")
    return run


def run_xlsx(run_id: int) -> bool:
    """Claim a queued run and build its workbook (through a .part file renamed into place),
    reporting progress on the run. Commits.

    Returns True when this call built the workbook: False when another process claimed the
    run first, or the build failed; a failure is recorded on the run as a kind the owner's
    page explains, with nothing of the data, and no workbook is left.
    """
    attempt = runs.claim(run_id)
    if attempt is None:
        return False
    run = db.session.get(ExportRun, run_id)
    kind, out = run.kind, runs.workbook(run.token)
    out.parent.mkdir(parents=True, exist_ok=True)
    # One .part per attempt: a build cut off and started again never shares a half file,
    # and what an earlier attempt left half-written goes now.
    for left in out.parent.glob(f"{out.name}.*.part"):
        left.unlink(missing_ok=True)
    tmp = out.with_name(f"{out.name}.{attempt}.part")
    try:
        f = _rebuilt_filter(run)
        source = SOURCES[kind]
        columns = source.columns(f)
        rows = write_xlsx(str(tmp), columns, source.rows(f, columns), kind,
                          lambda done: runs.report(run_id, attempt, done))
        tmp.replace(out)
    except Exception as err:   # the run's page says it failed; the log keeps only the type
        tmp.unlink(missing_ok=True)
        db.session.rollback()
        runs.finish(run_id, attempt, status=EXPORT_FAILED,
                    error="scope" if isinstance(err, OutOfScope) else "write")
        # Neither the run's token (it opens the file) nor the error's text (it may quote data).
        log.warning("background %s export failed: %s", kind, type(err).__name__)
        return False
    db.session.rollback()       # a read-only transaction: end it
    # False when queued again meanwhile: the newer attempt reports (its file is whole too).
    return runs.finish(run_id, attempt, status=EXPORT_DONE, done=rows, total=rows)


def write_file(kind: str, fmt: str, f: ExportFilter, out: Path, *, user=None,
               actor: str | None = None) -> int:
    """Write the export to ``out`` (through a .part file, so no half-written file is left)."""
    source = SOURCES[kind]
    columns = source.columns(f)
    tmp = out.with_name(out.name + ".part")
    try:
        if fmt == "csv" and source.csv:
            tally = Tally()
            with open(tmp, "wb") as out_fh:
                for chunk in source.csv(f, tally):
                    out_fh.write(chunk)
            rows = tally.rows
        elif fmt == "csv":
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                rows = write_csv(fh, columns, source.rows(f, columns))
        else:
            rows = write_xlsx(str(tmp), columns, source.rows(f, columns), kind)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _audit(kind, fmt, f, rows, user=user, actor=actor, name=out.name)
    return rows
