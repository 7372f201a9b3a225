"""analysis.representation: shares of responses beside shares of residents (plain Python)."""
from __future__ import annotations

import pytest

from analysis.representation import progress, representation

MARGINS = {"sex": {"female": 60, "male": 40},
           "age_band": {"16-24": 50, "25-34": 50}}


def test_shares_and_most_missing_first():
    rows = representation([("25-34", "female")] * 3 + [("16-24", "female"), (None, "male")], MARGINS)
    by = {r.label: r for r in rows}
    assert by["Men 16-24"].population_share == pytest.approx(0.2)
    assert by["Men 16-24"].response_share == 0
    assert by["Women 25-34"].response_share == pytest.approx(0.6)
    assert rows[0].gap <= rows[1].gap <= rows[-1].gap
    assert by["Men 16-24"].sentence() == "Men 16-24: 0% of responses, 20% of residents"
    # Age bands with no residents and no responses are left out.
    assert "Women 65+" not in by


def test_without_margins_shares_are_unknown():
    rows = representation([("16-24", "male")], {})
    assert all(r.population_share is None for r in rows)
    assert next(r for r in rows if r.label == "Men 16-24").sentence().endswith("no population figures")


def test_progress_against_target():
    assert progress(5, 10) == 0.5
    assert progress(15, 10) == 1.0
    assert progress(5, None) is None and progress(5, 0) is None
