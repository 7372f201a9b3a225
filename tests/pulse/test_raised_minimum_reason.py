"""With PULSE_MIN_RESPONSES raised to 20, every output that says why a cell is empty names 20.

A ward of 15 responses is published under the default minimum and suppressed under 20. The
stored rows (full rebuild and incremental run, both backends' write paths), the CSV and XLSX
exports, the API, the officer overview (table and map), the area page and the briefing pack
must all say "fewer than 20 responses", never the default's "fewer than 10 responses".
"""
from __future__ import annotations

import csv
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from tests.pulse.estimates.support import (BOROUGH, WARDS, add_responses, headline_pack_text,
                                           seed_small_ward)
from tests.pulse.officer.conftest import square

SMALL, BIG = WARDS[4], WARDS[0]
RAISED = "fewer than 20 responses"
DEFAULT = "fewer than 10 responses"


def _aggregate(runner, *args: str) -> str:
    result = runner.invoke(args=["aggregate", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _primary_reasons(app, code: str, periods: list[str] | None = None) -> list[str | None]:
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    with app.app_context():
        stmt = (select(Estimate.suppressed_reason).join(Area, Area.id == Estimate.area_id)
                .where(Area.code == code, Estimate.suppressed.is_(True)))
        if periods is not None:
            stmt = stmt.where(Estimate.period.in_(periods))
        return list(db.session.scalars(stmt))


@pytest.fixture
def fifteen(app, runner):
    """Four large wards and one of 15 responses, with shapes, aggregated with the minimum at 20
    by the command the scheduler's job also runs (both pass the configured minimum)."""
    from pulse.extensions import db
    from pulse.models import Area

    app.config["PULSE_MIN_RESPONSES"] = 20
    with app.app_context():
        recent = seed_small_ward(15)
        areas = {a.code: a for a in db.session.scalars(select(Area))}
        for i, code in enumerate(WARDS):
            areas[code].boundary = square(-0.05 + 0.01 * i, 51.42)
        db.session.commit()
    _aggregate(runner, "--full")
    return recent


def test_stored_rows_name_the_raised_minimum_after_a_full_and_an_incremental_run(
        app, runner, fifteen):
    from pulse.extensions import db
    from pulse.models import Estimate

    full = _primary_reasons(app, SMALL)
    assert full and set(full) == {RAISED}, set(full)
    with app.app_context():
        assert db.session.scalar(select(Estimate.id).where(
            Estimate.suppressed_reason == DEFAULT).limit(1)) is None
        # Spoil the stored words, so only the incremental run's own writing can restore them.
        db.session.execute(update(Estimate).where(Estimate.suppressed.is_(True))
                           .values(suppressed_reason="stale"))
        db.session.commit()
        add_responses(2, [fifteen[-1]], seed=31, wards=[SMALL])   # 17: still under 20
    output = _aggregate(runner)
    assert output.startswith("incremental"), output
    month = "{:04d}-{:02d}".format(*fifteen[-1])
    rewritten = _primary_reasons(app, SMALL, [month])
    assert rewritten and set(rewritten) == {RAISED}, set(rewritten)


def test_exports_api_and_officer_pages_name_the_raised_minimum(app, runner, client, auth,
                                                               fifteen, tmp_path):
    # Estimates CSV (made by the database) and XLSX (rows read in Python).
    out = tmp_path / "estimates.csv"
    result = runner.invoke(args=["estimates", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    said = {r["suppressed"] for r in rows if r["area_code"] == SMALL}
    assert RAISED in said and DEFAULT not in said, said
    assert not any(r["suppressed"] == DEFAULT for r in rows)
    book = tmp_path / "estimates.xlsx"
    result = runner.invoke(args=["export", "estimates", "--out", str(book)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(book).worksheets[0]
    column = [c.value for c in next(sheet.iter_rows())].index("suppressed")
    cells = {row[column].value for row in sheet.iter_rows(min_row=2)}
    assert RAISED in cells and DEFAULT not in cells, cells

    # The API: stored suppressed cells, and a cell stored published with n=15 (as a run under
    # the old minimum left it), which the API withholds under the configured one.
    items = client.get(f"/api/v1/estimates?area={SMALL}&per_page=200").get_json()["items"]
    reasons = {i["reason"] for i in items if i["suppressed"]}
    assert reasons == {RAISED}, reasons
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    with app.app_context():
        big = db.session.scalar(select(Area.id).where(Area.code == BIG))
        db.session.execute(update(Estimate).where(
            Estimate.area_id == big, Estimate.measure == "trust", Estimate.group_label == "all",
            Estimate.period_kind == "r12").values(n=15))
        db.session.commit()
    items = client.get(f"/api/v1/estimates?area={BIG}&measure=trust&kind=r12&group=all"
                       "&per_page=200").get_json()["items"]
    assert items and all(i["suppressed"] and i["reason"] == RAISED for i in items), items

    # Officer pages: the overview's cells and map, and the small ward's own page.
    auth.login("officer", areas=[BOROUGH])
    page = client.get("/officer/", query_string={"kind": "quarter"}).get_data(as_text=True)
    row = re.search(rf'<tr><th scope="row"><a href="/officer/area/{SMALL}">.*?</tr>', page, re.S)
    assert row and RAISED in row.group(0), row and row.group(0)
    title = re.search(rf'<a href="/officer/area/{SMALL}"><path [^>]*><title>([^<]*)</title>',
                      page)
    assert title and title.group(1).endswith(RAISED), title and title.group(1)
    assert f"{RAISED} (suppressed)" in page and DEFAULT not in page
    area = client.get(f"/officer/area/{SMALL}", query_string={"kind": "quarter"})
    html = area.get_data(as_text=True)
    assert RAISED in html and DEFAULT not in html


def test_the_briefing_pack_names_the_raised_minimum(app, runner, fifteen, tmp_path):
    text, table = headline_pack_text(app, runner, SMALL, "r12", tmp_path / "small.pdf")
    assert table.count(f"— — — — {RAISED}") == 10, table
    assert "Fewer than 20 responses: figures for this area and period are not published" in text
    assert "no figure is published from fewer than 20 responses" in text
    assert "fewer than 10" not in text.lower()


def test_the_default_minimum_keeps_its_words(app, runner, client):
    """At the default minimum (10) the words are today's, in the stored rows and the API."""
    with app.app_context():
        seed_small_ward(9)
    _aggregate(runner, "--full")
    assert set(_primary_reasons(app, SMALL)) == {DEFAULT}
    items = client.get(f"/api/v1/estimates?area={SMALL}&per_page=200").get_json()["items"]
    assert {i["reason"] for i in items if i["suppressed"]} == {DEFAULT}

