"""The period type a page shows (``kind``): month, quarter or rolling year ("r12").

Each page has its own default, used when ``kind`` is absent or empty: the overview a rolling
year (the steadiest figures for a whole scope), an area's page months (its trend charts
read best month by month), the priorities a quarter (enough comments to publish, recent
enough to act on). Any other value is refused on every page alike, with a 400 that names the
choices and links to the same page at its own period type: taking an unknown value as some
default would show figures of a period type the officer did not ask for, under their link.
"""
from __future__ import annotations

from flask import abort, request, url_for

from analysis.periods import KINDS, MONTH, QUARTER, ROLLING12

from ..errors import render_error

KIND_LABELS = {MONTH: "month", QUARTER: "quarter", ROLLING12: "rolling year"}
#: Each page's period type when none is asked for (README, "Officer workspace").
OVERVIEW, AREA, PRIORITIES = ROLLING12, MONTH, QUARTER


def kind_asked(default: str, *, form: bool = False, back: str | None = None) -> str:
    """The period type this request asks for, ``default`` when it names none.

    Read from the query string, or from the posted form when ``form``. An unknown value aborts
    with a 400 linking to ``back`` (default: this page's address without ``kind``).
    """
    value = (request.form if form else request.args).get("kind") or ""
    if not value:
        return default
    if value in KINDS:
        return value
    if back is None:
        args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "kind"}
        back = url_for(request.endpoint or "officer.index", **(request.view_args or {}), **args)
    shown = value if len(value) <= 40 else value[:40] + "…"
    abort(render_error(
        400, f"There is no period type called {shown!r}. Choose month, quarter or r12 "
             f"(rolling year).",
        back=(back, f"Show the {KIND_LABELS[default]} figures")))

