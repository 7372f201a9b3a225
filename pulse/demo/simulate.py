"""Simulated survey responses for the demo, shaped like the real MOPAC PAS Lewisham series.

Plain Python (no Flask, no database): plain values in, plain values out, one fixed seed.
Each respondent has a general attitude to the police and a general sense of safety; every
answer is a noisy reading of one of them, moved by the month's borough level, the ward, the
respondent's age, sex and ethnic group. The borough level of each police measure is the PAS
proportion for that month (interpolated between quarters, the last simulated month standing
for the last quarter of the series), so a representative sample reproduces the PAS figures
while the skewed sample drawn here does not: weighting has work to do.
"""
from __future__ import annotations

import calendar
import csv
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import NormalDist

from surveys.core import AGE_BANDS, ETHNICITIES

from .texts import comment

#: PAS measure -> our question code. PAS has no "respect" column; "Trust MPS" stands in for it,
#: so our trust composite (mean of respect and listen) moves with PAS trust and listening.
PAS_MEASURES = {
    '"Good Job" local': "good_job",
    "Listen to concerns": "listen",
    "Treat everyone fairly": "fair",
    "Relied on to be there": "relied_on",
    "Understand issues": "things_that_matter",
    "Informed local": "informed",
    "Trust MPS": "respect",
}
POLICE = tuple(PAS_MEASURES.values())
SAFETY = ("safe_day", "safe_night")
#: Illustrative shares feeling safe (6+ out of 10); the PAS file has no safety column.
SAFE_LEVELS = {"safe_day": 0.88, "safe_night": 0.62}
SCALES = {"safe_day": "s10", "safe_night": "s10", "respect": "s10", "listen": "s10", "fair": "s10",
          "relied_on": "agree5", "things_that_matter": "agree5", "informed": "agree5",
          "good_job": "rate5"}
#: Share answering "don't know", by question.
DONT_KNOW = {"safe_day": 0.005, "safe_night": 0.01, "respect": 0.03, "listen": 0.04, "fair": 0.05,
             "relied_on": 0.06, "things_that_matter": 0.07, "informed": 0.03, "good_job": 0.04}

#: Adults (16+) by age band in a London borough, roughly: young adults dominate.
POPULATION_AGE = (0.13, 0.24, 0.20, 0.16, 0.13, 0.14)
#: Who answers: older people far more than their share, young adults far less.
SAMPLE_AGE = (0.05, 0.13, 0.17, 0.20, 0.21, 0.24)
POPULATION_ETHNICITY = {"asian": 0.09, "black": 0.27, "mixed": 0.08, "white": 0.52, "other": 0.04}
SAMPLE_ETHNICITY = {"asian": 0.08, "black": 0.19, "mixed": 0.07, "white": 0.61, "other": 0.05}
#: Effects on the latent scales (in standard deviations): older people trust the police more,
#: young and Black residents less; women feel less safe after dark.
AGE_POLICE = (-0.30, -0.15, -0.05, 0.0, 0.12, 0.30)
ETHNICITY_POLICE = {"asian": 0.05, "black": -0.30, "mixed": -0.15, "white": 0.08, "other": 0.0}
AGE_NIGHT = (0.10, 0.05, 0.0, 0.0, -0.10, -0.30)
SEX_NIGHT = {"female": -0.25, "male": 0.25, "other": -0.1}

#: Relative number of responses per ward; three small wards stay under 10 a month.
WARD_VOLUME = {"Bellingham": 1.4, "Grove Park": 0.28, "Whitefoot": 0.3, "Downham": 0.35,
               "Lewisham Central": 1.5, "Brockley": 1.3, "Blackheath": 1.2, "Forest Hill": 1.2}
#: Known differences in feeling safe (illustrative): busy town centres feel less safe at night.
WARD_SAFETY = {"Blackheath": 0.35, "Grove Park": 0.2, "Crofton Park": 0.15, "Lewisham Central": -0.3,
               "New Cross": -0.25, "Rushey Green": -0.25, "Evelyn": -0.15, "Bellingham": -0.1}
#: The story the demo tells: trust in Bellingham falls sharply over the last three months.
FALLING_WARD = "Bellingham"
FALL = {"respect": -0.85, "listen": -0.85, "fair": -0.35, "relied_on": -0.4, "good_job": -0.35}

PER_MONTH = 450  # responses across the borough in an ordinary month at scale 1


@dataclass(frozen=True)
class Ward:
    code: str
    name: str


@dataclass(frozen=True)
class SimResponse:
    """One simulated response, as raw strings the way a form or an import would send them."""

    area_code: str
    submitted_at: datetime
    language: str
    channel: str
    answers: dict[str, str]
    duration_seconds: int
    honeypot: str
    device_token: str
    # The random key a rendered form carries, as the web survey stores it.
    form_key: str = ""
    theme: str | None = None


def month_starts(end: date, months: int) -> list[date]:
    """First days of the ``months`` months ending with the month of ``end``."""
    index = end.year * 12 + end.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def last_complete_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def read_pas(lines: Iterable[str]) -> dict[str, list[tuple[int, float]]]:
    """PAS rows -> our code -> [(month index of the quarter's end, proportion)], in order."""
    series: dict[str, list[tuple[int, float]]] = {}
    for row in csv.DictReader(lines):
        code = PAS_MEASURES.get(row["measure"])
        if code is None or row["borough"] != "Lewisham":
            continue
        end = date.fromisoformat(row["quarter_end"])
        series.setdefault(code, []).append((end.year * 12 + end.month - 1, float(row["proportion"])))
    return {code: sorted(points) for code, points in series.items()}


def monthly_levels(series: dict[str, list[tuple[int, float]]], months: int) -> dict[str, list[float]]:
    """Each measure's proportion for each simulated month; the last one is the series' last."""
    last = max(points[-1][0] for points in series.values())
    out = {}
    for code, points in series.items():
        out[code] = [_interpolate(points, last - months + 1 + i) for i in range(months)]
    return out


def _interpolate(points: list[tuple[int, float]], x: int) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def population_margins(wards: list[Ward], seed: int) -> dict[str, dict[tuple[str, str], int]]:
    """Illustrative adult population by (age band, sex) for each ward."""
    rng = random.Random(f"margins-{seed}")
    out = {}
    for ward in wards:
        adults = rng.randint(11500, 15500)
        shares = [s * rng.uniform(0.85, 1.15) for s in POPULATION_AGE]
        total = sum(shares)
        cells = {}
        for band, share in zip(AGE_BANDS, shares):
            # Women outlive men: the oldest band is more female.
            female = 0.56 if band == "65+" else rng.uniform(0.49, 0.52)
            people = adults * share / total
            cells[(band, "female")] = round(people * female)
            cells[(band, "male")] = round(people * (1 - female))
        out[ward.code] = cells
    return out


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _pick(rng: random.Random, table: dict[str, float]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def _centre(effects: Iterable[float], shares: Iterable[float]) -> float:
    return sum(e * s for e, s in zip(effects, shares))


_NORMAL = NormalDist()
_AGE_POLICE_MEAN = _centre(AGE_POLICE, POPULATION_AGE)
_ETH_POLICE_MEAN = _centre(ETHNICITY_POLICE.values(), POPULATION_ETHNICITY.values())
_AGE_NIGHT_MEAN = _centre(AGE_NIGHT, POPULATION_AGE)


def _scale_value(scale: str, z: float) -> int:
    """Read a latent score onto a scale so that z > 0 lands on the "positive" answers."""
    if scale == "s10":
        return min(10, max(0, int(math.floor(5.5 + 2.3 * z + 0.5))))
    cuts = (1.1, 0.0, -0.6, -1.5) if scale == "agree5" else (1.3, 0.0, -0.8, -1.7)
    for value, cut in zip((5, 4, 3, 2), cuts):
        if z > cut:
            return value
    return 1


class Simulator:
    """Draws the demo's responses; ``run`` returns them in time order."""

    def __init__(self, wards: list[Ward], levels: dict[str, list[float]], months: list[date], *,
                 seed: int, scale: float = 1.0, fms: dict[str, list[str]] | None = None) -> None:
        if any(len(v) != len(months) for v in levels.values()):
            raise ValueError("one level per month is needed for every measure")
        self.wards, self.levels, self.months = wards, levels, months
        self.scale, self.fms = scale, fms or {}
        self.rng = random.Random(seed)
        rng = random.Random(f"wards-{seed}")
        self.volume = {w.code: WARD_VOLUME.get(w.name, 1.0) * rng.lognormvariate(0, 0.15)
                       for w in wards}
        self.police = {w.code: rng.gauss(0, 0.18) for w in wards}
        self.safety = {w.code: WARD_SAFETY.get(w.name, 0.0) + rng.gauss(0, 0.1) for w in wards}

    def run(self) -> list[SimResponse]:
        out: list[SimResponse] = []
        total_volume = sum(self.volume.values())
        for m, start in enumerate(self.months):
            # A slow rise as the survey becomes known, and month-to-month wobble.
            growth = 0.85 + 0.25 * m / max(1, len(self.months) - 1)
            borough = PER_MONTH * self.scale * growth * self.rng.uniform(0.9, 1.1)
            for ward in self.wards:
                n = _poisson(self.rng, borough * self.volume[ward.code] / total_volume)
                out.extend(self._respondent(ward, m, start) for _ in range(n))
        out.sort(key=lambda r: r.submitted_at)
        return out

    def _when(self, start: date) -> datetime:
        days = calendar.monthrange(start.year, start.month)[1]
        hour = self.rng.choices(range(24), weights=[1, 1, 0, 0, 0, 1, 2, 4, 6, 6, 6, 7, 8, 7, 6,
                                                    6, 7, 8, 9, 10, 10, 8, 5, 2])[0]
        return datetime(start.year, start.month, self.rng.randint(1, days), hour,
                        self.rng.randint(0, 59), self.rng.randint(0, 59), tzinfo=UTC)

    def _respondent(self, ward: Ward, m: int, start: date) -> SimResponse:
        rng = self.rng
        age = rng.choices(range(len(AGE_BANDS)), weights=SAMPLE_AGE)[0]
        sex = _pick(rng, {"female": 0.60, "male": 0.385, "other": 0.015})
        ethnicity = _pick(rng, SAMPLE_ETHNICITY)
        falling = ward.name == FALLING_WARD and m >= len(self.months) - 3
        attitude, safe = rng.gauss(0, 1), rng.gauss(0, 1)
        police_shift = (self.police[ward.code] + AGE_POLICE[age] - _AGE_POLICE_MEAN
                        + ETHNICITY_POLICE[ethnicity] - _ETH_POLICE_MEAN)
        winter = start.month in (11, 12, 1, 2)
        answers: dict[str, str] = {}
        latent: dict[str, float] = {}
        for code in POLICE:
            mu = _NORMAL.inv_cdf(self.levels[code][m]) + police_shift + (FALL.get(code, 0) if falling else 0)
            latent[code] = mu + math.sqrt(0.6) * attitude + math.sqrt(0.4) * rng.gauss(0, 1)
        for code in SAFETY:
            mu = _NORMAL.inv_cdf(SAFE_LEVELS[code]) + self.safety[ward.code]
            if code == "safe_night":
                mu += AGE_NIGHT[age] - _AGE_NIGHT_MEAN + SEX_NIGHT[sex] - (0.5 * SEX_NIGHT["female"] + 0.5 * SEX_NIGHT["male"])
                mu -= 0.12 if winter else 0.0
            latent[code] = mu + math.sqrt(0.5) * safe + math.sqrt(0.5) * rng.gauss(0, 1)
        straightline = rng.random() < 0.01
        extreme = rng.choice((0, 10))
        for code, scale in SCALES.items():
            if straightline:
                answers[code] = str(extreme if scale == "s10" else (5 if extreme else 1))
            elif rng.random() < DONT_KNOW[code]:
                answers[code] = "dk"
            else:
                answers[code] = str(_scale_value(scale, latent[code]))
        answers["age_band"] = self._maybe(AGE_BANDS[age], blank=0.05, refuse=0.02)
        answers["sex"] = self._maybe(sex, blank=0.04, refuse=0.02)
        answers["ethnicity"] = self._maybe(ethnicity, blank=0.06, refuse=0.05)
        language = "cy" if rng.random() < 0.03 else "en"
        theme = None
        if rng.random() < (0.55 if falling else 0.4):
            weights = None
            if falling:
                weights = {"police_response": 30, "drugs": 20, "asb": 20, "police_presence": 15,
                           "violence": 8, "lighting": 4, "litter": 3}
            theme, answers["top_issue"] = comment(rng, ward.name, language=language,
                                                  weights=weights, fms=self.fms)
        return SimResponse(
            area_code=ward.code, submitted_at=self._when(start), language=language,
            channel="qr" if rng.random() < 0.38 else "web", answers=answers,
            duration_seconds=self._duration(), honeypot="x" if rng.random() < 0.003 else "",
            device_token=f"{rng.getrandbits(128):032x}", form_key=f"{rng.getrandbits(128):032x}",
            theme=theme)

    def _maybe(self, value: str, *, blank: float, refuse: float) -> str:
        roll = self.rng.random()
        return "" if roll < blank else "prefer_not" if roll < blank + refuse else value

    def _duration(self) -> int:
        if self.rng.random() < 0.025:
            return self.rng.randint(3, 9)  # too fast to have read the questions
        return max(15, min(1800, round(self.rng.lognormvariate(math.log(95), 0.45))))
