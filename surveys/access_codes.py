"""Single-use access codes printed on leaflets and letters: making, reading and checking them.

A code is eleven random symbols and one check symbol, printed in groups of four
(``7KQM-X2TR-HN4C``). The alphabet leaves out 0, O, 1 and I, which people misread, so what
remains is 32 symbols: 5 bits each, 55 random bits a code. With 10,000 codes live in an area
a guess succeeds about once in 3.6 million million tries, and code entry is rate-limited.

The check symbol is Luhn's algorithm in base 32 ("Luhn mod N"): it catches every single
mistyped symbol and every swap of two neighbours except "2Z" <-> "Z2" (the first and last
symbols of the alphabet), so nearly every typo is caught before any lookup.

Only a keyed hash of a code is ever stored (see :func:`code_hash`).
"""
from __future__ import annotations

import secrets
import unicodedata

from .integrity import hash_token

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_SYMBOLS = 11
LENGTH = RANDOM_SYMBOLS + 1
GROUP = 4
BITS = RANDOM_SYMBOLS * 5
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Characters people type that never appear in a code, kept apart to give a precise message.
MISREAD = frozenset("0O1I")
# Typed between groups besides spaces and dashes: underscores, full stops, a minus sign.
_SEPARATORS = frozenset("_.\u2212")

# Reasons a typed code is refused before any lookup.
EMPTY = "empty"
WRONG_LENGTH = "wrong_length"
BAD_SYMBOL = "bad_symbol"
CHECK_FAILED = "check_failed"


class CodeError(ValueError):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _luhn_sum(symbols: str, *, double_first: bool) -> int:
    n = len(ALPHABET)
    total, double = 0, double_first
    for ch in reversed(symbols):
        addend = _VALUE[ch] * (2 if double else 1)
        total += addend // n + addend % n
        double = not double
    return total


def check_symbol(body: str) -> str:
    """The symbol that makes ``body`` + symbol pass the Luhn mod 32 check."""
    n = len(ALPHABET)
    return ALPHABET[(n - _luhn_sum(body, double_first=True) % n) % n]


def passes_check(code: str) -> bool:
    return _luhn_sum(code, double_first=False) % len(ALPHABET) == 0


def new_code() -> str:
    """A fresh code (ungrouped), from the operating system's random source."""
    # 32 symbols are exactly 5 bits: one draw of 55 bits gives every symbol uniformly.
    bits = secrets.randbits(BITS)
    body = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RANDOM_SYMBOLS))
    return body + check_symbol(body)


def grouped(code: str) -> str:
    """``7KQMX2TRHN4C`` -> ``7KQM-X2TR-HN4C``, as printed."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def parse(typed: str) -> str:
    """Read a code as a person typed it: any case, spaces or dashes anywhere.

    Returns the bare code, or raises :class:`CodeError` saying what is wrong with it.
    """
    # NFKC reads full-width letters and digits as the plain ones. A code copied from a message
    # or a document brings characters nobody can see or tell from what is printed (zero-width
    # and non-breaking spaces, soft hyphens, marks of direction, typographic dashes, a minus
    # sign): all are read as the spaces and dashes that groups are typed with.
    text = unicodedata.normalize("NFKC", typed or "")
    bare = "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS
                   and unicodedata.category(ch) not in ("Cf", "Pd")).upper()
    if not bare:
        raise CodeError(EMPTY)
    strange = sorted({ch for ch in bare if ch not in _VALUE})
    if strange:
        raise CodeError(BAD_SYMBOL, "".join(strange)[:8])
    if len(bare) != LENGTH:
        raise CodeError(WRONG_LENGTH, str(len(bare)))
    if not passes_check(bare):
        raise CodeError(CHECK_FAILED)
    return bare


def code_hash(secret: str | bytes, code: str) -> str:
    """The keyed hash stored for a code; without the secret key it reveals nothing."""
    return hash_token(secret, "access-code:" + code)
