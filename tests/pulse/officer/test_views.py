"""The officer overview and area pages on known stored estimates."""
from __future__ import annotations

import re

import pytest

from tests.pulse.officer.conftest import XSS


def test_overview_table_map_and_significant_changes(auth, client, workspace):
    auth.login("officer", areas=[workspace.borough])
    page = client.get("/officer/?kind=quarter&measure=trust").get_data(as_text=True)
    assert "Trust (composite) in Bellingham fell 12 points since last quarter — significant" in page
    # Only the significant change is spelt out; the others say there is none.
    assert "no significant change" in page
    assert "-1 points" not in page
    # Blackheath is suppressed: the table says why, the map hatches it.
    assert "fewer than 10 responses" in page
    assert 'fill="url(#hatch)"' in page and "<title>Blackheath (E05000438)" in page
    # Out of scope areas appear nowhere.
    assert "Peckham" not in page and "E05000552" not in page
    assert re.search(r"<path d=\"M[0-9., LMZ]+\" fill=\"#[0-9a-f]{6}\"", page)


def test_overview_period_and_filters(auth, client, workspace):
    auth.login("analyst", areas=[workspace.borough])
    page = client.get("/officer/?kind=quarter&period=2026-Q3").get_data(as_text=True)
    assert "Figures for 2026-Q3" in page and "No significant changes this period." in page
    assert client.get("/officer/?kind=quarter&period=1999-Q1").status_code == 400
    assert client.get("/officer/?measure=nope").status_code == 400
    month = client.get("/officer/?kind=month").get_data(as_text=True)
    assert "Figures for 2026-12" in month


def test_overview_switching_period_type_keeps_working(auth, client, workspace):
    """Changing only "Period type" sends the old type's period too: show the new type's newest."""
    auth.login("analyst", areas=[workspace.borough])
    switched = client.get("/officer/?kind=month&period=2026-Q3")
    assert switched.status_code == 200
    assert "Figures for 2026-12" in switched.get_data(as_text=True)
    back = client.get("/officer/?kind=quarter&period=R12-2026-12").get_data(as_text=True)
    assert "Figures for 2026-Q4" in back
    assert client.get("/officer/?kind=quarter&period=garbage").status_code == 400


def test_area_page_charts_tables_and_subgroups(auth, client, comments):
    auth.login("viewer", areas=[comments.ward_a])
    page = client.get(f"/officer/area/{comments.ward_a}").get_data(as_text=True)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 11  # 10 measures, 1 topic
    assert "<polygon points=" in page            # the confidence band
    assert "modelled (empirical Bayes)" in page and "parent area" in page
    assert "Lewisham" in page                     # the parent compared against
    # A suppressed month breaks the line and says why in the table.
    assert "fewer than 10 responses" in page
    assert "R12-2026-12" in page and "16-24" in page
    # Topic shares: November has 12 comments, all antisocial behaviour; October 4 (suppressed).
    assert "fewer than 10 comments" in page and "100%" in page
    # ... read from the stored shares, with Wilson intervals, charted for the largest topic.
    assert "Share of comments about Antisocial behaviour in Bellingham by month (%)" in page
    assert re.search(r"100% <span class=\"ci\">\(7[0-9]–100\)</span>", page)
    assert "Flagged for safeguarding: 0" in page


def test_quotes_filter_by_topic_and_never_show_raw_text(auth, client, comments):
    auth.login("officer", areas=[comments.borough])
    page = client.get(f"/officer/area/{comments.ward_a}?topic=litter").get_data(as_text=True)
    assert "Rubbish on the corner" in page and "Noisy groups" not in page
    assert "RAW-SECRET" not in page
    assert client.get(f"/officer/area/{comments.ward_a}?topic=nope").status_code == 400


def test_xss_in_comments_is_escaped(auth, client, comments):
    auth.login("analyst", areas=[comments.borough])
    for path in (f"/officer/area/{comments.ward_a}", f"/officer/area/{comments.ward_a}?topic=asb"):
        page = client.get(path).get_data(as_text=True)
        assert XSS not in page and "<script>alert" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path


def test_scope_by_guessed_codes(auth, client, workspace):
    auth.login("officer", areas=[workspace.ward_a])
    assert client.get(f"/officer/area/{workspace.ward_a}").status_code == 200
    for code in (workspace.ward_b, workspace.borough, workspace.other_ward, "NOPE", "%27--"):
        assert client.get(f"/officer/area/{code}").status_code == 404, code
    page = client.get("/officer/?kind=quarter").get_data(as_text=True)
    assert "Blackheath" not in page and "Peckham" not in page


def test_overview_answers_where_to_focus(auth, client, priority_comments):
    """Officers see this period's top suggestions, each explained, linking to accept/dismiss."""
    comments = priority_comments
    auth.login("officer", areas=[comments.borough])
    page = client.get("/officer/?kind=quarter").get_data(as_text=True)
    top = page.index("Suggested priorities, 2026-Q4")
    assert top < page.index("Significant changes this period")
    assert page.index("Antisocial behaviour — Bellingham", top) < page.index(
        "Litter &amp; fly-tipping — Bellingham", top)
    assert ("Antisocial behaviour in Bellingham: 12 of 22 comments in 2026-Q4 (55%)") in page
    assert f'href="/officer/area/{comments.ward_a}/priorities?kind=quarter"' in page


def test_suggestions_print_no_count_that_topic_shares_withhold(auth, client, comments):
    """October's 4 comments are hidden, so the quarter's 16 (12 + 4) are withheld in the
    topic shares: a suggestion reading "12 of 16 comments in 2026-Q4" would give October's
    count back. November alone (12 comments) is published, and is suggested."""
    auth.login("officer", areas=[comments.borough])
    quarter = client.get("/officer/?kind=quarter").get_data(as_text=True)
    assert "of 16 comments" not in quarter and "Antisocial behaviour — Bellingham" not in quarter
    priorities = client.get(f"/officer/area/{comments.borough}/priorities?kind=quarter")
    assert "of 16 comments" not in priorities.get_data(as_text=True)
    month = client.get("/officer/?kind=month&period=2026-11").get_data(as_text=True)
    assert "Antisocial behaviour in Bellingham: 12 of 12 comments in 2026-11 (100%)" in month


def test_overview_table_is_paged_and_map_keeps_every_area(app, auth, client, workspace):
    from pulse.areas.operations import ensure_area
    from pulse.extensions import db
    from pulse.models import Area
    from tests.pulse.officer.conftest import square

    with app.app_context():
        borough = db.session.query(Area).filter_by(code=workspace.borough).one()
        for i in range(60):
            ward = ensure_area(f"X{i:03d}", f"Zz ward {i:03d}", "ward", borough)
            ward.boundary = square(-0.1 + i * 0.01, 51.3)
        db.session.commit()
    auth.login("officer", areas=[workspace.borough])
    first = client.get("/officer/?kind=quarter").get_data(as_text=True)
    assert "Zz ward 059</a>" not in first and "<title>Zz ward 059 (X059)" in first
    second = client.get("/officer/?kind=quarter&page=2").get_data(as_text=True)
    assert "Zz ward 059</a>" in second and "Zz ward 000</a>" not in second
    assert re.search(r"areas 51 to \d+ of \d+", second)
    for bad, offered in (("0", 1), ("3", 2), ("99999", 2), ("two", 1)):
        response = client.get(f"/officer/?kind=quarter&page={bad}")
        assert response.status_code == 400 and b"page" in response.data
        # The error page offers a page that exists, with the same filters.
        assert f'href="/officer/?kind=quarter&amp;page={offered}"' in response.get_data(
            as_text=True), bad


def test_staff_navigation_links_comments_and_labelling(auth, client, workspace):
    auth.login("viewer", areas=[workspace.borough])
    nav = client.get("/officer/").get_data(as_text=True).split('<nav class="staffnav"')[1]
    nav = nav.split("</nav>")[0]
    assert 'href="/officer/comments"' in nav and 'href="/officer/labelling"' not in nav
    auth.logout()
    auth.login("officer", areas=[workspace.borough])
    nav = client.get("/officer/").get_data(as_text=True).split('<nav class="staffnav"')[1]
    assert 'href="/officer/comments"' in nav and 'href="/officer/labelling"' in nav


def test_area_names_are_escaped_in_the_python_built_table_and_map(app, auth, client, workspace):
    from pulse.areas.operations import ensure_area
    from pulse.extensions import db
    from pulse.models import Area
    from tests.pulse.officer.conftest import square

    with app.app_context():
        borough = db.session.query(Area).filter_by(code=workspace.borough).one()
        ensure_area("X<b>1", XSS, "ward", borough).boundary = square(-0.2, 51.3)
        db.session.commit()
    auth.login("officer", areas=[workspace.borough])
    page = client.get("/officer/?kind=quarter").get_data(as_text=True)
    assert XSS not in page and "<script>" not in page and "X<b>1" not in page
    assert "&lt;script&gt;alert(" in page and 'href="/officer/area/X%3Cb%3E1"' in page


def test_staff_error_pages_lead_back_to_the_workspace(auth, client, workspace):
    """A refused staff request offers the way back to the workspace, not the residents' survey."""
    auth.login("officer", areas=[workspace.ward_a])
    for url in (f"/officer/area/{workspace.other_ward}", "/officer/?kind=quarter&period=1999-Q1",
                "/admin/"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="/officer/">Back to your areas</a>' in page, url
        assert "Go to the start" not in page, url
    resident = client.get("/s/NOPE").get_data(as_text=True)
    assert "Go to the start" in resident and "Back to your areas" not in resident


def _legend(page: str) -> str:
    """The heading of the overview map's legend (the bold text under the map)."""
    found = re.search(r'<text x="10" y="\d+" font-size="14" font-weight="bold">([^<]+)</text>',
                      page)
    assert found, "the map has no legend"
    return found[1]


def test_map_legend_gives_the_measure_s_unit_with_or_without_figures(app, auth, client, tree):
    """Trust is a score 0-100 and 'good job' a percentage, on a map with no figures too."""
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area
    from tests.pulse.officer.conftest import add_estimate, square

    with app.app_context():
        areas = {a.code: a for a in db.session.scalars(select(Area))}
        areas[tree.ward_a].boundary = square(-0.03, 51.42)
        # The period has a figure for safety after dark only: every other measure's map is
        # empty (a measure added to the survey later, or not asked in this period).
        for code in (tree.borough, tree.ward_a):
            add_estimate(areas[code].id, "2026-Q4", "quarter", 2026 * 12 + 11, "safe_night", 61)
        db.session.commit()
    auth.login("officer", areas=[tree.borough])
    for measure, legend in (("safe_night", "Safety (after dark) (score 0-100)"),
                            ("trust", "Trust (composite) (score 0-100)"),
                            ("good_job", "Good job (percent)"),
                            ("relied_on", "Relied on (percent)")):
        page = client.get(f"/officer/?kind=quarter&measure={measure}").get_data(as_text=True)
        assert "Figures for 2026-Q4" in page
        assert _legend(page) == legend


def test_period_choices_stop_at_the_first_period_with_figures(auth, client, workspace):
    """Quarters stored from 2026-Q3: the list offers those two, not 36 quarters of empty
    pages; a period before them is refused as having no figures."""
    auth.login("analyst", areas=[workspace.borough])
    page = client.get("/officer/?kind=quarter").get_data(as_text=True)
    offered = re.findall(r'<option value="(\d{4}-Q\d)"', page)
    assert offered == ["2026-Q4", "2026-Q3"]
    refused = client.get("/officer/?kind=quarter&period=2026-Q2")
    assert refused.status_code == 400
    assert "There are no figures for the period" in refused.get_data(as_text=True)
    months = re.findall(r'<option value="(\d{4}-\d\d)"',
                        client.get("/officer/?kind=month").get_data(as_text=True))
    assert months[0] == "2026-12" and months[-1] == "2026-01" and len(months) == 12


KIND_PAGES = (("/officer/", "r12"), ("/officer/area/E05000437", "month"),
              ("/officer/area/E05000437/priorities", "quarter"))
KIND_WORDS = {"r12": "rolling year", "month": "month", "quarter": "quarter"}


@pytest.mark.parametrize(("page", "default"), KIND_PAGES)
def test_an_unknown_period_type_is_refused_with_the_choices(auth, client, workspace, page,
                                                            default):
    """Every page answers an unknown ?kind= alike: a 400 naming the choices, linking to the
    same page at its own period type; absent or empty, the page's documented default."""
    auth.login("analyst", areas=[workspace.borough])
    for bad in ("weekly", "Month", "r12 ", "<b>x</b>"):
        response = client.get(page, query_string={"kind": bad, "topic": "", "page": "1"})
        assert response.status_code == 400, (page, bad)
        text = response.get_data(as_text=True)
        assert "There is no period type called" in text and "<b>x" not in text
        assert "Choose month, quarter or r12 (rolling year)." in text
        assert f'href="{page}?topic=&amp;page=1">Show the {KIND_WORDS[default]} figures</a>' in text
    for absent in ("", None):
        shown = client.get(page, query_string={"kind": absent} if absent is not None else {})
        assert shown.status_code == 200
        assert f'<option value="{default}" selected>' in shown.get_data(as_text=True)


def test_a_form_with_an_unknown_period_type_saves_nothing(app, auth, client, priority_comments):
    from sqlalchemy import func, select

    from pulse.extensions import db
    from pulse.models import Action, PriorityDecision
    from tests.support import csrf_from

    comments = priority_comments
    auth.login("officer", areas=[comments.borough])
    page = f"/officer/area/{comments.borough}/priorities"
    token = csrf_from(client, page + "?kind=quarter")
    refused = client.post(page, data={"csrf_token": token, "kind": "weekly",
                                      "area": comments.ward_a, "topic": "asb",
                                      "decision": "accept", "owner": "Sgt Patel"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "There is no period type called" in text
    assert f'href="{page}">Show the quarter figures</a>' in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Action)) == 0
        assert db.session.scalar(select(func.count()).select_from(PriorityDecision)) == 0
    saved = client.post(page, data={"csrf_token": token, "kind": "quarter",
                                    "area": comments.ward_a, "topic": "asb",
                                    "decision": "accept", "owner": "Sgt Patel"})
    assert saved.status_code == 303
    with app.app_context():
        action_id = db.session.scalar(select(Action.id))
    edit = client.post(f"/officer/actions/{action_id}", data={
        "csrf_token": token, "page": comments.borough, "kind": "fortnight", "status": "done",
        "notes": "", "public_text": ""})
    assert edit.status_code == 400
    assert f'href="{page}">Show the quarter figures</a>' in edit.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Action, action_id).status != "done"
