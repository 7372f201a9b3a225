"""Publishing instrument definitions. Operations add and flush; the caller commits."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from surveys.core import CORE
from surveys.instrument import Instrument as Definition

from ..extensions import db
from ..models import Instrument, InstrumentVersion
from .convert import digest, question_rows
from .queries import latest_version


def publish(definition: Definition) -> InstrumentVersion:
    """Return the latest stored version of ``definition``, adding a new one if it changed.

    Changing wording makes a new version; responses already given keep pointing at the
    version they answered, so their meaning never shifts under them.
    """
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == definition.code))
    if instrument is None:
        instrument = Instrument(code=definition.code)
        db.session.add(instrument)
        db.session.flush()
    fingerprint = digest(definition)
    current = latest_version(definition.code)
    if current is not None and current.digest == fingerprint:
        return current
    version = InstrumentVersion(
        instrument=instrument,
        version=(current.version + 1) if current else 1,
        title=dict(definition.title),
        languages=list(definition.languages),
        composites=[asdict(c) | {"of": list(c.of)} for c in definition.composites],
        digest=fingerprint,
        questions=question_rows(definition),
    )
    db.session.add(version)
    db.session.flush()
    return version


def ensure_core() -> InstrumentVersion:
    """Publish the core instrument shipped with this release (a no-op when unchanged)."""
    return publish(CORE)
