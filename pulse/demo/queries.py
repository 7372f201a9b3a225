"""Reading back what the demo seeded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import Response, Wave

#: The name of the wave the demo opens; its presence is what "seeded" means.
DEMO_WAVE = "Demo: always on (simulated responses)"


@dataclass(frozen=True)
class DemoStatus:
    responses: int
    first: datetime | None
    last: datetime | None


def demo_wave() -> Wave | None:
    return db.session.scalar(select(Wave).where(Wave.name == DEMO_WAVE).limit(1))


def demo_status() -> DemoStatus | None:
    """What the demo holds, or None when the database has not been seeded."""
    wave = demo_wave()
    if wave is None:
        return None
    count, first, last = db.session.execute(
        select(func.count(), func.min(Response.submitted_at), func.max(Response.submitted_at))
        .where(Response.wave_id == wave.id)).one()
    return DemoStatus(responses=count, first=first, last=last)
