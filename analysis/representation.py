"""Whom a collection is missing: each group's share of responses beside its share of residents.

Plain data in, plain rows out. Margins are one-way totals (age band; sex), so the population
share of an age band x sex cell is the product of the two one-way shares: an approximation that
assumes age and sex are independent within the area, said as much on the page that shows it.
Responses whose age band or sex is not stated are counted in the total but in no cell, so
shares of responses can add up to less than 100%.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from surveys.core import AGE_BANDS, SEXES

#: Words for the table ("Men 16-24"); the third sex category is shown as residents describe it.
SEX_WORDS = {"female": "Women", "male": "Men", "other": "People of another sex"}


@dataclass(frozen=True)
class GroupShare:
    age_band: str
    sex: str
    responses: int
    response_share: float          # 0..1 of all responses
    population_share: float | None  # 0..1, None when the margins are missing

    @property
    def label(self) -> str:
        return f"{SEX_WORDS.get(self.sex, self.sex)} {self.age_band}"

    @property
    def gap(self) -> float | None:
        """Negative when the group is under-represented (points of share, 0..1)."""
        if self.population_share is None:
            return None
        return self.response_share - self.population_share

    def sentence(self) -> str:
        said = f"{self.label}: {self.response_share:.0%} of responses"
        if self.population_share is None:
            return said + ", no population figures"
        return said + f", {self.population_share:.0%} of residents"


def _shares(counts: Mapping[str, float], categories: Iterable[str]) -> dict[str, float] | None:
    wanted = {c: float(counts.get(c, 0) or 0) for c in categories}
    total = sum(wanted.values())
    if total <= 0:
        return None
    return {c: v / total for c, v in wanted.items()}


def representation(responses: Iterable[tuple[str | None, str | None]],
                   margins: Mapping[str, Mapping[str, float]]) -> list[GroupShare]:
    """One row per age band x sex, most under-represented first.

    ``responses`` holds (age_band, sex) per counted response; ``margins`` maps a dimension
    ("age_band", "sex") to {category: population}.
    """
    counts: dict[tuple[str, str], int] = {}
    total = 0
    for age, sex in responses:
        total += 1
        if age in AGE_BANDS and sex in SEXES:
            counts[(age, sex)] = counts.get((age, sex), 0) + 1
    ages = _shares(margins.get("age_band", {}), AGE_BANDS)
    sexes = _shares(margins.get("sex", {}), SEXES)
    rows = []
    for age in AGE_BANDS:
        for sex in SEXES:
            pop = ages[age] * sexes[sex] if ages is not None and sexes is not None else None
            n = counts.get((age, sex), 0)
            rows.append(GroupShare(age, sex, n, n / total if total else 0.0, pop))
    # Groups with no residents at all tell nobody anything; keep them out of the table.
    rows = [r for r in rows if r.population_share is None or r.population_share > 0 or r.responses]
    return sorted(rows, key=lambda r: (r.gap is None, r.gap if r.gap is not None else 0.0,
                                       AGE_BANDS.index(r.age_band), SEXES.index(r.sex)))


def progress(count: int, target: int | None) -> float | None:
    """Share of the target reached (0..1, capped), or None without a target."""
    if not target or target <= 0:
        return None
    return min(1.0, count / target)
