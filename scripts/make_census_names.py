"""Write analysis/text/data/first_names_census.txt, the redactor's wider first-name list.

    pip download --no-deps names==0.3.0 && tar xzf names-0.3.0.tar.gz
    apt-get install wbritish
    python scripts/make_census_names.py names-0.3.0/names /usr/share/dict/british-english

Sources: the first-name tables of the 1990 United States Census (public domain), as shipped
in the ``names`` package 0.3.0 on PyPI (``dist.female.first``, ``dist.male.first``; the
package is MIT-licensed, its data files public domain). Names given to at least 0.005% of
people (2,384) are kept, less those already in the curated UK list (first_names.txt).

A name that is also an English word in lower case (Debian's ``wbritish`` word list), one of
the redactor's common words, a word of a London borough or Lewisham ward name (Brent,
Chelsea, Perry...) or shorter than three letters goes below ``## AMBIGUOUS``: it is never
taken as a name, where the others are taken only after a cue ("my neighbour", a sign-off).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text.redact_words import (  # noqa: E402
    CENSUS_NAMES_FILE, common_words, first_names)

THRESHOLD = 0.005   # per cent of people with the name
HEADER = """\
# First names from the 1990 United States Census (public domain), one a line, used by
# analysis/text/redact_names.py only where a cue says a name follows (after "my neighbour" and
# the like, or a sign-off, in text typed in lower case). Source: the tables dist.female.first
# and dist.male.first as shipped in the "names" package 0.3.0 on PyPI (MIT licence; its data
# files are public domain). Kept: names given to at least {threshold}% of people, less those in
# first_names.txt. Names that are also English words (Debian's wbritish list), the redactor's
# common words, words of London borough and Lewisham ward names, or shorter than three letters
# are listed below AMBIGUOUS and never taken as names. Written by scripts/make_census_names.py.
"""


def census(folder: Path) -> dict[str, float]:
    """Each name (capitalised) with the larger of its female and male share, in per cent."""
    shares: dict[str, float] = {}
    for table in ("dist.female.first", "dist.male.first"):
        for line in (folder / table).read_text().splitlines():
            name, share, _cumulative, _rank = line.split()
            name = name.capitalize()
            shares[name] = max(float(share), shares.get(name, 0.0))
    return shares


def place_words() -> set[str]:
    words: set[str] = set()
    for name, key in (("lewisham_wards_2013.geojson", "WD13NM"),
                      ("london_boroughs_2013.geojson", "LAD13NM")):
        features = json.loads((ROOT / "data/geo" / name).read_text())["features"]
        words.update(word for f in features for word in f["properties"][key].split())
    return words


def main(folder: str, dictionary: str) -> int:
    shares = census(Path(folder))
    english = {w for w in Path(dictionary).read_text(errors="ignore").split() if w.islower()}
    curated = first_names()
    known = curated.names | curated.ambiguous
    common, places = common_words(), place_words()
    names, ambiguous = [], []
    for name in sorted(shares):
        if shares[name] < THRESHOLD or name in known:
            continue
        word = name.lower() in english or name.lower() in common or name in places
        (ambiguous if word or len(name) < 3 else names).append(name)
    CENSUS_NAMES_FILE.write_text(HEADER.format(threshold=THRESHOLD)
                                 + "\n".join(names + ["## AMBIGUOUS"] + ambiguous) + "\n")
    print(f"{CENSUS_NAMES_FILE.relative_to(ROOT)}: {len(names)} names, "
          f"{len(ambiguous)} ambiguous")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
