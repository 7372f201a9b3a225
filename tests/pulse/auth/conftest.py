"""Fixtures for accounts and access: an area tree and users at every role."""
from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Tree:
    borough: str = "E09000023"      # Lewisham
    ward_a: str = "E05000437"       # Bellingham, in Lewisham
    ward_a_child: str = "BEL-N1"    # a neighbourhood inside Bellingham
    ward_b: str = "E05000438"       # Blackheath, in Lewisham
    other_borough: str = "E09000028"  # Southwark
    other_ward: str = "E05000552"   # Peckham, in Southwark


@pytest.fixture
def tree(app) -> Tree:
    from pulse.areas.operations import ensure_area
    from pulse.extensions import db

    t = Tree()
    with app.app_context():
        lewisham = ensure_area(t.borough, "Lewisham", "borough")
        bellingham = ensure_area(t.ward_a, "Bellingham", "ward", lewisham)
        ensure_area(t.ward_a_child, "Bellingham North", "neighbourhood", bellingham)
        ensure_area(t.ward_b, "Blackheath", "ward", lewisham)
        southwark = ensure_area(t.other_borough, "Southwark", "borough")
        ensure_area(t.other_ward, "Peckham", "ward", southwark)
        db.session.commit()
    return t


def login_session_rows(app):
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import LoginSession

    with app.app_context():
        return list(db.session.scalars(select(LoginSession).order_by(LoginSession.id)))
