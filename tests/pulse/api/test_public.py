"""Public routes: paging, filters, suppression, conditional GETs, CORS and the error format."""
from __future__ import annotations

import re

from sqlalchemy import update

ESTIMATE_FIGURES = ("n", "effective_n", "estimate", "std_error", "ci_low", "ci_high", "change",
                    "change_significant", "modelled_estimate")


def _links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])}


def test_areas_page_through_with_link_headers(client, tree):
    first = client.get("/api/v1/areas?per_page=4")
    body = first.get_json()
    assert body["total"] == 6 and body["page"] == 1 and len(body["items"]) == 4
    assert [a["code"] for a in body["items"]] == sorted(a["code"] for a in body["items"])
    assert "boundary" not in body["items"][0]
    links = _links(first)
    assert set(links) == {"first", "last", "next"} and links["next"] == body["next"]
    second = client.get(links["next"]).get_json()
    assert second["next"] is None and len(second["items"]) == 2
    codes = {a["code"] for a in body["items"] + second["items"]}
    assert codes == {tree.borough, tree.ward_a, tree.ward_a_child, tree.ward_b,
                     tree.other_borough, tree.other_ward}
    wards = client.get(f"/api/v1/areas?parent={tree.borough}").get_json()["items"]
    assert {a["code"] for a in wards} == {tree.ward_a, tree.ward_b}
    assert all(a["parent"] == tree.borough and a["level"] == "ward" for a in wards)


def test_per_page_above_the_cap_is_refused_with_a_reason(client, tree):
    response = client.get("/api/v1/areas?per_page=201")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert "per_page" in problem["detail"] and problem["type"] == "about:blank"


def test_boundaries_on_request_and_retired_areas_gone(app, client, workspace):
    with_shapes = client.get("/api/v1/areas?include=boundary&per_page=200").get_json()["items"]
    by_code = {a["code"]: a for a in with_shapes}
    assert by_code[workspace.ward_a]["boundary"]["type"] == "Polygon"
    assert by_code[workspace.borough]["boundary"] is None
    one = client.get(f"/api/v1/areas/{workspace.ward_a}").get_json()
    assert one["boundary"] == by_code[workspace.ward_a]["boundary"]
    assert one["parent"] == workspace.borough
    from datetime import UTC, datetime

    from pulse.extensions import db
    from pulse.models import Area

    with app.app_context():
        db.session.execute(update(Area).where(Area.code == workspace.ward_b)
                           .values(retired_at=datetime.now(UTC)))
        db.session.commit()
    assert client.get(f"/api/v1/areas/{workspace.ward_b}").status_code == 404
    codes = {a["code"] for a in client.get("/api/v1/areas").get_json()["items"]}
    assert workspace.ward_b not in codes


def test_estimates_filters_and_suppressed_cells(client, workspace):
    q4 = client.get(f"/api/v1/estimates?area={workspace.ward_a}&period=2026-Q4&measure=trust")
    [trust] = q4.get_json()["items"]
    assert trust["estimate"] == 50 and trust["change"] == -12 and trust["change_significant"]
    assert trust["suppressed"] is False and trust["reason"] is None and trust["n"] == 120
    hidden = client.get(f"/api/v1/estimates?area={workspace.ward_b}&per_page=200").get_json()
    assert hidden["total"] == 10
    for cell in hidden["items"]:
        assert cell["suppressed"] and cell["reason"] == "fewer than 10 responses"
        assert all(cell[f] is None for f in ESTIMATE_FIGURES), cell
    groups = client.get("/api/v1/estimates?group=age_band=65%2B&per_page=200").get_json()["items"]
    assert groups and all(g["group"] == "age_band=65+" and g["estimate"] is None for g in groups)
    # A period label is read in any of its forms, and filters combine.
    r12 = client.get(f"/api/v1/estimates?area={workspace.ward_a}&period=R12-2026-12&kind=r12")
    assert {c["group"] for c in r12.get_json()["items"]} == {"all", "age_band=16-24", "age_band=65+"}


def test_a_cell_under_the_minimum_never_shows_a_figure_even_if_stored_unsuppressed(app, client, workspace):
    """Defence in depth: a row written wrongly (n=9, not flagged) still publishes nothing."""
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    with app.app_context():
        ward = db.session.scalar(db.select(Area.id).where(Area.code == workspace.ward_a))
        db.session.execute(update(Estimate).where(Estimate.area_id == ward,
                                                  Estimate.period == "2026-Q3")
                           .values(n=9))
        db.session.commit()
    cells = client.get(f"/api/v1/estimates?area={workspace.ward_a}&period=2026-Q3").get_json()
    assert cells["items"] and all(c["estimate"] is None and c["n"] is None and c["suppressed"]
                                  for c in cells["items"])


def test_etag_and_last_modified_give_304_until_the_data_change(app, client, workspace):
    url = f"/api/v1/estimates?area={workspace.ward_a}&period=2026-Q4"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    from datetime import UTC, datetime, timedelta

    from pulse.extensions import db
    from pulse.models import Estimate

    with app.app_context():
        db.session.execute(update(Estimate).where(Estimate.period == "2026-Q4").values(
            estimate=Estimate.estimate + 1,
            computed_at=datetime.now(UTC) + timedelta(minutes=5)))
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200


def test_public_reads_allow_any_origin_and_set_no_cookie(client, workspace):
    response = client.get("/api/v1/areas", headers={"Origin": "https://dashboard.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, no-cache"


def test_topic_shares_are_the_officer_pages_with_small_months_withheld(client, api_data):
    body = client.get(f"/api/v1/topics/shares?area={api_data.ward_a}").get_json()
    months = {i["period"]: i for i in body["items"]}
    assert months["2026-11"]["shares"] == {"asb": 1.0} and not months["2026-11"]["suppressed"]
    # Four comments in October: under the minimum of ten.
    assert months["2026-10"] == {"period": "2026-10", "suppressed": True,
                                 "reason": "fewer than 10 comments", "shares": None}
    assert body["topics"]["litter"] == "Litter & fly-tipping"
    # The borough's shares include its wards' comments, as on the officer page.
    borough = client.get(f"/api/v1/topics/shares?area={api_data.borough}").get_json()
    assert borough["items"] == body["items"]
    one = client.get(f"/api/v1/topics/shares?area={api_data.ward_a}&period=2026-11").get_json()
    assert [i["period"] for i in one["items"]] == ["2026-11"]
    assert client.get("/api/v1/topics/shares").status_code == 400


def test_topic_shares_follow_a_raised_minimum(app, client, api_data):
    """With PULSE_MIN_RESPONSES at 20, November's 12 comments publish no shares: at once for
    shares stored under 10, and after the job stores them again; the reason names 20."""
    from pulse.extensions import db
    from pulse.text.shares import store_topic_shares

    url = f"/api/v1/topics/shares?area={api_data.ward_a}"
    app.config["PULSE_MIN_RESPONSES"] = 20
    for stored_again in (False, True):
        if stored_again:
            with app.app_context():
                store_topic_shares()
                db.session.commit()
        items = client.get(url).get_json()["items"]
        assert [i["period"] for i in items] == ["2026-10", "2026-11"]
        assert items[1]["shares"] is None and items[1]["suppressed"]       # 12 < 20
        for item in items:
            assert item == {"period": item["period"], "suppressed": True,
                            "reason": "fewer than 20 comments", "shares": None}


def test_actions_are_what_residents_read_and_nothing_more(client, api_data):
    response = client.get(f"/api/v1/actions?area={api_data.ward_a}")
    text = response.get_data(as_text=True)
    items = response.get_json()["items"]
    assert {i["text"] for i in items} == {"Extra patrols by the shops on Friday nights",
                                          "A borough-wide youth outreach team"}
    for secret in ("PRIVATE", "DROPPED", "NOTES-SECRET", "OWNER-NAME", "TITLE", "Blackheath"):
        assert secret not in text
    # The same list as the resident page.
    page = client.get(f"/s/{api_data.ward_a}/you-said-we-did").get_data(as_text=True)
    assert all(i["text"] in page for i in items)


def test_unknown_paths_and_methods_under_the_api_are_problems(client):
    for response, status in ((client.get("/api/v1/nothing-here"), 404),
                             (client.get("/api/v1/"), 404),
                             (client.post("/api/v1/areas"), 405),
                             (client.get("/api/v1/responses"), 405)):
        assert response.status_code == status
        assert response.mimetype == "application/problem+json"
        assert set(response.get_json()) >= {"type", "title", "status", "detail"}


def test_an_unexpected_error_is_a_500_problem(app, client, monkeypatch, tree):
    from pulse.api import queries

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "areas", broken)
    response = client.get("/api/v1/areas")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "boom" not in response.get_data(as_text=True)
