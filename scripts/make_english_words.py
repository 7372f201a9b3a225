"""Write analysis/text/data/english_words.txt, the words the redactor never takes as a name.

    apt-get install wbritish wamerican
    python scripts/make_english_words.py /usr/share/dict/british-english \
        /usr/share/dict/american-english

After a cue typed in lower case ("my neighbour mehmet", "pc okonkwo") a word in neither
first-name list is taken as a name only when it is no English word: on the public reports
lower-cased, the unlisted words after a cue were verbs, nouns and adverbs every time ("the
landlord should", "neighbours garage", "this neighbour regularly"), every one in these lists.
Source: the SCOWL word lists as Debian ships them (wbritish, wamerican), lower-case entries
only (proper nouns start with a capital there), without possessives ("john's"), and the
contractions residents type without their apostrophe ("my neighbour dont care"), which the
project team added (TYPED_WITHOUT_APOSTROPHE). They are not common words: "Thanks Arent"
is still a surname at a sign-off.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text.redact_words import ENGLISH_WORDS_FILE  # noqa: E402

TYPED_WITHOUT_APOSTROPHE = (
    "aint arent couldnt didnt doesnt dont hadnt hasnt havent isnt ive mustnt neednt shouldnt "
    "thats theres theyre theyve wasnt werent wouldnt youre youve innit cos coz lol pls plz"
).split()
HEADER = """\
# English words, lower case, one a line, used by analysis/text/redact_names.py: after a cue
# typed in lower case ("my neighbour", "called", "pc") a word in neither first-name list is a
# name only if it is not here ("my neighbour mehmet" goes, "my neighbour keeps" stays).
# Source: the lower-case entries of Debian's wbritish and wamerican word lists (SCOWL),
# possessives left out, and contractions typed without their apostrophe ("dont", "wasnt").
# Written by scripts/make_english_words.py.
#
# SCOWL copyright and permission notice, as the word lists require:
# Copyright 2000-2011 by Kevin Atkinson
# Permission to use, copy, modify, distribute and sell these word lists, the associated
# scripts, the output created from the scripts, and its documentation for any purpose is
# hereby granted without fee, provided that the above copyright notice appears in all copies
# and that both that copyright notice and this permission notice appear in supporting
# documentation. Kevin Atkinson makes no representations about the suitability of this array
# for any purpose. It is provided "as is" without express or implied warranty.
# (The lists also hold words of the Moby project, placed in the public domain, and of other
# sources under the same or more permissive terms: /usr/share/doc/wbritish/copyright.)
"""


def main(dictionaries: list[str]) -> int:
    words: set[str] = set(TYPED_WITHOUT_APOSTROPHE)
    for dictionary in dictionaries:
        for line in Path(dictionary).read_text(encoding="utf-8", errors="ignore").splitlines():
            word = line.strip()
            if word.islower() and word.isascii() and not word.endswith("'s"):
                words.add(word)
    ENGLISH_WORDS_FILE.write_text(HEADER + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{ENGLISH_WORDS_FILE.relative_to(ROOT)}: {len(words):,} words")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
