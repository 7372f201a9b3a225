"""Writing export rows as CSV (text in chunks, streamed or written to a file) or XLSX
(XlsxWriter in constant-memory mode).

Both writers put every string through :func:`pulse.exports.cells.neutralise`; numbers are
written as numbers. Each keeps a running count of data rows in a :class:`Tally`.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

import xlsxwriter

from .cells import neutralise

#: Rows per CSV chunk handed to the server: big enough to keep overhead low, small enough
#: that the first bytes leave quickly.
CHUNK_ROWS = 500
#: Excel's limit is 1,048,576 rows a sheet; a longer export goes on to a second sheet.
SHEET_ROWS = 1_048_575
#: How often a background export reports its progress.
PROGRESS_ROWS = 5000


@dataclass
class Tally:
    rows: int = 0


def csv_chunks(columns: Iterable[str], rows: Iterable[tuple], tally: Tally) -> Iterator[str]:
    """The CSV text in chunks of CHUNK_ROWS rows (the header in the first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    pending = 0
    for row in rows:
        # csv writes None as an empty cell and a (whole-second) datetime as "YYYY-MM-DD HH:MM:SS".
        writer.writerow([neutralise(v) for v in row])
        tally.rows += 1
        pending += 1
        if pending >= CHUNK_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def write_chunks(fh: IO[bytes], chunks: Iterable[str] | Iterable[bytes], tally: Tally,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write a CSV body to a binary file, text as UTF-8 (the bytes a streamed response sends),
    telling ``progress`` the rows written every PROGRESS_ROWS or so (at chunk ends)."""
    told = 0
    for chunk in chunks:
        fh.write(chunk.encode() if isinstance(chunk, str) else chunk)
        if progress is not None and tally.rows - told >= PROGRESS_ROWS:
            told = tally.rows
            progress(told)
    return tally.rows


def write_xlsx(target, columns: tuple[str, ...], rows: Iterable[tuple], sheet: str,
               progress: Callable[[int], None] | None = None) -> int:
    """Write an XLSX workbook to ``target`` (a path or a binary file) and return the row count.

    ``progress`` is told the rows written so far every PROGRESS_ROWS rows.

    constant_memory makes XlsxWriter flush each row to a temporary file as soon as the next
    one starts, so memory stays flat however many rows; cells must therefore be written in
    row order, which they are. Strings go through write_string: never a formula, never a URL.
    """
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "remove_timezone": True,
                                        "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    try:
        bold = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        count = 0
        ws = None
        r = SHEET_ROWS
        for row in rows:
            if r >= SHEET_ROWS:
                name = sheet if ws is None else f"{sheet} {count // SHEET_ROWS + 1}"
                ws = book.add_worksheet(name)
                for c, name in enumerate(columns):
                    ws.write_string(0, c, neutralise(name), bold)
                ws.freeze_panes(1, 0)
                r = 0
            r += 1
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, neutralise(value))
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    if math.isfinite(value):  # Excel has no NaN or infinity: leave empty
                        ws.write_number(r, c, value)
                elif isinstance(value, datetime):
                    ws.write_datetime(r, c, value, when)
                else:
                    ws.write_string(r, c, neutralise(str(value)))
            count += 1
            if progress is not None and count % PROGRESS_ROWS == 0:
                progress(count)
        if ws is None:  # no rows: still a sheet with the header
            ws = book.add_worksheet(sheet)
            for c, name in enumerate(columns):
                ws.write_string(0, c, neutralise(name), bold)
    finally:
        book.close()
    return count
