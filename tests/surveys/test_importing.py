"""Reading a CSV import against the core instrument, in plain Python."""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from surveys.core import CORE
from surveys.importing import FileProblem, parse_csv, parse_timestamp
from surveys.integrity import STRAIGHTLINED

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
AREAS = {"E05000437": None, "E05000438": None,
         "E05000999": datetime(2024, 5, 1, tzinfo=UTC)}
HEADER = ("area_code,submitted_at,safe_day,safe_night,respect,listen,fair,relied_on,"
          "things_that_matter,informed,good_job,top_issue,age_band,sex,ethnicity")
GOOD = "E05000437,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4,Better lighting,35-44,female,"


def parse(text: str):
    return parse_csv(io.StringIO(text, newline=""), CORE, AREAS, now=NOW)


def test_good_row_becomes_a_submission():
    result = parse(f"{HEADER}\n{GOOD}\n")
    [row] = result.rows
    assert row.ok and row.line == 2 and row.area_code == "E05000437"
    assert row.submitted_at == datetime(2025, 3, 5, 18, 30, tzinfo=UTC)
    answers = row.submission.answers
    assert answers["safe_day"].value == 8 and answers["informed"].dont_know
    assert answers["top_issue"].text == "Better lighting"
    assert row.submission.demographics == {"age_band": "35-44", "sex": "female"}
    assert row.flags == () and len(row.key) == 64


def test_answer_patterns_are_flagged_but_missing_timing_is_not():
    line = "E05000437,2025-03-05T18:30:00Z,10,10,10,10,10,5,5,5,5,,,,"
    [row] = parse(f"{HEADER}\n{line}\n").rows
    assert row.ok and row.flags == (STRAIGHTLINED,)


def test_each_bad_row_says_why_with_its_line_number():
    lines = [
        HEADER,
        GOOD,
        "E05009999,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4,,,,",
        "E05000437,2025-03-05T18:30:00,8,5,7,6,6,4,3,dk,4,,,,",
        "E05000437,2025-03-05,8,5,7,6,6,4,3,dk,4,,,,",
        "E05000437,05/03/2025 18:30,8,5,7,6,6,4,3,dk,4,,,,",
        "E05000437,2025-07-01T00:00:00Z,8,5,7,6,6,4,3,dk,4,,,,",
        "E05000437,2025-03-05T18:30:00Z,11,5,seven,6,,4,6,dk,4,,99,,",
        "E05000437,2025-03-05T18:30:00Z,8,5",
        "E05000999,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4,,,,",
        ",1024-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4,,,,",
    ]
    result = parse("\n".join(lines) + "\n")
    reasons = {row.line: row.reason for row in result.rejected}
    assert [r.line for r in result.good] == [2]
    assert reasons[3] == "unknown area code 'E05009999'"
    assert "has no time zone" in reasons[4]
    assert "has no time of day" in reasons[5]
    assert "is not an ISO 8601 date-time" in reasons[6]
    assert "is in the future" in reasons[7]
    assert reasons[8] == ("safe_day: value out of range (allowed 0-10, or dk); "
                          "respect: 'seven' is not a whole number or dk; "
                          "fair: an answer is required; "
                          "things_that_matter: value out of range (allowed 1-5, or dk); "
                          "age_band: '99' is not one of the allowed values")
    assert reasons[9] == "4 cells where the header has 15"
    assert reasons[10] == "area E05000999 was retired on 2024-05-01"
    assert reasons[11] == "area_code is blank; submitted_at '1024-03-05T18:30:00Z' is before 2000"


def test_times_with_no_utc_equivalent_are_a_rejected_row_not_a_crash():
    lines = [HEADER, GOOD.replace("2025-03-05T18:30:00Z", "0001-01-01T00:00:00+01:00"),
             GOOD.replace("2025-03-05T18:30:00Z", "9999-12-31T23:59:59-01:00"), GOOD]
    result = parse("\n".join(lines) + "\n")
    assert [r.line for r in result.good] == [4]
    assert [r.reason for r in result.rejected] == [
        "submitted_at '0001-01-01T00:00:00+01:00' is out of range",
        "submitted_at '9999-12-31T23:59:59-01:00' is out of range"]


def test_a_tab_named_by_excels_sep_line_is_understood():
    text = "sep=\t\n" + HEADER.replace(",", "\t") + "\n" + GOOD.replace(",", "\t") + "\n"
    assert [r.line for r in parse(text).good] == [3]


def test_offsets_are_converted_to_utc():
    assert parse_timestamp("2025-03-05T18:30:00+01:00", NOW) == datetime(2025, 3, 5, 17, 30, tzinfo=UTC)
    assert parse_timestamp(" 2025-03-05T18:30Z ", NOW) == datetime(2025, 3, 5, 18, 30, tzinfo=UTC)


def test_quoted_line_breaks_keep_line_numbers_true():
    text = (f"{HEADER}\r\n"
            'E05000437,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4,"Lights\r\non the\r\npath",,,\r\n'
            "E05000437,2025-03-05T18:31:00Z,8,5,7,6,6,4,3,dk,x,,,,\r\n")
    result = parse(text)
    assert result.good[0].line == 2
    assert result.good[0].submission.answers["top_issue"].text == "Lights\non the\npath"
    assert result.rejected[0].line == 5


def test_repeated_rows_within_a_file_count_once():
    result = parse(f"{HEADER}\n{GOOD}\n{GOOD}\n")
    assert [r.line for r in result.good] == [2]
    assert result.rejected[0].reason == "repeats line 2"


def test_spreadsheet_habits_are_understood():
    # A byte-order mark, Excel's "sep=" line, semicolons, upper-case headers, trailing blank rows.
    text = ("\ufeffsep=;\n" + HEADER.upper().replace(",", ";") + "\n"
            + GOOD.replace(",", ";") + "\n;;;;;;;;;;;;;;\n\n")
    result = parse(text)
    assert [r.line for r in result.good] == [3] and not result.rejected


def test_only_optional_columns_may_be_left_out():
    header = "area_code,submitted_at,safe_day,safe_night,respect,listen,fair,relied_on,things_that_matter,informed,good_job"
    result = parse(header + "\nE05000437,2025-03-05T18:30:00Z,8,5,7,6,6,4,3,dk,4\n")
    assert len(result.good) == 1


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("\n\n", "line 1 is blank: the header row"),
    (f"\n{HEADER}\n{GOOD}\n", "line 1 is blank: the header row"),
    (f"sep=;\n\n{HEADER}\n", "line 2 is blank: the header row"),
    # UTF-16 without a byte-order mark: every other character a NUL.
    (f"{HEADER}\n{GOOD}\n".encode("utf-16-le").decode("utf-8"), "not UTF-8"),
    (HEADER + ",colour\n", "unknown column(s): colour"),
    (HEADER + ",safe_day\n", "repeated column(s): safe_day"),
    ("area_code,submitted_at,safe_day\n", "missing required column(s): safe_night, respect"),
    (HEADER + '\nE05000437,"2025-03-05T18:30:00Z,8\n', "not valid CSV"),
])
def test_unusable_files_are_refused_whole(text, message):
    with pytest.raises(FileProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_text_that_is_not_utf8_is_refused_whole():
    raw = (HEADER + "\n" + GOOD.replace("Better lighting", "Caf\u00e9 corner") + "\n").encode("cp1252")
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
    with pytest.raises(FileProblem, match="not UTF-8"):
        parse_csv(stream, CORE, AREAS, now=NOW)


def test_header_only_is_an_empty_import():
    result = parse(HEADER + "\n")
    assert result.rows == [] and len(result.columns) == 15
