"""Property-based tests of the survey intake rules and the CSV import (hypothesis).

Whatever arrives, the domain answers with a Submission or a FileProblem/row reason: it never
raises anything else, and what it accepts is always a valid answer.
"""
from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import validation as v
from surveys.core import CORE
from surveys.importing import FileProblem, parse_csv
from surveys.instrument import CHOICE, SCALE, TEXT
from tests.support import GOOD_ANSWERS

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
AREAS = {"E05000437": None, "E05000999": datetime(2024, 5, 1, tzinfo=UTC)}
CODES = list(CORE.codes)
# Values near the valid ones find more edges than uniform noise: digits, "dk", options.
NEAR = st.sampled_from(["", " ", "0", "10", "11", "-1", "dk", "DK", "1_0", "٣", "7.5",
                        "female", "35-44", "\x00", "\r\n", "=cmd|' /C calc'!A0"])
# Long text near the free-text limit, made cheaply (generating 500 random characters is slow).
LONG = st.builds(lambda n, ch: ch * n, st.integers(480, 520), st.sampled_from(["x", "é", "\x07"]))
VALUES = st.one_of(st.none(), st.text(max_size=40), NEAR, LONG)
RAW = st.dictionaries(st.one_of(st.sampled_from(CODES), st.text(max_size=12)), VALUES,
                      max_size=len(CODES) + 3)


def assert_valid(answer: v.Answer) -> None:
    question = CORE.question(answer.code)
    if question.kind == TEXT:
        assert answer.text and "\x00" not in answer.text and len(answer.text) <= question.max_length
        assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in answer.text)
    elif question.kind == CHOICE:
        assert answer.choice in question.option_values()
    else:
        assert question.kind == SCALE
        assert answer.dont_know or answer.value in question.scale_def.values


@settings(max_examples=60, deadline=None, database=None)
@given(RAW)
def test_any_mapping_gives_a_submission_of_valid_answers_or_reasons(raw):
    result = v.validate_submission(CORE, raw)
    for code, error in result.errors.items():
        assert isinstance(error, v.AnswerError) and error.code == code and error.reason
    for answer in result.answers.values():
        assert_valid(answer)
    for code, choice in result.demographics.items():
        assert choice in CORE.question(code).option_values()
    # Everything known and well formed was kept; only what was wrong is reported.
    assert set(result.answers) | set(result.demographics) | set(result.errors) <= \
        set(CODES) | set(raw)


@settings(max_examples=50, deadline=None, database=None)
@given(st.fixed_dictionaries({code: VALUES for code in GOOD_ANSWERS}))
def test_good_answers_with_one_change_are_judged_field_by_field(changed):
    raw = {**GOOD_ANSWERS, **{k: val for k, val in changed.items() if val is not None}}
    result = v.validate_submission(CORE, raw)
    assert set(result.errors) <= set(raw)
    for answer in result.answers.values():
        assert_valid(answer)


HEADER = ("area_code,submitted_at,safe_day,safe_night,respect,listen,fair,relied_on,"
          "things_that_matter,informed,good_job,top_issue,age_band,sex,ethnicity")
CELL = st.one_of(st.text(max_size=20), NEAR, st.sampled_from(["E05000437", "E05000999",
                                                             "2025-03-05T18:30:00Z", '"', ";"]))


def check_parsed(text: str) -> None:
    try:
        parsed = parse_csv(io.StringIO(text, newline=""), CORE, AREAS, now=NOW)
    except FileProblem as problem:
        assert str(problem)
        return
    for row in parsed.rows:
        if row.ok:
            assert row.area_code in AREAS and row.submission.ok and row.key
            for answer in row.submission.answers.values():
                assert_valid(answer)
        else:
            assert row.reason


@settings(max_examples=60, deadline=None, database=None)
@given(st.text(max_size=400))
def test_any_text_file_is_read_or_refused_with_a_reason(text):
    check_parsed(text)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.lists(CELL, min_size=0, max_size=17), max_size=6),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_rows_of_any_cells_under_a_good_header(rows, delimiter, newline):
    lines = [HEADER.replace(",", delimiter)] + [delimiter.join(cells) for cells in rows]
    check_parsed(newline.join(lines) + newline)
