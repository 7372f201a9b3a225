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
("Thanks Peabody"), and Council and Homes, which it kept before the list too. People whose
first name is a borough or ward word and whose surname is one that makes a place an
organisation ("Thanks Brent Council", "Evelyn Homes") are signed too, and kept by design.
Last, how many of these comments the redactor keeps for any reason, by form: in lower case
("thanks ola", "my neighbour ola is loud") a first name that is an English word is kept.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text.redact import redact  # noqa: E402
from analysis.text.redact_words import (  # noqa: E402
    ORGANISATIONS_FILE, census_first_names, first_names, organisation_words)

ALONE_SURNAME_LIMIT = 0.005   # per cent of people with the surname
AFTER_SURNAME_LIMIT = 0.001
SIGNED_SURNAMES = 20_000
# The surnames that make a borough or ward before them an organisation (redact_names.py).
AFTER_A_PLACE = ("council", "councils", "borough", "homes", "housing", "police")


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
    signed_by_people(sorted(given), list(surnames)[:SIGNED_SURNAMES],
                     [s for s in AFTER_A_PLACE if s in surnames])
    return 1 if problems else 0


def place_words() -> set[str]:
    """The capitalised words of the borough and ward names in data/geo, lower case."""
    words: set[str] = set()
    for name, key in (("lewisham_wards_2013.geojson", "WD13NM"),
                      ("london_boroughs_2013.geojson", "LAD13NM")):
        features = json.loads((ROOT / "data/geo" / name).read_text(encoding="utf-8"))["features"]
        words.update(word.lower() for f in features for word in f["properties"][key].split()
                     if word[:1].isupper())
    return words


def signed_by_people(given: list[str], surnames: list[str], place_surnames: list[str]) -> None:
    """Print the people's names that a sign-off or a cue keeps as an organisation."""
    listed = organisation_words()
    # (comment, the name that an organisation word would be, the form it is written in)
    signed = [(f"Thanks {name.capitalize()}", name, "Thanks Ola") for name in given]
    signed += [(f"thanks {name}", name, "thanks ola") for name in given]
    signed += [(f"my neighbour {name} is loud", name, "my neighbour ola is loud")
               for name in given]
    for surname in surnames:
        name = surname.capitalize()
        signed += [(f"Thanks {name}", surname, "Thanks Gaze"),
                   (f"Best wishes, Ann {name}", surname, "Best wishes, Ann Gaze"),
                   (f"my neighbour {name} is loud", surname, "my neighbour Gaze is loud"),
                   (f"Mr {name} is loud", surname, "Mr Gaze is loud")]
    organisation = listed.alone | listed.after
    kept = {text for text, _name, _form in signed if redact(text) == text}
    for_organisation = [text for text, name, _form in signed
                        if name in organisation and text in kept]
    print(f"{len(signed):,} comments signed by a person, {len(for_organisation)} kept for an "
          "organisation word:")
    for text in for_organisation:
        print(f"  {text}")
    places = [name for name in given if name in place_words()]
    at_place = [f"Thanks {name.capitalize()} {surname.capitalize()}"
                for name in places for surname in place_surnames]
    kept_at_place = [text for text in at_place if redact(text) == text]
    print(f"{len(at_place)} signed by a person named after a borough or ward with a surname "
          f"that makes it an organisation, {len(kept_at_place)} kept (by design):")
    for text in kept_at_place:
        print(f"  {text}")
    total = Counter(form for _text, _name, form in signed)
    left = Counter(form for text, _name, form in signed if text in kept)
    print("kept for any reason, by form:")
    for form in total:
        print(f"  {form!r}: {left[form]:,} of {total[form]:,}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
