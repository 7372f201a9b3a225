"""The overview's table cells and rows as HTML, built in Python once per page.

An overview of a 600-ward borough has 6,010 cells. Calling a Jinja macro for each cost about
70% of the page's server time (bench/dashboard.py, profiled); the same text built here with
plain string formatting costs a small fraction. Every text that comes from the database
(area names and codes) goes through ``escape``; the rest is numbers and our own words.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..estimates.reasons import minimum
from .queries import Cell


@dataclass(frozen=True)
class Words:
    """The translated words of a cell, looked up once per page rather than once per cell."""

    no_estimate: str
    suppressed: str
    withheld: str
    no_change: str
    significant: str

    @classmethod
    def current(cls) -> Words:
        """The words in the request's language: look them up once a page and pass them on
        (an area page has hundreds of cells; each lookup reads the request context)."""
        # The configured minimum, as the exports and the API say it (10 unless raised).
        return cls(_("no estimate"), _("fewer than %(n)d responses", n=minimum()),
                   _("withheld"), _("no significant change"), _("significant"))


def cell_html(c: Cell | None, since: str = "", words: Words | None = None) -> Markup:
    """One estimate as text: figure, 95% interval, n, and change only when significant."""
    w = words or Words.current()
    if c is None:
        return Markup(f'<span class="muted">{escape(w.no_estimate)}</span>')  # nosec B704
    if c.suppressed:
        return Markup(f'<span class="suppressed">{escape(w.suppressed)}</span>')  # nosec B704
    pct = "%" if c.unit == "percent" else ""
    parts = [f"<strong>{c.estimate:.0f}{pct}</strong>"]
    if c.ci_low is not None:
        parts.append(f'<span class="ci">({c.ci_low:.0f}–{c.ci_high:.0f})</span>')
    parts.append(f'<span class="n">n={c.n if c.n is not None else escape(w.withheld)}</span>')
    if c.change is not None:
        if c.change_significant:
            up = c.change > 0
            parts.append(f'<span class="change {"up" if up else "down"}">{"▲" if up else "▼"} '
                         f'{c.change:+.0f} {escape(c.unit_label)} {escape(since)} '
                         f'({escape(w.significant)})</span>')
        else:
            parts.append(f'<span class="change muted">{escape(w.no_change)}</span>')
    # bandit B704: numbers and escaped words only (see above).
    return Markup("\n".join(parts))  # nosec B704


def table_rows(areas: Iterable, cells: Mapping[int, Mapping[str, Cell]], measures: Iterable[str],
               area_href: str, since: str = "") -> Markup:
    """Every row of the overview table; ``area_href`` has ``__code__`` where the code goes.

    The link is built once by the caller with url_for and filled in here: 600 url_for calls
    were a tenth of the page's time.
    """
    words = Words.current()
    measures = tuple(measures)
    out = []
    for area in areas:
        by_measure = cells.get(area.id, {})
        href = escape(area_href.replace("__code__", quote(area.code, safe="")))
        tds = "".join(f"<td>{cell_html(by_measure.get(m), since, words)}</td>" for m in measures)
        out.append(f'<tr><th scope="row"><a href="{href}">{escape(area.name)}</a> '
                   f'<span class="muted">{escape(area.code)}</span></th>{tds}</tr>')
    # bandit B704: names and codes escaped above; the cells are built by cell_html.
    return Markup("\n".join(out))  # nosec B704
