"""The one export operation the views and the command line share: rows, file, audit row.

Every export adds one AuditEvent (who, what, scope, rows, when). A streamed CSV's body is
produced after the view returns, so its row is added before streaming starts, with the COUNT
of the rows the same filters select; a file (XLSX, or any format on the command line) is
written first and recorded with the rows actually written. An export of more rows than its
format's limit (:data:`SYNC_ROWS`, config EXPORT_CSV_SYNC_ROWS / EXPORT_XLSX_SYNC_ROWS) is
not made in the request: it is queued (:func:`queue_run`, an export_run row and the audit
row with the COUNT) and built by pulse.exports.background or the scheduler's ``exports`` job
(:func:`build_run`, which commits its own progress), so that no request outlives gunicorn's
30 s timeout. Otherwise the caller commits.
"""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import select

from ..audit import record
from ..auth.scope import area_ids_in_scope
from ..extensions import db
from ..models import Area, ExportRun, User
from ..models.export_run import EXPORT_DONE, EXPORT_FAILED, EXPORT_QUEUED, EXPORT_RUNNING
from . import runs
from .filters import ExportFilter, parse_period
from .sources import SOURCES
from .writers import Tally, csv_chunks, write_chunks, write_xlsx

log = logging.getLogger(__name__)

MIMETYPES = {
    "csv": "text/csv",                  # Werkzeug adds "; charset=utf-8" to text types
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


def stream_csv(kind: str, f: ExportFilter, *, user=None, actor: str | None = None,
               rows: int | None = None) -> StreamedExport:
    """Count (unless the caller has: ``rows``), add the audit row, and return the CSV body
    as a generator (not yet started)."""
    source = SOURCES[kind]
    expected = source.count(f) if rows is None else rows
    name = filename(kind, f, "csv")
    _audit(kind, "csv", f, expected, user=user, actor=actor, name=name)
    tally = Tally()
    return StreamedExport(name, _csv_body(source, f, tally), tally, expected)


def _csv_body(source, f: ExportFilter, tally: Tally) -> Iterator[str] | Iterator[bytes]:
    # The one CSV body for the response, the command line's file and a queued run's file,
    # so they are the same bytes: the database-made CSV where the source has one.
    if source.csv:
        return source.csv(f, tally)
    columns = source.columns(f)
    return csv_chunks(columns, source.rows(f, columns), tally)


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
#: Above this many rows a CSV is built in the background, so that no request outlives
#: gunicorn's 30 s `timeout`. Set by the costliest export per row, the response-level one
#: (bench/RESULTS.md, "Exports"): 0.23-0.81 ms a row on the loaded 2-core machine, so 20,000
#: rows take 5-16 s there (100,000 would be 23-81 s). Comments are read the same way.
CSV_SYNC_ROWS = 20_000
#: The estimates CSV is made by the database and is 15x or more cheaper a row (516,860 rows
#: in 1.8-7.8 s there): 300,000 rows stay under 5 s, and one period across 600 wards (84,140
#: rows, the export officers ask for most) keeps streaming at once instead of waiting on the
#: run page.
CSV_SYNC_ROWS_BY_KIND = {"estimates": 300_000}
#: Each format's limit: the config key that overrides it (for every kind), and the default.
SYNC_ROWS = {"csv": ("EXPORT_CSV_SYNC_ROWS", CSV_SYNC_ROWS),
             "xlsx": ("EXPORT_XLSX_SYNC_ROWS", XLSX_SYNC_ROWS)}


def sync_rows(fmt: str, config, kind: str | None = None) -> int:
    """The most rows an export of ``kind`` in ``fmt`` is made in the request (app config)."""
    key, default = SYNC_ROWS[fmt]
    if fmt == "csv":
        default = CSV_SYNC_ROWS_BY_KIND.get(kind, default)
    return int(config.get(key, default))


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


def queue_run(kind: str, fmt: str, f: ExportFilter, rows: int, *, user) -> ExportRun:
    """Record a large export as asked for (the audit row, with the COUNT of its rows, as for
    a streamed CSV) and add its queued run; the caller commits, then starts the build.
    A run built again after its process died adds no second audit row.

    The same export asked again by the same person while a run of it has not finished (a
    double-clicked Download) is that run: building it twice would only load the machine.
    """
    filters = plain_filter(f)
    for waiting in db.session.scalars(select(ExportRun).where(
            ExportRun.user_id == user.id, ExportRun.kind == kind, ExportRun.format == fmt,
            ExportRun.status.in_((EXPORT_QUEUED, EXPORT_RUNNING))).order_by(ExportRun.id)):
        if waiting.filters == filters:
            return waiting
    name = filename(kind, f, fmt)
    run = runs.create(user_id=user.id, kind=kind, fmt=fmt, filename=name, total=rows,
                      filters=filters)
    _audit(kind, fmt, f, rows, user=user, name=f"{name} (built in the background)")
    return run


def build_run(run_id: int) -> bool:
    """Claim a queued run and build its file (through a .part file renamed into place),
    reporting progress on the run. Commits.

    Returns True when this call built the file: False when another process claimed the run
    first, or the build failed; a failure is recorded on the run as a kind the owner's page
    explains, with nothing of the data, and no file is left.
    """
    attempt = runs.claim(run_id)
    if attempt is None:
        return False
    run = db.session.get(ExportRun, run_id)
    kind, fmt, out = run.kind, run.format, runs.output(run.token, run.format)
    out.parent.mkdir(parents=True, exist_ok=True)
    # One .part per attempt: a build cut off and started again never shares a half file,
    # and what an earlier attempt left half-written goes now.
    for left in out.parent.glob(f"{out.name}.*.part"):
        left.unlink(missing_ok=True)
    tmp = out.with_name(f"{out.name}.{attempt}.part")
    try:
        rows = write_export(kind, fmt, _rebuilt_filter(run), tmp,
                            lambda done: runs.report(run_id, attempt, done))
        tmp.replace(out)
    except Exception as err:   # the run's page says it failed; the log keeps only the type
        tmp.unlink(missing_ok=True)
        db.session.rollback()
        runs.finish(run_id, attempt, status=EXPORT_FAILED,
                    error="scope" if isinstance(err, OutOfScope) else "write")
        # Neither the run's token (it opens the file) nor the error's text (it may quote data).
        log.warning("background %s %s export failed: %s", kind, fmt, type(err).__name__)
        return False
    db.session.rollback()       # a read-only transaction: end it
    # False when queued again meanwhile: the newer attempt reports (its file is whole too).
    return runs.finish(run_id, attempt, status=EXPORT_DONE, done=rows, total=rows)


def write_export(kind: str, fmt: str, f: ExportFilter, path: Path,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write the export to ``path`` and return its rows (no audit row: the caller adds it);
    ``progress`` is told the rows written every writers.PROGRESS_ROWS or so."""
    source = SOURCES[kind]
    if fmt == "csv":
        tally = Tally()
        with open(path, "wb") as fh:
            write_chunks(fh, _csv_body(source, f, tally), tally, progress)
        return tally.rows
    if fmt != "xlsx":
        raise ValueError(f"no such export format: {fmt}")
    columns = source.columns(f)
    return write_xlsx(str(path), columns, source.rows(f, columns), kind, progress)


def write_file(kind: str, fmt: str, f: ExportFilter, out: Path, *, user=None,
               actor: str | None = None) -> int:
    """Write the export to ``out`` (through a .part file, so no half-written file is left)."""
    tmp = out.with_name(out.name + ".part")
    try:
        rows = write_export(kind, fmt, f, tmp)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _audit(kind, fmt, f, rows, user=user, actor=actor, name=out.name)
    return rows
