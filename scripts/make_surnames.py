"""Write analysis/text/data/surnames.txt, the surnames that are English words too.

    pip download --no-deps names==0.3.0 && tar xzf names-0.3.0.tar.gz
    python scripts/make_surnames.py names-0.3.0/names

After a title or a rank typed in lower case ("officer smith", "dr baker", "sgt white") the
redactor took only a word that is no English word as a name, so the commonest surnames, which
are trades, colours and places (Smith, Baker, White, Wood, Hill), stayed. This list names them.
Source: the surname table of the 1990 United States Census (public domain), ``dist.all.last``
as shipped in the ``names`` package 0.3.0 on PyPI (MIT licence; its data files public domain),
the same source as first_names_census.txt. Kept: surnames of at least 0.005% of people (2,753)
that are in english_words.txt (surnames that are no English word already go after a cue).

Below ``## NOT AFTER A TITLE`` go the ones a sentence puts after "officer", "pc" or "dr"
as a word of its own ("the officer may", "officer numbers", "pc post", "acacia dr park"):
the redactor's common words other than the colours White and Black (which follow
"sgt" as a name: "sgt white"), and NOT_AFTER_A_TITLE below, chosen by the project team.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text.redact_words import (  # noqa: E402
    SURNAMES_FILE, common_words, english_words)

THRESHOLD = 0.005   # per cent of people with the surname
# Colours are common words ("black bags", "white van") but after a title a surname.
COMMON_BUT_SURNAMES = {"white", "black"}
NOT_AFTER_A_TITLE = set(
    # Verbs a rank is the subject of ("the officer may", "officer hurt", "cllr ring me").
    "call read deal rush rushing lay pack hurt heard shook ring link cross means dodge hand "
    "head "
    # Adjectives and adverbs that can follow a noun ("pc quick to respond", "officer good job").
    "good best high main light quick long short minor major strange gross gay "
    # Nouns a rank forms a compound with ("officer numbers", "pc post", "officer powers",
    # "officer case", "pc driver", "officer pool car", "dr house"), and a word for anyone.
    "numbers power powers case chance key keys block land story person self guy driver "
    "sellers pool house friend "
    # Place words: "dr" is also a drive ("acacia dr park", "acacia dr west").
    "street lane grove field fields park north south east west".split()
)
HEADER = """\
# Surnames that are English words too, one a line, lower case, used by
# analysis/text/redact_names.py only after a title or a rank typed in lower case ("officer
# smith", "dr baker", "sgt white", "mrs wood"). Source: the table dist.all.last of the 1990
# United States Census (public domain) as shipped in the "names" package 0.3.0 on PyPI (MIT
# licence; its data files are public domain). Kept: surnames of at least {threshold}% of
# people that are in english_words.txt. Below NOT AFTER A TITLE: the ones a sentence puts
# after a rank as a word of its own ("the officer may", "officer numbers", "acacia dr park"),
# never taken as a name. Written by scripts/make_surnames.py.
"""


def census(folder: Path) -> dict[str, float]:
    """Each surname (lower case) with its share of people, in per cent."""
    shares: dict[str, float] = {}
    for line in (folder / "dist.all.last").read_text().splitlines():
        name, share, _cumulative, _rank = line.split()
        shares[name.lower()] = float(share)
    return shares


def main(folder: str) -> int:
    shares = census(Path(folder))
    english, common = english_words(), common_words()
    kept, dropped = [], []
    for name in sorted(shares):
        if shares[name] < THRESHOLD or name not in english:
            continue
        word = name in NOT_AFTER_A_TITLE or (name in common and name not in COMMON_BUT_SURNAMES)
        (dropped if word else kept).append(name)
    SURNAMES_FILE.write_text(HEADER.format(threshold=THRESHOLD)
                             + "\n".join(kept + ["## NOT AFTER A TITLE"] + dropped) + "\n")
    print(f"{SURNAMES_FILE.relative_to(ROOT)}: {len(kept)} surnames, {len(dropped)} not after "
          "a title")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
