"""One rounding rule for every export: half away from zero, on the value scaled in doubles.

The estimates CSV is rounded by the database (:mod:`.estimates_csv`), every other export in
Python (:mod:`.sources`). Each backend's own rounding looks at a different decimal of the
same double: Python's ``round`` at its exact binary value, SQLite's ``round`` at about 16
digits, PostgreSQL's float-to-numeric cast at 15. So a value within 1e-15 of a tie came out
differently (4.924999999999997: 4.92 from Python and SQLite, 4.93 from PostgreSQL; 1.005:
1.0 from Python, 1.01 from both databases). Here all three do the same IEEE double steps:
scale by 10**places, add 0.5 away from zero, truncate; then divide as exact decimals. The
same double therefore rounds to the same figure whichever writes it.
"""
from __future__ import annotations

import math

from sqlalchemy import Integer, Numeric, case, cast, func, literal_column


def rounded(value: float | None, places: int) -> float | None:
    """``value`` to ``places`` decimals by the rule above (None, NaN and infinities as given)."""
    if value is None or not math.isfinite(value):
        return value
    scale = 10 ** places
    return math.trunc(value * scale + (-0.5 if value < 0 else 0.5)) / scale


def fixed_sql(column, places: int, postgres: bool):
    """SQL text of ``column`` rounded by the same rule, with exactly ``places`` decimals.

    NULL stays NULL; zero is never written "-0.00".
    """
    scale = 10 ** places
    # Literals, not bound parameters: the statement also runs inside PostgreSQL's COPY.
    half = case((column < 0, literal_column("-0.5")), else_=literal_column("0.5"))
    scaled = column * literal_column(str(scale)) + half
    if postgres:
        # float8 arithmetic, trunc() of a float8, then an exact numeric division; round()
        # only sets the scale, so 61.0 prints "61.00" (as printf does on SQLite).
        return func.round(cast(func.trunc(scaled), Numeric) / literal_column(str(scale)), places)
    # CAST to INTEGER truncates toward zero; printf would print NULL as 0.00, hence the CASE.
    return case((column.is_(None), None),
                else_=func.printf(f"%.{places}f",
                                  cast(scaled, Integer) / literal_column(f"{scale}.0")))
