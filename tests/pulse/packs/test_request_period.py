"""The pack request form takes a period in ASCII digits only, as every other staff form."""
from __future__ import annotations

from sqlalchemy import select

from tests.pulse.packs.support import BIG, BOROUGH, PERIOD
from tests.pulse.packs.test_web import ask
from tests.support import make_user, sign_in

#: ASCII digits to full-width ones (２０２６-10): analysis.periods read them as the period.
FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))


def test_a_period_in_other_digits_is_refused_with_a_reason(seeded, client):
    from pulse.extensions import db
    from pulse.models import PackRun

    with seeded.app_context():
        make_user("officer@example.org", "officer", [BOROUGH])
    sign_in(client, "officer@example.org")
    year, rest = PERIOD.split("-", 1)
    for period in (PERIOD.translate(FULL_WIDTH), year.translate(FULL_WIDTH) + "-" + rest):
        response = ask(client, BIG, period=period, kind="single")
        assert response.status_code == 422, period
        assert "is not a period (use 2026-10, 2026-Q4 or R12-2026-10)" in \
            response.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.scalars(select(PackRun)).all() == []
