"""Population margins for weighting, loaded from CSV: area_code,dimension,category,population.

A file is checked whole before anything is written: every bad row is reported with its line
number, and one bad row means nothing is stored. Each (area, dimension) in the file replaces
that area's previous margins for the dimension.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from analysis.cells import DIMENSIONS

from ..extensions import db
from ..models import Area, PopulationMargin

COLUMNS = ("area_code", "dimension", "category", "population")
#: More than any area holds (the UK is under 70 million), and within the column's 32 bits: an
#: extra digit or two is a typing mistake to report, not a number for PostgreSQL to refuse.
MAX_POPULATION = 100_000_000
CATEGORIES = {name: cats for name, cats in DIMENSIONS}


class MarginsFileError(ValueError):
    """The file as a whole cannot be read (missing, not CSV, wrong header)."""


@dataclass
class MarginsReport:
    rows: list[tuple[int, str, str, str, int]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def areas(self) -> set[int]:
        return {r[1] for r in self.rows}


def check_file(path: Path, scope: set[int] | None = None) -> MarginsReport:
    """Read and check every row; nothing is written.

    ``scope`` (area ids; None for the whole tree): a row for an area outside it is an error,
    so a file with any such row stores nothing.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            lines = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise MarginsFileError(f"cannot read {path}: {err}") from None
    if not lines:
        raise MarginsFileError(f"{path} is empty; expected the header {','.join(COLUMNS)}")
    header = [h.strip() for h in lines[0]]
    if sorted(header) != sorted(COLUMNS):
        raise MarginsFileError(f"the header must be {','.join(COLUMNS)} (found {','.join(header)})")
    col = {name: header.index(name) for name in COLUMNS}
    codes = {code: aid for aid, code in db.session.execute(select(Area.id, Area.code))}
    report, seen = MarginsReport(), {}
    for number, raw in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            report.errors.append((number, f"expected {len(header)} columns, found {len(raw)}"))
            continue
        code, dim, cat, pop = (raw[col[c]].strip() for c in COLUMNS)
        problem = None
        if code not in codes:
            problem = f"no area with code {code!r}"
        elif scope is not None and codes[code] not in scope:
            problem = f"{code} is outside your areas"
        elif dim not in CATEGORIES:
            problem = f"dimension {dim!r} is not one of {', '.join(CATEGORIES)}"
        elif cat not in CATEGORIES[dim]:
            problem = f"category {cat!r} is not one of {dim}'s: {', '.join(CATEGORIES[dim])}"
        # ASCII digits only: str.isdigit() also takes "²", which int() then refuses.
        elif not (pop.isascii() and pop.isdigit()) or int(pop) <= 0:
            problem = f"population {pop!r} is not a whole number above 0"
        elif int(pop) > MAX_POPULATION:
            problem = f"population {pop} is more than any area holds ({MAX_POPULATION:,})"
        elif (code, dim, cat) in seen:
            problem = f"{code} {dim}={cat} already given on line {seen[(code, dim, cat)]}"
        if problem:
            report.errors.append((number, problem))
            continue
        seen[(code, dim, cat)] = number
        report.rows.append((number, codes[code], dim, cat, int(pop)))
    return report


def replace_margins(report: MarginsReport) -> int:
    """Store checked rows, replacing each (area, dimension) they cover; add and flush."""
    if report.errors:
        raise ValueError("replace_margins takes only a file without errors")
    for area_id, dim in sorted({(r[1], r[2]) for r in report.rows}):
        db.session.execute(delete(PopulationMargin).where(
            PopulationMargin.area_id == area_id, PopulationMargin.dimension == dim))
    db.session.add_all(PopulationMargin(area_id=a, dimension=d, category=c, population=p)
                       for _, a, d, c, p in report.rows)
    db.session.flush()
    return len(report.rows)
