"""Dates and period labels as people type them into a form: the one written form each.

``date.fromisoformat`` also reads the other ISO 8601 forms (``20270101``, ``2027-W01-1``,
``2027-001``) and ``strptime`` reads any Unicode digits (``２０２７-01-01``) and one-digit
months; every message asks for YYYY-MM-DD, so exactly that is taken, in ASCII digits.
"""
from __future__ import annotations

import re
from datetime import date

from analysis.periods import Period, parse

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> date:
    """The date written YYYY-MM-DD (surrounding spaces aside); ValueError otherwise."""
    text = text.strip()
    if not _DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    return date.fromisoformat(text)


def parse_period(text: str) -> Period:
    """A period label (2026-10, 2026-Q4, R12-2026-10) in ASCII; ValueError naming the forms."""
    if not text.isascii():
        # analysis.periods reads any Unicode digit (２０２６-10 as 2026-10): refused here as
        # any other form is.
        raise ValueError(f"{text!r} is not a period (use 2026-10, 2026-Q4 or R12-2026-10)")
    return parse(text)
