"""Every resident page, in every state a resident can meet, in English and Welsh, in a real
browser (Debian's Chromium driven by Playwright) against the app served on 127.0.0.1.

The states (tests/browser/resident_support.py): the area list (plain, searched, no match), the
consent page, the questions (fresh and sent back with errors), the thank-you page (figures from
10 responses; the how-to-report notice and "you said, we did"), already answered, closed, not
yet open, the single-use code pages (enter, a wrong code, not needed), a page not found, the
privacy notice, the accessibility statement and "you said, we did".

On each, at 360 x 640, at 320 px wide (WCAG 1.4.10 reflow) and at 200% zoom (1280 device
pixels): no sideways scrolling, every target at least 44 x 44 CSS px, links inside a sentence
excepted (WCAG 2.5.8's inline exception), and no list whose bullets stand beside the last line
of a wrapped item instead of its first. At 360 px: axe-core clean, a visible focus on every
control reached by Tab, the page's lang, headings in order, "Error:" leading the title of a page
with errors, and no English interface text left on a Welsh page.
"""
from __future__ import annotations

import json
import os
import re

import pytest
from babel.messages.pofile import read_po

from surveys.core import CORE
from surveys.scales import SCALES
from tests.browser.resident_support import (  # noqa: F401  (site is a fixture)
    ACTION, ROOT, SCREENS, TOPIC, context, site, states, tab_through)
from tests.browser.test_axe import AXE, violations
from tests.browser.test_survey_browser import (  # noqa: F401  (browser is a fixture)
    CHROMIUM, browser)

pytestmark = [
    pytest.mark.slow,
    # Layout, targets, axe, focus and language as rendered: the same on every backend.
    pytest.mark.one_backend,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]


# Targets under 44 x 44 CSS px. A link in running text (its parent has words of its own)
# falls under WCAG 2.5.8's inline exception; radios are measured by the label around them.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), textarea, select, label.opt')]
  .filter(e => !e.closest('[hidden], [aria-hidden=true]') && !e.matches('.opt input')
    && !(e.matches('a.skip') && document.activeElement !== e))
  .filter(e => !(e.matches('a') && [...e.parentElement.childNodes].some(
    n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())))
  .map(e => [e.id || e.textContent.trim().slice(0, 40), e.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)"""

# A bulleted item that starts with an inline block of several lines: the browser puts the
# bullet beside the block's last line, so the list reads as if each bullet began the next item.
STRAY_BULLETS = """() => [...document.querySelectorAll('li')]
  .filter(li => li.offsetParent !== null && getComputedStyle(li).listStyleType !== 'none')
  .map(li => [li, [...li.childNodes].find(n => n.nodeType === 1 || n.textContent.trim())])
  .filter(([, c]) => c && c.nodeType === 1)
  .filter(([, c]) => { const s = getComputedStyle(c);
    const inner = c.getBoundingClientRect().height - parseFloat(s.paddingTop)
      - parseFloat(s.paddingBottom);
    return s.display === 'inline-block' && inner > 1.5 * parseFloat(s.lineHeight); })
  .map(([li]) => li.textContent.trim().slice(0, 40))"""


def test_every_state_fits_small_screens_and_zoom_with_44px_targets(site, browser):  # noqa: F811
    base_url, area, _names = site
    problems: dict[str, object] = {}
    for screen, (viewport, scale) in SCREENS.items():
        for lang in ("en", "cy"):
            ctx = context(browser, base_url, viewport, scale)
            try:
                page = ctx.new_page()
                for name, reach in states(area):
                    reach(page, lang)
                    where = f"{screen} {lang} {name}"
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        problems[f"{where}: scrolls sideways"] = width
                    small = page.evaluate(SMALL_TARGETS)
                    if small:
                        problems[f"{where}: small targets"] = small
                    stray = page.evaluate(STRAY_BULLETS)
                    if stray:
                        problems[f"{where}: bullets beside the last line"] = stray
                # The skip link is a target too, once it shows itself.
                page.goto(f"/s/?lang={lang}")
                page.keyboard.press("Tab")
                box = page.locator("a.skip").bounding_box()
                if not box or box["height"] < 44 or box["width"] < 44:
                    problems[f"{screen} {lang} skip link"] = box
            finally:
                ctx.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# Where focus is after a Tab, and whether it shows: a ring on the control or on its answer box.
FOCUS = """() => { const e = document.activeElement;
  if (!e || e === document.body || e.id === 'tab-start') return null;
  const t = e.closest('label.opt') || e, s = getComputedStyle(t), r = t.getBoundingClientRect();
  return {name: e.id || e.name || e.textContent.trim().slice(0, 40),
    ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
    seen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth}; }"""
# Text a page shows, with the language it is marked as (names in <code> are identifiers).
TEXTS = """() => { const out = [[document.title, document.documentElement.lang]];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) { const p = w.currentNode.parentElement;
    if (!p.closest('script, [hidden], code')) out.push([w.currentNode.textContent.trim(),
      p.closest('[lang]').getAttribute('lang')]); }
  for (const e of document.querySelectorAll('[aria-label], [data-finding], #outbox'))
    for (const a of e.getAttributeNames())
      if (a === 'aria-label' || (a.startsWith('data-') && !a.endsWith('url') && a !== 'data-api'))
        out.push([e.getAttribute(a), e.closest('[lang]').getAttribute('lang')]);
  return out.filter(([t]) => t); }"""
WORD = re.compile(r"[^\W\d_]{3,}")


def welsh_vocabulary() -> set[str]:
    """Every word the Welsh catalogue, instrument and scales use (some are English words too)."""
    with (ROOT / "pulse/translations/cy/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh, locale="cy")
    texts = [s for m in catalogue for s in (m.string if isinstance(m.string, tuple)
                                            else (m.string,)) if s]
    for q in CORE.questions:
        texts += [q.wording.get("cy", ""), q.hint.get("cy", ""), *q.anchors.get("cy", ())]
        texts += [o.labels.get("cy", "") for o in q.options]
    texts += [label for s in SCALES.values() for label in s.labels.get("cy", {}).values()]
    texts.append(CORE.title.get("cy", ""))
    return {w.lower() for t in texts for w in WORD.findall(t)}


def words(texts, lang: str) -> set[str]:
    return {w.lower() for text, marked in texts if marked == lang for w in WORD.findall(text)}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not unpacked: run scripts/test-deps.sh")
def test_every_state_is_axe_clean_focus_visible_and_in_its_language(site, browser):  # noqa: F811
    base_url, area, names = site
    problems: dict[str, object] = {}
    seen: dict[tuple[str, str], list] = {}
    for lang in ("en", "cy"):
        ctx = context(browser, base_url, bypass_csp=True)  # axe is injected as a script
        try:
            page = ctx.new_page()
            for name, reach in states(area):
                reach(page, lang)
                page.wait_for_load_state("load")
                where = f"{lang} {name}"
                if page.evaluate("document.documentElement.lang") != lang:
                    problems[f"{where}: lang"] = page.evaluate("document.documentElement.lang")
                seen[lang, name] = page.evaluate(TEXTS)
                levels = page.evaluate("[...document.querySelectorAll('h1, h2, h3, h4')]"
                                       ".map(h => +h.tagName[1])")
                if levels[:1] != [1] or levels.count(1) != 1 or any(
                        b > a + 1 for a, b in zip(levels, levels[1:])):
                    problems[f"{where}: headings out of order"] = levels
                # A page sent back with errors says so first in its title, for screen readers.
                erred = page.locator(".summary").count() > 0
                if erred != page.title().startswith(("Error:", "Gwall:")):
                    problems[f"{where}: title"] = page.title()
                found = violations(page)
                if found:
                    problems[f"{where}: axe"] = found
                # Tab through the whole page from the top: every stop shows where it is.
                stops = tab_through(page, FOCUS)
                hidden = [s["name"] for s in stops if not (s["ring"] and s["seen"])]
                if hidden or len(stops) < 3:
                    problems[f"{where}: focus not shown"] = hidden or stops
        finally:
            ctx.close()

    # A Welsh page holds no English words but names; staff-written text is marked English.
    known = welsh_vocabulary() | {w.lower() for n in names for w in WORD.findall(n)}
    for name, _reach in states(area):
        texts = seen["cy", name]
        english = words(texts, "cy") & words(seen["en", name], "en") - known
        if english:
            problems[f"cy {name}: English words on a Welsh page"] = sorted(english)
        marked = {text for text, lang in texts if lang == "en"} - {"English"}
        if marked - {TOPIC, ACTION}:
            problems[f"cy {name}: marked English"] = sorted(marked)
    said = {text for text, lang in seen["cy", "you said, we did"] if lang == "en"}
    if not {TOPIC, ACTION} <= said:
        problems["cy you said, we did: staff-written text not marked English"] = sorted(said)
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# For each 0-10 row: how far its boxes' right edge falls short of the "10 = ..." label above.
SCALE_GAPS = """() => [...document.querySelectorAll('.s10')].map(grid => {
  const ends = grid.previousElementSibling.getBoundingClientRect();
  const right = Math.max(...[...grid.children].map(c => c.getBoundingClientRect().right));
  return Math.round(ends.right - right); })"""


def test_every_0_to_10_row_runs_under_its_end_labels(site, browser):  # noqa: F811
    """The "10" box stands under "10 = Completely safe" on a phone, a tablet and a desktop (a
    grid that left empty columns put it a box or two short of its label)."""
    base_url, area, _names = site
    gaps = {}
    for width in (360, 768, 1280):
        ctx = context(browser, base_url, {"width": width, "height": 800})
        try:
            page = ctx.new_page()
            page.goto(f"/s/{area.ward}/questions?consent=yes")
            found = page.evaluate(SCALE_GAPS)
            assert len(found) == 5, found          # the five 0-10 questions
            if any(abs(gap) > 1 for gap in found):
                gaps[width] = found
        finally:
            ctx.close()
    assert not gaps, gaps
