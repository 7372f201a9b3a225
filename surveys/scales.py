"""Answer scales and how a submitted value is read against them."""
from __future__ import annotations

from dataclasses import dataclass

DONT_KNOW = "dk"


@dataclass(frozen=True)
class Scale:
    """A closed answer scale: the integer values it accepts and what each one means."""

    code: str
    values: tuple[int, ...]
    # Labels per language, then per value. A 0-10 scale labels only its two ends,
    # which the question supplies (the ends differ by question).
    labels: dict[str, dict[int, str]]
    # Values that count as the "positive" end when a proportion is published
    # (strongly + tend to agree; excellent + good).
    positive: tuple[int, ...] = ()

    def label(self, value: int, language: str) -> str:
        by_value = self.labels.get(language) or self.labels.get("en", {})
        return by_value.get(value, str(value))

    @property
    def minimum(self) -> int:
        return self.values[0]

    @property
    def maximum(self) -> int:
        return self.values[-1]


S10 = Scale(
    code="s10",
    values=tuple(range(0, 11)),
    labels={},
)
AGREE5 = Scale(
    code="agree5",
    values=(1, 2, 3, 4, 5),
    labels={
        "en": {
            5: "Strongly agree",
            4: "Tend to agree",
            3: "Neither agree nor disagree",
            2: "Tend to disagree",
            1: "Strongly disagree",
        },
        "cy": {
            5: "Cytuno\u2019n gryf",
            4: "Tueddu i gytuno",
            3: "Ddim yn cytuno nac yn anghytuno",
            2: "Tueddu i anghytuno",
            1: "Anghytuno\u2019n gryf",
        },
    },
    positive=(4, 5),
)
RATE5 = Scale(
    code="rate5",
    values=(1, 2, 3, 4, 5),
    labels={
        "en": {5: "Excellent", 4: "Good", 3: "Fair", 2: "Poor", 1: "Very poor"},
        "cy": {5: "Ardderchog", 4: "Da", 3: "Gweddol", 2: "Gwael", 1: "Gwael iawn"},
    },
    positive=(4, 5),
)

SCALES: dict[str, Scale] = {s.code: s for s in (S10, AGREE5, RATE5)}
