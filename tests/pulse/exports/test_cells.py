"""The formula neutraliser on its own: an attacker's corpus, harmless text, numbers, any string."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulse.exports.cells import neutralise, neutralise_row
from tests.pulse.exports.conftest import HARMLESS, PAYLOADS


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_gets_the_quote(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("text", HARMLESS + ("", "plain", "a=b", "1-2"))
def test_harmless_text_is_unchanged(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", (-2, -2.5, 0, 3.25, None, True, 10**12))
def test_numbers_and_empty_cells_stay_what_they_are(value):
    assert neutralise(value) is value


def test_a_row_mixes_both():
    assert neutralise_row(("=1", -1, None, "ok")) == ("'=1", -1, None, "ok")


def _what_a_spreadsheet_sees_first(text: str) -> str:
    """The first character left after every blank, control and format character is skipped."""
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            continue
        return ch
    return ""


@given(st.text(alphabet=st.sampled_from(
    list(" \t\r\n\u00a0\u2003\u200b\ufeff=+-@\uff1d\uff0b\uff0d\uff20abc1'")), max_size=8))
def test_no_string_leaves_able_to_start_a_formula(text):
    out = neutralise(text)
    assert out in (text, "'" + text)
    if out == text:
        # Left alone only when nothing after the blanks could start a formula, and the
        # string does not open with a tab or carriage return.
        assert _what_a_spreadsheet_sees_first(text) not in "=+-@\uff1d\uff0b\uff0d\uff20" \
            or _what_a_spreadsheet_sees_first(text) == ""
        assert not text.startswith(("\t", "\r"))
