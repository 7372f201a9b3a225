"""The word lists the redactor ships as data: names, common and English words, organisations.

They live apart from the rules (redact.py, redact_names.py) so that both can read them
without importing each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).with_name("data") / "first_names.txt"
CENSUS_NAMES_FILE = Path(__file__).with_name("data") / "first_names_census.txt"
WORDS_FILE = Path(__file__).with_name("data") / "common_words.txt"
ORGANISATIONS_FILE = Path(__file__).with_name("data") / "organisations.txt"
ENGLISH_WORDS_FILE = Path(__file__).with_name("data") / "english_words.txt"
PLACES_FILE = Path(__file__).with_name("data") / "places.txt"
SURNAMES_FILE = Path(__file__).with_name("data") / "surnames.txt"


@dataclass(frozen=True)
class NameList:
    """First names split into those that are only names and those that are also words."""

    names: frozenset[str]
    ambiguous: frozenset[str]


@lru_cache(maxsize=1)
def first_names(path: Path = NAMES_FILE) -> NameList:
    """Read the shipped first-name list (cached; the file is data, not code)."""
    return _read_names(path)


@lru_cache(maxsize=1)
def census_first_names(path: Path = CENSUS_NAMES_FILE) -> NameList:
    """The wider census list, read only where a cue says a name follows.

    Thousands of names, too many to take a capitalised word anywhere in a comment as one
    (a Mercedes van, Storm Eunice, Clyde Vale: bench/RESULTS.md), but after "my neighbour"
    or at a comment's sign-off, typed in lower case, it tells a name from a word.
    """
    return _read_names(path)


@lru_cache(maxsize=1)
def surnames(path: Path = SURNAMES_FILE) -> NameList:
    """The census surnames that are English words too, read only after a title (cached).

    "officer smith", "dr baker", "sgt white": as English words they were kept after a title
    typed in lower case. ``ambiguous`` holds the ones a sentence puts after a rank as a word
    of their own ("the officer may", "officer numbers"), read only after "pc" ("pc long").
    """
    return NameList(*_read_sections(path, "## NOT AFTER A TITLE"))


@dataclass(frozen=True)
class OrganisationWords:
    """Words that name an organisation or service, in lower case.

    ``alone`` name one on their own or first ("Veolia", "Highways", "Lewisham Homes");
    ``after`` make the word before them one ("Thames Water", "Parks Team").
    """

    alone: frozenset[str]
    after: frozenset[str]


@lru_cache(maxsize=1)
def organisation_words(path: Path = ORGANISATIONS_FILE) -> OrganisationWords:
    """Read the shipped list of organisation words (cached)."""
    alone, after = _read_sections(path, "## AFTER A WORD")
    return OrganisationWords(frozenset(w.lower() for w in alone),
                             frozenset(w.lower() for w in after))


def _read_names(path: Path) -> NameList:
    return NameList(*_read_sections(path, "## AMBIGUOUS"))


def _read_sections(path: Path, marker: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words of a list file before and after its marker line (comments skipped)."""
    sections: tuple[set[str], set[str]] = (set(), set())
    target = sections[0]
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line == marker:
            target = sections[1]
        elif line and not line.startswith("#"):
            target.add(line)
    return frozenset(sections[0]), frozenset(sections[1])


@lru_cache(maxsize=1)
def common_words(path: Path = WORDS_FILE) -> frozenset[str]:
    """Read the shipped list of common words (cached), lower case."""
    return _read_words(path)


@lru_cache(maxsize=1)
def english_words(path: Path = ENGLISH_WORDS_FILE) -> frozenset[str]:
    """Read the shipped English word list (cached).

    After "my neighbour" in lower case, a word in no name list is a name only when it is not
    one of these (scripts/make_english_words.py). Some 65,000 words, about 0.1 s to read:
    gunicorn.conf.py reads them as a worker starts, not in a resident's submit.
    """
    return _read_words(path)


@lru_cache(maxsize=1)
def place_words(path: Path = PLACES_FILE) -> frozenset[str]:
    """Read the words of London borough and Lewisham ward names (cached), lower case."""
    return _read_words(path)


def _read_words(path: Path) -> frozenset[str]:
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))
