"""The demo's simulation in plain Python: shaped like the PAS series, skewed, deterministic."""
from __future__ import annotations

import ast
import random
from collections import Counter
from datetime import date
from pathlib import Path
from statistics import mean

import pytest

from pulse.demo import simulate, texts
from pulse.demo.seed import DATA, _fms_texts, _wards

WARDS = _wards(DATA / "lewisham_wards_2013.geojson")
MONTHS = simulate.month_starts(date(2026, 10, 1), 12)


@pytest.fixture(scope="module")
def levels():
    with open(DATA / "pas_lewisham_quarterly.csv", encoding="utf-8", newline="") as fh:
        return simulate.monthly_levels(simulate.read_pas(fh), 12)


@pytest.fixture(scope="module")
def year(levels):
    return simulate.Simulator(WARDS, levels, MONTHS, seed=2023, fms=_fms_texts()).run()


def test_simulation_module_needs_no_flask():
    for name in ("simulate.py", "texts.py"):
        tree = ast.parse((Path(simulate.__file__).parent / name).read_text())
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in imported if m.split(".")[0] in ("flask", "sqlalchemy", "pulse")}


def test_months_end_last_month():
    assert simulate.last_complete_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert simulate.month_starts(date(2026, 2, 1), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_levels_follow_the_2023_pas_series(levels):
    # The last simulated month is Q4 2023; the one three months earlier is Q3 2023.
    assert levels["respect"][-1] == pytest.approx(0.56)   # Trust MPS, Dec 2023
    assert levels["respect"][-4] == pytest.approx(0.57)   # Sep 2023
    assert levels["listen"][-1] == pytest.approx(0.45)
    assert levels["good_job"][-1] == pytest.approx(0.45)
    assert levels["informed"][-1] == pytest.approx(0.22)
    # Between quarter ends the level moves linearly.
    assert levels["respect"][-2] == pytest.approx(0.56 + (0.57 - 0.56) / 3)
    assert set(levels) == set(simulate.PAS_MEASURES.values())


def test_same_seed_same_responses(levels):
    two = {code: values[-2:] for code, values in levels.items()}
    a = simulate.Simulator(WARDS, two, MONTHS[-2:], seed=7, scale=0.2).run()
    b = simulate.Simulator(WARDS, two, MONTHS[-2:], seed=7, scale=0.2).run()
    c = simulate.Simulator(WARDS, two, MONTHS[-2:], seed=8, scale=0.2).run()
    assert a == b and a != c


def test_volume_and_small_wards(year):
    per_month = Counter(r.submitted_at.strftime("%Y-%m") for r in year)
    assert len(per_month) == 12 and all(300 <= n <= 600 for n in per_month.values())
    per_ward_month = Counter((r.area_code, r.submitted_at.month) for r in year)
    small = {code for (code, _), n in per_ward_month.items() if n < 10}
    assert small and len(small) < len(WARDS) // 2


def test_respondents_are_older_and_more_female_than_residents(year):
    ages = Counter(r.answers["age_band"] for r in year if r.answers["age_band"] not in ("", "prefer_not"))
    total = sum(ages.values())
    assert ages["65+"] / total > 1.4 * simulate.POPULATION_AGE[-1]
    assert ages["16-24"] / total < 0.6 * simulate.POPULATION_AGE[0]
    sexes = Counter(r.answers["sex"] for r in year)
    assert sexes["female"] > 1.4 * sexes["male"]


def test_bellingham_trust_falls_in_the_last_quarter(year):
    def trust(rows):
        return mean((int(r.answers["respect"]) + int(r.answers["listen"])) / 2 for r in rows
                    if "dk" not in (r.answers["respect"], r.answers["listen"]))
    last, previous = MONTHS[-3:], MONTHS[-6:-3]
    bell = [r for r in year if r.area_code == "E05000437"]
    in_months = lambda rows, months: [r for r in rows if r.submitted_at.date().replace(day=1) in months]  # noqa: E731
    drop = trust(in_months(bell, previous)) - trust(in_months(bell, last))
    others = [r for r in year if r.area_code != "E05000437"]
    assert drop > 1.0
    assert abs(trust(in_months(others, previous)) - trust(in_months(others, last))) < 0.4


def test_the_mix_of_channels_languages_flags_and_comments(year):
    assert {r.channel for r in year} == {"web", "qr"}
    assert 0.01 < sum(r.language == "cy" for r in year) / len(year) < 0.06
    assert 0.01 < sum(r.duration_seconds < 10 for r in year) / len(year) < 0.05
    comments = [r.answers["top_issue"] for r in year if "top_issue" in r.answers]
    assert 0.35 < len(comments) / len(year) < 0.5
    assert len(set(comments)) > 0.85 * len(comments)
    themes = Counter(r.theme for r in year if r.theme)
    assert {"asb", "drugs", "lighting", "speeding", "police_presence", "litter", "welsh"} <= set(themes)


def test_comments_vary_and_read_like_sentences():
    rng = random.Random(1)
    made = [texts.comment(rng, "Catford South")[1] for _ in range(300)]
    assert len(set(made)) > 250
    assert all(3 < len(t) < 300 and "{" not in t and "  " not in t for t in made)


def test_margins_cover_every_ward_age_band_and_sex():
    cells = simulate.population_margins(WARDS, 2023)
    assert set(cells) == {w.code for w in WARDS}
    for table in cells.values():
        assert len(table) == 12 and 11000 < sum(table.values()) < 16000
        young = table[("25-34", "female")] + table[("25-34", "male")]
        old = table[("65+", "female")] + table[("65+", "male")]
        assert young > old and table[("65+", "female")] > table[("65+", "male")]
