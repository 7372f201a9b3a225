"""The survey domain's reading of submitted values: the rules every channel shares."""
from __future__ import annotations

import pytest

from surveys import validation as v
from surveys.core import CORE
from surveys.instrument import CHOICE, SCALE, TEXT, Composite, Instrument, Question
from tests.support import GOOD_ANSWERS


def q(code: str) -> Question:
    return CORE.question(code)


@pytest.mark.parametrize("raw,value", [("0", 0), ("10", 10), (" 7 ", 7)])
def test_s10_accepts_whole_numbers_zero_to_ten(raw, value):
    assert v.parse_answer(q("safe_day"), raw).value == value


@pytest.mark.parametrize("raw,reason", [
    ("11", v.OUT_OF_RANGE), ("-1", v.OUT_OF_RANGE), ("7.5", v.NOT_A_NUMBER),
    ("seven", v.NOT_A_NUMBER), ("", v.REQUIRED), (None, v.REQUIRED),
])
def test_s10_rejections_carry_a_reason(raw, reason):
    with pytest.raises(v.AnswerError) as err:
        v.parse_answer(q("safe_day"), raw)
    assert err.value.reason == reason and err.value.code == "safe_day"


def test_agree5_and_rate5_ranges():
    assert v.parse_answer(q("relied_on"), "5").value == 5
    assert v.parse_answer(q("good_job"), "1").value == 1
    for code in ("relied_on", "good_job"):
        with pytest.raises(v.AnswerError) as err:
            v.parse_answer(q(code), "0")
        assert err.value.reason == v.OUT_OF_RANGE


def test_dont_know_on_any_closed_question():
    for code in ("safe_night", "informed", "good_job"):
        answer = v.parse_answer(q(code), "DK")
        assert answer.dont_know and answer.value is None


def test_optional_questions_may_be_blank():
    assert v.parse_answer(q("top_issue"), "   ") is None
    assert v.parse_answer(q("age_band"), "") is None


def test_choice_must_be_an_option():
    assert v.parse_answer(q("age_band"), "65+").choice == "65+"
    assert v.parse_answer(q("sex"), "prefer_not").choice == "prefer_not"
    with pytest.raises(v.AnswerError) as err:
        v.parse_answer(q("age_band"), "12-15")
    assert err.value.reason == v.NOT_AN_OPTION


def test_free_text_is_cleaned_and_bounded():
    answer = v.parse_answer(q("top_issue"), "  More patrols\r\nplease\x07  ")
    assert answer.text == "More patrols\nplease"
    with pytest.raises(v.AnswerError) as err:
        v.parse_answer(q("top_issue"), "x" * 1001)
    assert err.value.reason == v.TOO_LONG
    with pytest.raises(v.AnswerError) as err:
        v.parse_answer(q("top_issue"), "nul\x00byte")
    assert err.value.reason == v.CONTROL_CHARACTERS


def test_submission_collects_every_error_and_splits_demographics():
    raw = {**GOOD_ANSWERS, "respect": "11", "listen": "", "nonsense": "1"}
    result = v.validate_submission(CORE, raw)
    assert not result.ok
    assert set(result.errors) == {"respect", "listen", "nonsense"}
    assert result.errors["nonsense"].reason == v.UNKNOWN_QUESTION
    assert result.demographics == {"age_band": "35-44", "sex": "female", "ethnicity": "prefer_not"}
    assert "age_band" not in result.answers


def test_good_submission():
    result = v.validate_submission(CORE, GOOD_ANSWERS)
    assert result.ok
    assert result.answers["safe_day"].value == 8
    assert result.answers["top_issue"].text.startswith("Better lighting")


def test_ignored_keys_are_not_unknown_questions():
    result = v.validate_submission(CORE, {**GOOD_ANSWERS, "csrf_token": "x"},
                                   ignore=frozenset({"csrf_token"}))
    assert result.ok


def test_instrument_definitions_are_checked():
    with pytest.raises(ValueError):
        Question(code="x", kind="slider", wording={"en": "?"})
    with pytest.raises(ValueError):
        Question(code="x", kind=SCALE, scale="s7", wording={"en": "?"})
    with pytest.raises(ValueError):
        Question(code="x", kind=CHOICE, wording={"en": "?"})
    with pytest.raises(ValueError):
        Question(code="x", kind=TEXT, wording={"cy": "?"})
    a = Question(code="a", kind=SCALE, scale="s10", wording={"en": "a"})
    with pytest.raises(ValueError):
        Instrument(code="i", title={"en": "i"}, questions=(a, a))
    with pytest.raises(ValueError):
        Instrument(code="i", title={"en": "i"}, questions=(a,),
                   composites=(Composite("c", "mean", ("a", "b"), "c"),))


def test_core_instrument_contract():
    # Exports, the API and imports rely on these codes and scales never changing.
    scales = {qq.code: (qq.kind, qq.scale) for qq in CORE.questions}
    assert scales == {
        "safe_day": ("scale", "s10"), "safe_night": ("scale", "s10"),
        "respect": ("scale", "s10"), "listen": ("scale", "s10"), "fair": ("scale", "s10"),
        "relied_on": ("scale", "agree5"), "things_that_matter": ("scale", "agree5"),
        "informed": ("scale", "agree5"), "good_job": ("scale", "rate5"),
        "top_issue": ("text", None), "age_band": ("choice", None), "sex": ("choice", None),
        "ethnicity": ("choice", None),
    }
    assert CORE.composites[0].code == "trust" and CORE.composites[0].of == ("respect", "listen")
    for question in CORE.questions:
        assert set(question.wording) >= {"en", "cy"}
