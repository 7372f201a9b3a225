"""Reading instruments back."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from surveys.instrument import Instrument as Definition

from ..extensions import db
from ..models import Instrument, InstrumentVersion


def latest_version(code: str) -> InstrumentVersion | None:
    return db.session.scalar(
        select(InstrumentVersion)
        .join(Instrument)
        .where(Instrument.code == code)
        .order_by(InstrumentVersion.version.desc())
        .options(selectinload(InstrumentVersion.questions))
        .limit(1)
    )


def definition_of(version: InstrumentVersion) -> Definition:
    """The domain value of a stored version; versions never change, so it is cached."""
    return _cached_definition(version.id, version.digest)


@lru_cache(maxsize=64)
def _cached_definition(version_id: int, _digest: str) -> Definition:
    from .convert import to_domain

    version = db.session.get(InstrumentVersion, version_id)
    assert version is not None
    return to_domain(version)
