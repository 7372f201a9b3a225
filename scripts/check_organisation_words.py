"""Check analysis/text/data/organisations.txt against the first-name and surname tables.

    pip download --no-deps names==0.3.0 && tar xzf names-0.3.0.tar.gz
    python scripts/check_organisation_words.py names-0.3.0/names

A word the redactor reads as an organisation keeps a sign-off or a cue from being redacted,
so a word that is also a person's name would let that person's name through ("Thanks
Morgan"). The tables are those of the 1990 United States Census (public domain) as shipped in
the ``names`` package 0.3.0 on PyPI, the same source as first_names_census.txt
(scripts/make_census_names.py). Prints each word that breaks the file's rules and exits 1 if
there is one:

- no word is a first name in the redactor's lists or in the census first-name tables;
- no word on its own is a surname given to 0.005% or more of people;
- no word below AFTER A WORD (read after any word that is not a listed first name: "Thames
  Water") is a surname given to 0.001% or more, so "Zofia Parks" can never be read as one.

Then it signs comments with every first name of the tables and the 20,000 most common
surnames ("Thanks Ola", "Best wishes, Ann Gaze", "my neighbour Gaze is loud") and prints those
the redactor keeps although the name is an organisation word: rare surnames signed alone
("Thanks Peabody"), and Council and Homes, which it kept before the list too.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text.redact import redact  # noqa: E402
from analysis.text.redact_words import (  # noqa: E402
    ORGANISATIONS_FILE, census_first_names, first_names, organisation_words)

ALONE_SURNAME_LIMIT = 0.005   # per cent of people with the surname
AFTER_SURNAME_LIMIT = 0.001
SIGNED_SURNAMES = 20_000


def table(path: Path) -> dict[str, float]:
    """Each name of a census table, lower case, with its share in per cent."""
    shares: dict[str, float] = {}
    for line in path.read_text().splitlines():
        name, share, _cumulative, _rank = line.split()
        shares[name.lower()] = max(float(share), shares.get(name.lower(), 0.0))
    return shares


def main(folder: str) -> int:
    census = Path(folder)
    given = table(census / "dist.female.first") | table(census / "dist.male.first")
    surnames = table(census / "dist.all.last")
    for listed in (first_names(), census_first_names()):
        given.update({name.lower(): 0.0 for name in listed.names | listed.ambiguous})
    problems = 0
    limit = ALONE_SURNAME_LIMIT
    for line in ORGANISATIONS_FILE.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word == "## AFTER A WORD":
            limit = AFTER_SURNAME_LIMIT
            continue
        if not word or word.startswith("#"):
            continue
        if word.lower() in given:
            print(f"{word}: a first name")
            problems += 1
        if surnames.get(word.lower(), 0.0) >= limit:
            print(f"{word}: a surname of {surnames[word.lower()]}% of people")
            problems += 1
    print(f"{ORGANISATIONS_FILE.relative_to(ROOT)}: {problems} problem(s)")
    signed_by_people(sorted(given), list(surnames)[:SIGNED_SURNAMES])
    return 1 if problems else 0


def signed_by_people(given: list[str], surnames: list[str]) -> None:
    """Print the people's names that a sign-off or a cue keeps as an organisation."""
    listed = organisation_words()
    signed = [(f"Thanks {name.capitalize()}", name) for name in given]
    signed += [(f"thanks {name}", name) for name in given]
    for surname in surnames:
        name = surname.capitalize()
        signed += [(f"Thanks {name}", surname), (f"Best wishes, Ann {name}", surname),
                   (f"my neighbour {name} is loud", surname), (f"Mr {name} is loud", surname)]
    organisation = listed.alone | listed.after
    kept = [text for text, name in signed if name in organisation and redact(text) == text]
    print(f"{len(signed):,} comments signed by a person, {len(kept)} kept for an "
          "organisation word:")
    for text in kept:
        print(f"  {text}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
