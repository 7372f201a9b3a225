"""Write analysis/text/data/places.txt, the words of London borough and Lewisham ward names.

    python scripts/make_place_words.py

Read from the repository's own boundary files (data/geo, ONS names, Open Government Licence
v3). Before "Council", "Homes", "Housing", "Police" or "Borough" such a word makes an
organisation ("Thanks Brent Council"), although Brent alone is a person's name; after
"landlord", "called" or "named" in lower case it is a place ("an estate called downham").
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text.redact_words import PLACES_FILE  # noqa: E402

BOUNDARIES = (("lewisham_wards_2013.geojson", "WD13NM"),
              ("london_boroughs_2013.geojson", "LAD13NM"))
HEADER = """\
# The words of the London borough and Lewisham ward names, one a line, used by
# analysis/text/redact_names.py ("Brent Council", "Catford Police", "a place called downham").
# Source: the names (LAD13NM, WD13NM) in data/geo/london_boroughs_2013.geojson and
# data/geo/lewisham_wards_2013.geojson (ONS, Open Government Licence v3), capitalised words
# only ("upon", "and", "of" left out). Written by scripts/make_place_words.py.
"""


def place_words() -> list[str]:
    """The capitalised words of every borough and ward name in data/geo, sorted."""
    words: set[str] = set()
    for name, key in BOUNDARIES:
        features = json.loads((ROOT / "data/geo" / name).read_text(encoding="utf-8"))["features"]
        words.update(word for feature in features for word in feature["properties"][key].split()
                     if word[:1].isupper())
    return sorted(words)


def main() -> int:
    words = place_words()
    PLACES_FILE.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{PLACES_FILE.relative_to(ROOT)}: {len(words)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
