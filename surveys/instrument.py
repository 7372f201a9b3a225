"""Instrument definitions: questions with stable codes, wording per language, and composites.

An :class:`Instrument` is an immutable value. The database keeps every published version;
this module only describes one version and knows nothing about storage.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .scales import SCALES, Scale

#: Question kinds. ``scale`` questions carry a scale code (s10, agree5, rate5).
SCALE = "scale"
CHOICE = "choice"
TEXT = "text"
KINDS = (SCALE, CHOICE, TEXT)

PREFER_NOT = "prefer_not"


@dataclass(frozen=True)
class Option:
    """One answer of a single-choice question."""

    value: str
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class Question:
    code: str
    kind: str
    wording: dict[str, str]
    optional: bool = False
    scale: str | None = None
    options: tuple[Option, ...] = ()
    # Extra text per language: the ends of a 0-10 scale, or a hint under the question.
    hint: dict[str, str] = field(default_factory=dict)
    anchors: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Demographic questions are stored on the response (for weighting), not as answers.
    demographic: bool = False
    max_length: int = 1000

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown question kind {self.kind!r}")
        if self.kind == SCALE and self.scale not in SCALES:
            raise ValueError(f"question {self.code}: unknown scale {self.scale!r}")
        if self.kind == CHOICE and not self.options:
            raise ValueError(f"question {self.code}: a choice question needs options")
        if "en" not in self.wording:
            raise ValueError(f"question {self.code}: English wording is required")

    @property
    def scale_def(self) -> Scale:
        assert self.scale is not None
        return SCALES[self.scale]

    def text(self, language: str) -> str:
        return self.wording.get(language) or self.wording["en"]

    def hint_text(self, language: str) -> str:
        return self.hint.get(language) or self.hint.get("en", "")

    def anchor_text(self, language: str) -> tuple[str, str] | None:
        return self.anchors.get(language) or self.anchors.get("en")

    def option_values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Composite:
    """A measure computed per respondent from other questions (e.g. trust = mean of two)."""

    code: str
    method: str  # only "mean" for now
    of: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Instrument:
    code: str
    title: dict[str, str]
    questions: tuple[Question, ...]
    composites: tuple[Composite, ...] = ()
    languages: tuple[str, ...] = ("en",)

    def __post_init__(self) -> None:
        codes = [q.code for q in self.questions]
        if len(codes) != len(set(codes)):
            raise ValueError("question codes must be unique within an instrument")
        known = set(codes)
        for c in self.composites:
            missing = set(c.of) - known
            if missing:
                raise ValueError(f"composite {c.code} uses unknown questions {sorted(missing)}")

    def question(self, code: str) -> Question:
        for q in self.questions:
            if q.code == code:
                return q
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(q.code for q in self.questions)

    def title_text(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]
