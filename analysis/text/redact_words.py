"""The two word lists the redactor ships as data: first names, and common English words.

They live apart from the rules (redact.py, redact_names.py) so that both can read them
without importing each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).with_name("data") / "first_names.txt"
WORDS_FILE = Path(__file__).with_name("data") / "common_words.txt"


@dataclass(frozen=True)
class NameList:
    """First names split into those that are only names and those that are also words."""

    names: frozenset[str]
    ambiguous: frozenset[str]


@lru_cache(maxsize=1)
def first_names(path: Path = NAMES_FILE) -> NameList:
    """Read the shipped first-name list (cached; the file is data, not code)."""
    names: set[str] = set()
    ambiguous: set[str] = set()
    target = names
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line == "## AMBIGUOUS":
            target = ambiguous
        elif line and not line.startswith("#"):
            target.add(line)
    return NameList(frozenset(names), frozenset(ambiguous))


@lru_cache(maxsize=1)
def common_words(path: Path = WORDS_FILE) -> frozenset[str]:
    """Read the shipped list of common words (cached), lower case."""
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))
