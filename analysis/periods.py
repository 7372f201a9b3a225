"""Reporting periods: calendar months, quarters and rolling twelve months.

A month is held as one integer, ``year * 12 + (month - 1)``, so that ranges and differences
are plain arithmetic. Labels are the public form: ``2026-10``, ``2026-Q4``, ``R12-2026-10``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

MONTH, QUARTER, ROLLING12 = "month", "quarter", "r12"
KINDS = (MONTH, QUARTER, ROLLING12)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_R12 = re.compile(r"^R12-(\d{4})-(\d{2})$")


def month_index(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12")
    return year * 12 + month - 1


def month_of(when: datetime) -> int:
    return month_index(when.year, when.month)


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period; ``end`` is its last month, ``start`` its first."""

    kind: str
    end: int

    @property
    def start(self) -> int:
        if self.kind == MONTH:
            return self.end
        if self.kind == QUARTER:
            return self.end - 2
        return self.end - 11

    @property
    def months(self) -> range:
        return range(self.start, self.end + 1)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return month_label(self.end)
        if self.kind == QUARTER:
            return f"{self.end // 12:04d}-Q{self.end % 12 // 3 + 1}"
        return "R12-" + month_label(self.end)

    def previous(self) -> Period:
        """The period a change is measured against: the one just before, not overlapping.

        Rolling twelve months compare with the twelve months before them (a year earlier),
        because overlapping windows share respondents and a two-sample test needs two samples.
        """
        step = {MONTH: 1, QUARTER: 3, ROLLING12: 12}[self.kind]
        return Period(self.kind, self.end - step)

    def following(self) -> Period:
        step = {MONTH: 1, QUARTER: 3, ROLLING12: 12}[self.kind]
        return Period(self.kind, self.end + step)

    def __str__(self) -> str:
        return self.label


def month(index: int) -> Period:
    return Period(MONTH, index)


def quarter_of(index: int) -> Period:
    return Period(QUARTER, index - index % 3 + 2)


def rolling12(index: int) -> Period:
    return Period(ROLLING12, index)


def parse(label: str) -> Period:
    """Read a period label; raise ValueError with the accepted forms otherwise."""
    text = (label or "").strip()
    try:
        return _parse(text)
    except ValueError:
        raise ValueError(
            f"{label!r} is not a period (use 2026-10, 2026-Q4 or R12-2026-10)") from None


# Labels name years a survey can have run in. Bounding them keeps every label's months (a
# rolling year starts eleven months before its label) inside what calendars and databases
# hold: "R12-0000-01" would otherwise reach year -1 and fail far from the input that caused it.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _parse(text: str) -> Period:
    year = re.match(r"^(?:R12-)?(\d{4})-", text)
    if year and not FIRST_YEAR <= int(year[1]) <= LAST_YEAR:
        raise ValueError(text)
    if m := _MONTH.match(text):
        return month(month_index(int(m[1]), int(m[2])))
    if m := _QUARTER.match(text):
        return Period(QUARTER, month_index(int(m[1]), int(m[2]) * 3))
    if m := _R12.match(text):
        return rolling12(month_index(int(m[1]), int(m[2])))
    raise ValueError(text)


def all_periods(first: int, last: int) -> list[Period]:
    """Every month, quarter and rolling year that ends inside [first, last] or holds data there.

    A quarter is listed when any of its months is in range; a rolling year for every month in
    range (the early ones hold less than a year of data and say so through their counts).
    """
    if last < first:
        return []
    out = [month(m) for m in range(first, last + 1)]
    quarters = sorted({quarter_of(m) for m in range(first, last + 1)})
    out += quarters
    out += [rolling12(m) for m in range(first, last + 1)]
    return out


def touched_by(months: set[int], first: int, last: int) -> list[Period]:
    """Periods whose figures or whose change depend on any of ``months``, within [first, last].

    A month's data feeds its month, quarter and the twelve rolling years ending in it or the
    eleven months after; each of those periods' successors measures change against it.
    """
    hit: set[Period] = set()
    for m in months:
        direct = [month(m), quarter_of(m)] + [rolling12(m + k) for k in range(12)]
        for p in direct:
            hit.add(p)
            hit.add(p.following())
    valid = set(all_periods(first, last))
    return sorted(hit & valid)
