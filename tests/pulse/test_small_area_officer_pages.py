"""An area with 9 responses shows no estimate on the officer pages, the map or public pages.

Real responses, a real aggregation run, and the pages as an officer for the whole borough sees
them, for every period type and every measure on the map. Each check is also made for a large
ward on the same page, where the figures must be there: a check that cannot fail means nothing.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pulse.officer.queries import MEASURES
from tests.pulse.estimates.support import BOROUGH, WARDS, seed_small_ward
from tests.pulse.officer.conftest import square

SMALL, BIG = WARDS[4], WARDS[0]
WITHHELD = "fewer than 10 responses"
KINDS = ("month", "quarter", "r12")
# What the trend chart draws for a direct or modelled estimate and its interval (the key at the
# bottom is drawn with <line> and <text>, so it never matches).
PLOTTED = re.compile(r'<(?:polyline|circle|polygon)[^>]*(?:#08519c|#b35806|#c6dbef)'
                     r'|<line[^>]*#9ecae1')
FIGURE = re.compile(r"<strong>\s*\d")


@pytest.fixture
def nine_responses(app):
    """Four wards with hundreds of responses and a fifth with 9, aggregated; all with shapes."""
    from pulse.areas.operations import open_wave
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Area, Response

    now = datetime.now(UTC)
    with app.app_context():
        seed_small_ward(9)
        areas = {a.code: a for a in db.session.scalars(select(Area))}
        for i, code in enumerate(WARDS):
            areas[code].boundary = square(-0.05 + 0.01 * i, 51.42)
        open_wave(areas[BOROUGH], latest_version("core").instrument, name="Always on",
                  opens_at=now - timedelta(days=1))
        db.session.commit()
        small = areas[SMALL].id
        assert len(db.session.scalars(select(Response).where(Response.area_id == small)).all()) == 9
        aggregate(full=True)
        db.session.commit()


def overview_row(page: str, code: str) -> list[str]:
    row = re.search(rf'<tr><th scope="row"><a href="/officer/area/{code}">.*?</tr>', page, re.S)
    assert row, f"{code} is not in the overview table"
    return re.findall(r"<td>(.*?)</td>", row.group(0), re.S)


def map_title(page: str, code: str) -> str:
    found = re.search(rf'<a href="/officer/area/{code}"><path [^>]*><title>([^<]*)</title>', page)
    assert found, f"{code} is not on the map"
    return found.group(1)


def own_figures(page: str) -> list[tuple[str, str]]:
    """(direct, modelled) cells of the area page's trend tables; the parent's column left out."""
    trends = "".join(re.findall(r'<section class="trend">.*?</section>', page, re.S))
    return re.findall(r'<tr><th scope="row">[^<]*</th><td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>',
                      trends, re.S)


def breakdowns(page: str) -> list[str]:
    """The "who says what" tables (by age band, sex...)."""
    return re.findall(r"<table[^>]*>\s*<caption>By .*?</table>", page, re.S)


def test_nine_responses_show_no_estimate_on_officer_and_public_pages(app, client, auth,
                                                                      nine_responses):
    auth.login("officer", areas=[BOROUGH])
    for kind in KINDS:
        for measure in MEASURES:
            reply = client.get("/officer/", query_string={"kind": kind, "measure": measure})
            assert reply.status_code == 200, (kind, measure)
            page = reply.get_data(as_text=True)
            small_title, big_title = map_title(page, SMALL), map_title(page, BIG)
            assert small_title.endswith(WITHHELD) and not re.search(r"\d+ (score|percent)",
                                                                    small_title), small_title
            assert re.search(r": \d+ ", big_title), big_title
            small_cells, big_cells = overview_row(page, SMALL), overview_row(page, BIG)
            assert small_cells and all(WITHHELD in c or "no estimate" in c for c in small_cells)
            assert not any(FIGURE.search(c) for c in small_cells), (kind, small_cells)
            assert any(FIGURE.search(c) for c in big_cells), (kind, big_cells)

        small_page = client.get(f"/officer/area/{SMALL}", query_string={"kind": kind})
        big_page = client.get(f"/officer/area/{BIG}", query_string={"kind": kind})
        assert small_page.status_code == big_page.status_code == 200
        small_html, big_html = small_page.get_data(as_text=True), big_page.get_data(as_text=True)
        assert WITHHELD in small_html
        direct = own_figures(small_html)
        assert direct and all(WITHHELD in d and not re.search(r"\d", m) for d, m in direct), \
            [x for x in direct if WITHHELD not in x[0] or re.search(r"\d", x[1])]
        assert not any(FIGURE.search(t) for t in breakdowns(small_html)), kind
        assert not PLOTTED.search(small_html), (kind, PLOTTED.search(small_html).group(0))
        assert PLOTTED.search(big_html), kind
        assert any(FIGURE.search(d) and re.search(r"\d", m) for d, m in own_figures(big_html))
        assert any(FIGURE.search(t) for t in breakdowns(big_html)), kind

    # Public pages for the small area: its own survey pages and "you said, we did".
    client.post("/logout")
    resident = app.test_client()
    for path in ("/s/", f"/s/{SMALL}", f"/s/{SMALL}/questions?consent=yes",
                 f"/s/{SMALL}/you-said-we-did"):
        reply = resident.get(path)
        assert reply.status_code == 200, path
        html = reply.get_data(as_text=True)
        assert 'class="figures"' not in html and "out of 100" not in html, path
        assert not FIGURE.search(html), path
