"""Read responses collected elsewhere (paper, phone, another survey tool) from CSV.

The format is ``area_code,submitted_at`` followed by any of the instrument's question codes,
values written as the scales define them (``dk`` for don't know, blank when optional). Every
row is checked with the same rules as the web form (:func:`surveys.validation.validate_submission`)
and comes back as a :class:`RowResult` carrying its line number and either a valid submission
or the reasons it was refused. Nothing here stores anything: the caller decides what to keep.

A problem with the file as a whole (not UTF-8, no header, an unknown or missing column) raises
:class:`FileProblem`, because every row would be misread.
"""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import validation as v
from .instrument import Instrument
from .integrity import NO_TIMING, quality_flags

AREA = "area_code"
SUBMITTED = "submitted_at"
FIXED_COLUMNS = (AREA, SUBMITTED)

#: Earlier than this is a typing mistake (``1024`` for ``2024``), not an old survey.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

_DELIMITERS = (",", ";", "\t")
_NOT_UTF8 = "the file is not UTF-8 text; in a spreadsheet choose \"CSV UTF-8\" when saving"


class FileProblem(ValueError):
    """The file cannot be read as an import at all; no row was considered."""


@dataclass(frozen=True)
class RowResult:
    line: int
    area_code: str = ""
    submitted_at: datetime | None = None
    submission: v.Submission | None = None
    flags: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    # A digest of what the row says, so a file imported twice is recognised, not doubled.
    key: str = ""

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class ParsedFile:
    columns: tuple[str, ...]
    rows: list[RowResult] = field(default_factory=list)

    @property
    def good(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]


def describe(err: v.AnswerError) -> str:
    """An operator-facing sentence for a validation reason (the web has its own wording)."""
    reason, detail = err.reason, err.detail
    if reason == v.REQUIRED:
        return f"{err.code}: an answer is required"
    if reason == v.OUT_OF_RANGE:
        return f"{err.code}: value out of range (allowed {detail}, or dk)"
    if reason == v.NOT_A_NUMBER:
        return f"{err.code}: {detail!r} is not a whole number or dk"
    if reason == v.NOT_AN_OPTION:
        return f"{err.code}: {detail!r} is not one of the allowed values"
    if reason == v.TOO_LONG:
        return f"{err.code}: text longer than {detail} characters"
    if reason == v.CONTROL_CHARACTERS:
        return f"{err.code}: text contains a NUL character"
    return str(err)


def parse_timestamp(raw: str, now: datetime) -> datetime:
    """Read an ISO 8601 date-time with a zone and return it in UTC; ValueError says why not.

    A time without a zone is refused rather than assumed to be UTC: London is an hour ahead
    of UTC half the year, so guessing would move evening responses into the next day (and
    sometimes the next month) without anyone noticing.
    """
    text = raw.strip()
    if not text:
        raise ValueError("submitted_at is blank")
    try:
        stamp = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"submitted_at {text[:40]!r} is not an ISO 8601 date-time "
                         "(e.g. 2024-03-05T18:30:00Z)") from None
    if len(text) <= 10:
        raise ValueError(f"submitted_at {text!r} has no time of day; give a time and zone, "
                         "e.g. 2024-03-05T12:00:00Z")
    if stamp.tzinfo is None:
        raise ValueError(f"submitted_at {text!r} has no time zone; add Z for UTC or an "
                         "offset such as +01:00")
    try:
        stamp = stamp.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 or 9999-12-31T23:59-01:00: no UTC time
        raise ValueError(f"submitted_at {text!r} is out of range") from None
    if stamp > now:
        raise ValueError(f"submitted_at {text!r} is in the future")
    if stamp < EARLIEST:
        raise ValueError(f"submitted_at {text!r} is before {EARLIEST:%Y}")
    return stamp


def row_key(area_code: str, submitted_at: datetime, submission: v.Submission) -> str:
    """A stable digest of a row's content: the same answers at the same time in the same area."""
    parts = [area_code, submitted_at.isoformat()]
    for code in sorted(submission.answers):
        a = submission.answers[code]
        parts.append(f"{code}={'dk' if a.dont_know else a.value if a.text is None else a.text}")
    parts.extend(f"{k}={submission.demographics[k]}" for k in sorted(submission.demographics))
    return hashlib.sha256("\x1f".join(["import", *parts]).encode()).hexdigest()


def _delimiter(first_line: str) -> str:
    # Spreadsheets in many locales write ';' (and some write tabs); the header says which.
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _header(raw: list[str], instrument: Instrument) -> tuple[str, ...]:
    columns = tuple(c.strip().lower() for c in raw)
    known = set(FIXED_COLUMNS) | set(instrument.codes)
    unknown = [c or "(blank)" for c in columns if c not in known]
    if unknown:
        raise FileProblem("unknown column(s): " + ", ".join(unknown) + ". Allowed: "
                          + ", ".join((*FIXED_COLUMNS, *instrument.codes)))
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise FileProblem("repeated column(s): " + ", ".join(repeated))
    # A question the file never asked is not "left blank": without its column every row would
    # fail the same way, so say it once about the file.
    required = [q.code for q in instrument.questions if not q.optional]
    missing = [c for c in (*FIXED_COLUMNS, *required) if c not in columns]
    if missing:
        raise FileProblem("missing required column(s): " + ", ".join(missing))
    return columns


def _row(line: int, cells: list[str], columns: tuple[str, ...], instrument: Instrument,
         areas: Mapping[str, datetime | None], now: datetime) -> RowResult:
    if len(cells) != len(columns):
        return RowResult(line, reasons=(f"{len(cells)} cells where the header has "
                                        f"{len(columns)}",))
    raw = dict(zip(columns, cells))
    reasons: list[str] = []
    code = raw.pop(AREA).strip()
    if not code:
        reasons.append("area_code is blank")
    elif code not in areas:
        reasons.append(f"unknown area code {code[:40]!r}")
    try:
        stamp = parse_timestamp(raw.pop(SUBMITTED), now)
    except ValueError as err:
        stamp = None
        reasons.append(str(err))
    retired = areas.get(code)
    if stamp is not None and retired is not None and stamp >= retired:
        reasons.append(f"area {code} was retired on {retired:%Y-%m-%d}")
    submission = v.validate_submission(instrument, raw)
    reasons.extend(describe(err) for err in submission.errors.values())
    if reasons or stamp is None:
        return RowResult(line, code, stamp, reasons=tuple(reasons))
    # Timing is not known for a response collected elsewhere, so only the answer pattern
    # can earn a flag here.
    flags = quality_flags(instrument, honeypot=None, elapsed_seconds=None,
                          answers=submission.answers.values())
    return RowResult(line, code, stamp, submission,
                     flags=tuple(f for f in flags if f != NO_TIMING),
                     key=row_key(code, stamp, submission))


def parse_csv(lines: Iterable[str], instrument: Instrument,
              areas: Mapping[str, datetime | None], *, now: datetime) -> ParsedFile:
    """Parse and check every row of a CSV import.

    ``lines`` is text opened with ``newline=""`` (so quoted line breaks and CRLF survive);
    ``areas`` maps every known area code to its retirement time (None while active).
    Rows repeated within the file are rejected after their first appearance.
    """
    iterator = iter(lines)
    try:
        first = next(iterator)
    except StopIteration:
        raise FileProblem("the file is empty") from None
    except UnicodeDecodeError:
        raise FileProblem(_NOT_UTF8) from None
    first = first.lstrip("\ufeff")
    if "\x00" in first:
        # UTF-16 without a byte-order mark reads as UTF-8 with a NUL after every letter.
        raise FileProblem(_NOT_UTF8)
    hint = first.rstrip("\r\n")  # not strip(): "sep=\t" names a tab
    if hint.lower().startswith("sep=") and len(hint) == 5:
        # Excel's "sep=;" hint line comes before the header.
        delimiter, start = hint[4], 2
        try:
            first = next(iterator)
        except StopIteration:
            raise FileProblem("the file has no header row") from None
    else:
        delimiter, start = _delimiter(first), 1

    def chained():
        yield first
        yield from iterator

    reader = csv.reader(chained(), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if not header or not any(c.strip() for c in header):
            raise FileProblem(f"line {start} is blank: the header row ({AREA},{SUBMITTED}, then "
                              "question codes) must be the first line")
        columns = _header(header, instrument)
        result = ParsedFile(columns)
        seen: dict[str, int] = {}
        previous_end = reader.line_num
        for cells in reader:
            line = previous_end + start
            previous_end = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines and spreadsheets' trailing ",,,," rows
            row = _row(line, cells, columns, instrument, areas, now)
            if row.ok:
                if row.key in seen:
                    row = RowResult(line, row.area_code, row.submitted_at,
                                    reasons=(f"repeats line {seen[row.key]}",))
                else:
                    seen[row.key] = line
            result.rows.append(row)
    except UnicodeDecodeError:
        raise FileProblem(_NOT_UTF8) from None
    except csv.Error as err:
        raise FileProblem(f"line {reader.line_num + start - 1}: not valid CSV ({err})") from None
    return result
