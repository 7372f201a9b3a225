"""Read raw submitted values against an instrument.

Every value arrives as a string (a form field, a CSV cell, a JSON member). The result is either
a clean value or an :class:`AnswerError` with a machine-readable ``reason`` that the web layer
turns into a translated message beside the field.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from .instrument import CHOICE, SCALE, TEXT, Instrument, Question
from .scales import DONT_KNOW

# Reasons, in the order a person would want them explained.
REQUIRED = "required"
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"
NOT_AN_OPTION = "not_an_option"
TOO_LONG = "too_long"
UNKNOWN_QUESTION = "unknown_question"
CONTROL_CHARACTERS = "control_characters"

_INTEGER = re.compile(r"[+-]?[0-9]{1,6}")
_SURROGATE = re.compile("[\ud800-\udfff]")


class AnswerError(ValueError):
    def __init__(self, code: str, reason: str, detail: str = "") -> None:
        self.code = code
        self.reason = reason
        self.detail = detail
        super().__init__(f"{code}: {reason}{' (' + detail + ')' if detail else ''}")


@dataclass(frozen=True)
class Answer:
    """A valid answer: exactly one of ``value``, ``text`` or ``dont_know`` is set."""

    code: str
    value: int | None = None
    text: str | None = None
    choice: str | None = None
    dont_know: bool = False


@dataclass
class Submission:
    answers: dict[str, Answer] = field(default_factory=dict)
    demographics: dict[str, str] = field(default_factory=dict)
    errors: dict[str, AnswerError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean_text(question: Question, raw: str) -> str:
    # Normalise line endings and strip the control characters that break exports and logs;
    # a NUL byte is rejected outright (PostgreSQL cannot store it), and so is a lone surrogate
    # (a JSON body can carry "\ud800", which no database encoding can store).
    if "\x00" in raw or _SURROGATE.search(raw):
        raise AnswerError(question.code, CONTROL_CHARACTERS)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text
                   if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if len(text) > question.max_length:
        raise AnswerError(question.code, TOO_LONG, str(question.max_length))
    return text


def parse_answer(question: Question, raw: str | None) -> Answer | None:
    """Return the answer ``raw`` gives to ``question``; None when left blank and optional."""
    value = (raw or "").strip()
    if question.kind == TEXT:
        text = _clean_text(question, raw or "")
        if not text:
            if question.optional:
                return None
            raise AnswerError(question.code, REQUIRED)
        return Answer(question.code, text=text)
    if not value:
        if question.optional:
            return None
        raise AnswerError(question.code, REQUIRED)
    if question.kind == CHOICE:
        if value not in question.option_values():
            raise AnswerError(question.code, NOT_AN_OPTION, value[:40])
        return Answer(question.code, choice=value)
    assert question.kind == SCALE
    if value.lower() == DONT_KNOW:
        return Answer(question.code, dont_know=True)
    # Only plain ASCII digits: int() would also take "1_0" or other scripts' digits, which
    # no form offers and an export should never meet.
    if not _INTEGER.fullmatch(value):
        raise AnswerError(question.code, NOT_A_NUMBER, value[:40])
    number = int(value)
    scale = question.scale_def
    if number not in scale.values:
        raise AnswerError(question.code, OUT_OF_RANGE, f"{scale.minimum}-{scale.maximum}")
    return Answer(question.code, value=number)


def validate_submission(instrument: Instrument, raw: Mapping[str, str | None],
                        *, ignore: frozenset[str] = frozenset()) -> Submission:
    """Validate every question of ``instrument`` in ``raw``; collect every error, not the first.

    Keys that are neither question codes nor in ``ignore`` are unknown question codes: they are
    reported, because silently dropping them would lose what someone meant to send.
    """
    result = Submission()
    known = set(instrument.codes)  # once, not per key: imports validate tens of thousands of rows
    for key in raw:
        if key not in ignore and key not in known:
            result.errors[key] = AnswerError(key, UNKNOWN_QUESTION)
    for question in instrument.questions:
        try:
            answer = parse_answer(question, raw.get(question.code))
        except AnswerError as err:
            result.errors[question.code] = err
            continue
        if answer is None:
            continue
        if question.demographic:
            assert answer.choice is not None
            result.demographics[question.code] = answer.choice
        else:
            result.answers[question.code] = answer
    return result
