"""Writing access codes. Operations add and flush; the caller commits once."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert, update

from surveys.access_codes import code_hash, new_code

from ..extensions import db
from ..models import AccessCode, Area, Wave
from ..models.wave import ACCESS_MODES

#: One run prints at most this many leaflets; more is a print job for several runs.
MAX_BATCH = 20_000


def issue_codes(area: Area, count: int, secret: str) -> list[str]:
    """Make ``count`` new codes for ``area``, store their keyed hashes, return the codes.

    The codes themselves exist only in what is returned: print or mail-merge them, then
    let them go. Nothing can recover a lost code.
    """
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(f"count must be between 1 and {MAX_BATCH}, not {count}")
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = new_code()
        if code not in seen:
            seen.add(code)
            codes.append(code)
    now = datetime.now(UTC)
    db.session.execute(insert(AccessCode), [
        {"area_id": area.id, "code_hash": code_hash(secret, c), "issued_at": now,
         "used": False} for c in codes
    ])
    db.session.flush()
    return codes


def spend(hashed: str, on: date) -> bool:
    """Mark a code used, if it was not already; True only for the request that spent it.

    One conditional UPDATE: the database lets exactly one of two concurrent requests see
    the row unused (PostgreSQL's row lock, SQLite's single writer). It runs in the caller's
    transaction, so a response that fails to store leaves the code unspent.
    """
    result = db.session.execute(
        update(AccessCode)
        .where(AccessCode.code_hash == hashed, AccessCode.used.is_(False))
        .values(used=True, used_on=on)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_access(wave: Wave, mode: str) -> None:
    """Who may answer ``wave``: "open" (anyone with the link), "code" (code holders), "both"."""
    if mode not in ACCESS_MODES:
        raise ValueError(f"access must be one of {', '.join(ACCESS_MODES)}, not {mode!r}")
    wave.access = mode
    db.session.flush()
