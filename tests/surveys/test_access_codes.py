"""Single-use codes: the alphabet, the check symbol, reading typed codes, keyed hashes."""
from __future__ import annotations

import re

import pytest

from surveys import access_codes as ac

SAMPLES = ["23456789ABC", "ZZZZZZZZZZZ", "HJKLMNPQRST", "UVWXYZ23456", "N7QD5KXW2RE"]


def coded(body: str) -> str:
    return body + ac.check_symbol(body)


def test_new_codes_use_the_friendly_alphabet_and_pass_their_check():
    made = {ac.new_code() for _ in range(500)}
    assert len(made) == 500
    for code in made:
        assert len(code) == 12 and ac.passes_check(code)
        assert not set(code) & set("0O1I")
    assert ac.BITS == 55 and len(ac.ALPHABET) == 32 and len(set(ac.ALPHABET)) == 32


def test_codes_print_in_groups_of_four():
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", ac.grouped(ac.new_code()))


@pytest.mark.parametrize("body", SAMPLES)
def test_every_single_mistyped_symbol_is_caught(body):
    code = coded(body)
    for i, right in enumerate(code):
        for wrong in ac.ALPHABET:
            if wrong != right:
                assert not ac.passes_check(code[:i] + wrong + code[i + 1:]), (code, i, wrong)


@pytest.mark.parametrize("body", SAMPLES)
def test_swapped_neighbours_are_caught_except_2_and_Z(body):
    code = coded(body)
    for i in range(len(code) - 1):
        a, b = code[i], code[i + 1]
        if a == b:
            continue
        swapped = code[:i] + b + a + code[i + 2:]
        assert ac.passes_check(swapped) == ({a, b} == {"2", "Z"}), (code, i)


def test_typed_codes_are_read_forgivingly():
    code = ac.new_code()
    for typed in (code, code.lower(), ac.grouped(code), f"  {ac.grouped(code).lower()} ",
                  " ".join(ac.grouped(code).split("-"))):
        assert ac.parse(typed) == code


def test_codes_copied_from_a_message_or_a_document_are_read():
    """What copying a code out of a text message, an e-mail or a PDF brings with it: invisible
    characters (a zero-width space, a word joiner, a soft hyphen, a byte-order mark), a
    non-breaking or en space, typographic hyphens and minus signs, and full-width letters and
    digits. None of them can be seen, or told from what is printed, so none may refuse a code
    with "please remove" and a character the resident cannot see."""
    code = ac.new_code()
    a, b, c = ac.grouped(code).split("-")
    for typed in (f"{a}\u200b-{b}-{c}", f"\ufeff{a}-{b}-{c}", f"{a}\u2060{b}\u00ad{c}",
                  f"{a}\u00a0{b}\u2009{c}", f"{a}\u2010{b}\u2011{c}", f"{a}\u2212{b}\u2012{c}",
                  f"{a}-{b}-{c}\u200e",
                  "".join(chr(ord(ch) + 0xFEE0) for ch in code)):  # full width
        assert ac.parse(typed) == code, ascii(typed)


@pytest.mark.parametrize("typed, reason, detail", [
    ("", ac.EMPTY, ""),
    ("   - ", ac.EMPTY, ""),
    ("ABCD-EFGH-JKL0", ac.BAD_SYMBOL, "0"),
    ("ABCD-EFGH-OIJK", ac.BAD_SYMBOL, "IO"),
    ("ABCD-EFGH-JK!M", ac.BAD_SYMBOL, "!"),
    ("ABCD-EFGH", ac.WRONG_LENGTH, "8"),
    ("ABCD-EFGH-JKLMN", ac.WRONG_LENGTH, "13"),
])
def test_typed_codes_that_cannot_be_codes_say_why(typed, reason, detail):
    with pytest.raises(ac.CodeError) as caught:
        ac.parse(typed)
    assert caught.value.reason == reason and caught.value.detail == detail


def test_a_typo_fails_the_check_before_any_lookup():
    code = coded("23456789ABC")
    typo = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    with pytest.raises(ac.CodeError) as caught:
        ac.parse(typo)
    assert caught.value.reason == ac.CHECK_FAILED


def test_the_stored_hash_is_keyed():
    code = ac.new_code()
    one, other = ac.code_hash("key-one", code), ac.code_hash("key-two", code)
    assert one != other and len(one) == 64 and code not in one
    assert ac.code_hash("key-one", code) == one
