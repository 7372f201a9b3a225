"""The words of a suppressed estimate, naming the configured minimum (PULSE_MIN_RESPONSES).

A primary suppression reads "fewer than N responses", N the configured minimum: exactly
"fewer than 10 responses" at the default, "fewer than 20 responses" with the minimum at 20.
Rows are stored with it (the aggregation command and job run with the configured minimum),
and every reader (exports, API, officer pages, charts, packs) words a cell from its
``suppressed`` flag and the configured minimum rather than repeating the stored text: one
export never mixes two numbers, and rows stored before the minimum was raised read right
(the API withholds them under the raised minimum at once; the next rebuild restores them).
"""
from __future__ import annotations

from flask import current_app

from analysis.suppression import PRIMARY, REASONS


def minimum() -> int:
    """The configured minimum number of responses (never below 10: the config refuses it)."""
    return int(current_app.config["PULSE_MIN_RESPONSES"])


def words(code: int, at: int | None = None) -> str | None:
    """What a row with suppression ``code`` says; the minimum named is ``at`` if given."""
    text = REASONS[code]
    return None if text is None else text.format(minimum=minimum() if at is None else at)


def primary(at: int | None = None) -> str:
    """'fewer than N responses', N the configured minimum unless ``at`` is given."""
    return words(PRIMARY, at)
