"""An area with 9 responses, aggregated for real: the API publishes no figure for it, and no
count from which its responses could be worked out (issue 7's privacy promise, API side)."""
from __future__ import annotations

from tests.pulse.estimates.support import BOROUGH, WARDS, seed_small_ward

SMALL = WARDS[4]
FIGURES = ("n", "effective_n", "estimate", "std_error", "ci_low", "ci_high", "change",
           "modelled_estimate")


def _all(client, query: str) -> list[dict]:
    items, url = [], f"/api/v1/estimates?{query}&per_page=200"
    while url:
        body = client.get(url).get_json()
        items += body["items"]
        url = body["next"]
    return items


def test_nine_responses_publish_no_figure_through_the_api(app, client):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db

    with app.app_context():
        seed_small_ward(9)
        aggregate(full=True)
        db.session.commit()
    app.config["PULSE_API_LIMIT"] = "100000 per minute"

    small = _all(client, f"area={SMALL}")
    assert small, "the small area's cells are listed, suppressed"
    for cell in small:
        assert cell["suppressed"] and cell["reason"], cell
        assert all(cell[f] is None for f in FIGURES), cell
    # Its parent publishes, but not a count that, less its other wards, gives the nine.
    wards = {w: _all(client, f"area={w}&group=all&kind=r12") for w in WARDS[:4]}
    borough = _all(client, f"area={BOROUGH}&group=all&kind=r12")
    assert any(c["estimate"] is not None for c in borough)
    checked = 0
    for cell in borough:
        if cell["n"] is None:
            continue
        checked += 1
        same = [next((c for c in wards[w] if c["period"] == cell["period"]
                      and c["measure"] == cell["measure"]), None) for w in WARDS[:4]]
        published = [c["n"] for c in same if c is not None]
        assert None in published or cell["n"] - sum(published) not in range(1, 10), cell
    assert checked > 0
