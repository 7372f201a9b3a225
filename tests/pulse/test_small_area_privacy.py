"""An area with 9 responses: no figure for it appears in any output that exists.

Outputs checked: the resident thank-you page, the estimates CSV export and the area's
briefing pack (PDF text). (The API and XLSX exports join this test as they land.)
"""
from __future__ import annotations

import csv

from sqlalchemy import select

from tests.pulse.estimates.support import (WARDS, headline_pack_text, open_borough_wave,
                                           seed_small_ward)
from tests.support import submit

SMALL = WARDS[4]
FIGURE_FIELDS = ("n", "effective_n", "estimate", "ci_low", "ci_high", "change",
                 "modelled_estimate")


def test_nine_responses_publish_no_figure_anywhere(app, runner, tmp_path):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Area, Response

    with app.app_context():
        seed_small_ward(8)
        open_borough_wave()

    small_resident, big_resident = app.test_client(), app.test_client()
    assert submit(small_resident, SMALL).status_code == 302  # the ninth response
    assert submit(big_resident, WARDS[0]).status_code == 302
    with app.app_context():
        small = db.session.scalar(select(Area).where(Area.code == SMALL))
        assert len(db.session.scalars(select(Response).where(Response.area_id == small.id))
                   .all()) == 9
        aggregate(full=True)
        db.session.commit()

    page = small_resident.get(f"/s/{SMALL}/thanks").get_data(as_text=True)
    assert "Not enough people have answered here yet" in page
    assert 'class="figures"' not in page and "out of 100" not in page and "%" not in page
    # The same page for a large ward does show figures, so the check above means something.
    assert 'class="figures"' in big_resident.get(f"/s/{WARDS[0]}/thanks").get_data(as_text=True)

    out = tmp_path / "estimates.csv"
    result = runner.invoke(args=["estimates", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    mine = [r for r in rows if r["area_code"] == SMALL]
    assert mine, "the small area is listed, with its figures withheld"
    for row in mine:
        assert all(row[name] == "" for name in FIGURE_FIELDS), row
        assert row["suppressed"]
    assert any(r["estimate"] for r in rows if r["area_code"] == WARDS[0])

    # The area's briefing pack: every headline cell says why it is empty, and no number shows.
    _, table = headline_pack_text(app, runner, SMALL, "month", tmp_path / "small.pdf")
    assert table.count("— — — — fewer than 10 responses") == 10
    for fixed in ("out of 100", "95%", "fewer than 10", "Safety (day)"):
        table = table.replace(fixed, "")
    assert not any(ch.isdigit() for ch in table), table
