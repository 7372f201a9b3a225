"""Integrity rules: who may answer, and which responses look suspicious.

Suspicious responses are kept and flagged, never dropped: a fast reader or a shared phone is
not fraud, and an analyst can exclude a flagged response later with a recorded reason.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from .instrument import SCALE, Instrument
from .validation import Answer

HONEYPOT = "honeypot"
TOO_FAST = "too_fast"
NO_TIMING = "no_timing"
STRAIGHTLINED = "straightlined"

FLAGS = (HONEYPOT, TOO_FAST, NO_TIMING, STRAIGHTLINED)

#: Fewer seconds than this between showing the questions and submitting them is not reading.
DEFAULT_MIN_SECONDS = 10


def hash_token(secret: str | bytes, token: str) -> str:
    """Keyed hash of a device token or client address; the raw value is never stored."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def quality_flags(instrument: Instrument, *, honeypot: str | None,
                  elapsed_seconds: float | None, answers: Iterable[Answer],
                  min_seconds: float = DEFAULT_MIN_SECONDS) -> list[str]:
    """Return the quality flags a response earns; an empty list for an ordinary response."""
    flags: list[str] = []
    if honeypot:
        flags.append(HONEYPOT)
    if elapsed_seconds is None:
        flags.append(NO_TIMING)
    elif elapsed_seconds < min_seconds:
        flags.append(TOO_FAST)
    s10 = {q.code for q in instrument.questions if q.kind == SCALE and q.scale == "s10"}
    scale10 = [a.value for a in answers if a.code in s10 and a.value is not None]
    # The same extreme answer to every 0-10 item, trust and safety alike, is a common mark
    # of a careless or mischievous response.
    if len(scale10) >= 5 and len(set(scale10)) == 1 and scale10[0] in (0, 10):
        flags.append(STRAIGHTLINED)
    return flags
