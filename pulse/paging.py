"""Page numbers as people (or old links) write them in a query string."""
from __future__ import annotations

import re

# ASCII digits only, as dates and periods (pulse.dates): int() also reads other scripts'
# digits (２), underscores (1_0) and a plus sign.
_PAGE = re.compile(r"-?[0-9]+")


def page_number(text: str | None) -> int:
    """The page asked for (1 when none is); ValueError unless written in ASCII digits."""
    text = (text or "").strip() or "1"
    if not _PAGE.fullmatch(text):
        raise ValueError(f"{text!r} is not a page number")
    return int(text)
