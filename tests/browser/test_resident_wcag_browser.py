"""The WCAG 2.2 AA success criteria that axe, the screen-size and the Tab tests do not reach,
measured in Debian's Chromium (Playwright) on every resident page state of
tests/browser/resident_support.py, in English and Welsh:

- 1.4.12 text spacing: with the standard bookmarklet's spacing (line height 1.5, 2em after
  paragraphs, letter spacing 0.12em, word spacing 0.16em) at 360 px, no sideways scrolling, no
  box whose text spills out of it or is cut off, and no two labels, controls or blocks of text
  on top of each other;
- forced colours (Windows high contrast): every control keeps a border, the focus ring stays
  (an outline: forced colours drop box shadows), radios stay visible, error markers keep their
  border, and nothing that stands out only by its background is left indistinguishable;
- 1.4.11 non-text contrast: control borders, answer boxes, error bars, radio buttons (read off
  the screen's pixels) and the focus ring at every Tab stop at least 3:1 against what is
  around them;
- reduced motion: no animation or transition runs, and nothing scrolls smoothly;
- 1.3.4 orientation: a landscape phone (740 x 360) shows everything portrait shows, without
  sideways scrolling and with 44-px targets; nothing locks the orientation;
- 1.4.13 content on hover or focus: no style shows other content when something is hovered
  or focused, and hovering or focusing every control shows nothing new;
- what a screen reader is given (Chromium's accessibility tree through the DevTools protocol)
  on the questions page: each radio group named by its question, each radio by its answer, the
  comment box by its question with its hint as description, the error summary an alert with
  focus on it, each invalid group or field marked invalid and described by its error, and the
  anti-spam field absent.
"""
from __future__ import annotations

import base64
import json
import os
import re

import pytest
from babel.messages.pofile import read_po

from surveys.core import CORE
from tests.browser.resident_support import (  # noqa: F401  (site is a fixture)
    CODED, ROOT, context, site, states, tab_through)
from tests.browser.test_resident_pages_browser import SMALL_TARGETS
from tests.browser.test_survey_browser import (  # noqa: F401  (browser is a fixture)
    CHROMIUM, browser)

pytestmark = [
    pytest.mark.slow,
    # What the browser renders and exposes: the same on every backend (SQLite only).
    pytest.mark.one_backend,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

LANGS = ("en", "cy")
PORTRAIT = {"width": 360, "height": 640}
LANDSCAPE = {"width": 740, "height": 360}
QUESTION_STATES = ("questions", "questions with errors")
CLOSED_QUESTIONS = [q for q in CORE.questions if q.kind != "text"]

# The text-spacing bookmarklet's rules (WCAG 1.4.12's four values), as a constructed style
# sheet: the site's Content-Security-Policy allows no <style> element, and should not have to.
SPACING = ("*{line-height:1.5!important;letter-spacing:.12em!important;"
           "word-spacing:.16em!important}p{margin-bottom:2em!important}")
ADD_SPACING = """css => { const s = new CSSStyleSheet(); s.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, s];
  return getComputedStyle(document.body).wordSpacing; }"""

# Shared by the checks below: colours, contrast, what is shown and what it stands on.
HELPERS = """
const rgb = c => { const m = /rgba?\\(([^)]*)\\)/.exec(c || '');
  if (!m) return null; const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
const lum = c => { const f = v => { v /= 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
const ratio = (a, b) => { const x = lum(a), y = lum(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const opaque = c => c && c[3] > 0.5;
// The colour behind an element: the first opaque background from it outwards.
const behind = e => { for (let n = e; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor); if (opaque(c)) return c; }
  return [255, 255, 255, 1]; };
// On screen for a sighted user (visually hidden text and the off-screen honeypot are not).
const seen = e => !e.closest('[hidden], .vh, .hp') && e.getClientRects().length > 0
  && getComputedStyle(e).visibility !== 'hidden'
  && e.getBoundingClientRect().right > 0 && e.getBoundingClientRect().width > 1;
const label = e => (e.id ? '#' + e.id : e.tagName.toLowerCase()
  + (e.classList.length ? '.' + [...e.classList].join('.') : ''))
  + ' "' + e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 30) + '"';
const sides = ['Top', 'Right', 'Bottom', 'Left'];
const borders = (e, s = getComputedStyle(e)) => sides
  .filter(k => s['border' + k + 'Style'] !== 'none' && parseFloat(s['border' + k + 'Width']) >= 1)
  .map(k => rgb(s['border' + k + 'Color'])).filter(opaque);
const CONTROLS = 'input:not([type=hidden]):not([type=radio]), textarea, select, button, '
  + 'a.button, label.opt';
// What a pointer or the keyboard can rest on (a radio through the answer box around it).
const POINTABLE = () => [...document.body.querySelectorAll('a[href], button, textarea, '
  + 'input:not([type=hidden]):not([type=radio]), label.opt, summary, [title], [tabindex]')]
  .filter(seen);
"""


def js(body: str) -> str:
    """A function for page.evaluate with the helpers above in scope."""
    return "(arg) => {" + HELPERS + body + "}"


# 1.4.12: sideways scrolling, text spilling out of or cut off by its box, things overlapping.
SPACING_PROBLEMS = js("""
const out = [], root = document.documentElement;
if (root.scrollWidth > innerWidth) out.push('scrolls sideways: ' + root.scrollWidth);
for (const e of document.body.querySelectorAll('*')) {
  if (!seen(e) || e.matches('input, textarea, select, script')) continue;
  const s = getComputedStyle(e);
  if (s.display === 'inline' || s.display === 'contents') continue;
  if (e.scrollWidth > e.clientWidth + 1)
    out.push('wider than its box: ' + label(e) + ` ${e.scrollWidth} > ${e.clientWidth}`);
  // Taller than its box: cut off if the box hides its overflow, else spilling onto what follows.
  if (e.scrollHeight > e.clientHeight + 1)
    out.push((s.overflowY === 'visible' ? 'spills out of its box: ' : 'cut off: ') + label(e)
             + ` ${e.scrollHeight} > ${e.clientHeight}`);
}
const items = [...document.body.querySelectorAll(
  'h1, h2, h3, p, li, dt, dd, label, legend, input:not([type=hidden]), textarea, select, '
  + 'button, a, .ends span')].filter(seen).map(e => [e, e.getBoundingClientRect()]);
for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
  const [a, r] = items[i], [b, q] = items[j];
  if (a.contains(b) || b.contains(a)) continue;
  const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
  const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
  if (w > 1 && h > 1) out.push('overlap: ' + label(a) + ' / ' + label(b));
}
return out;""")


def each_state(browser, site, viewport=PORTRAIT, **options):
    """(language, state name, page, reach) for every resident page state in each language,
    one browser context per language, closed however the caller's loop ends."""
    base_url, area, _names = site
    for lang in LANGS:
        ctx = context(browser, base_url, viewport, **options)
        try:
            page = ctx.new_page()
            for name, reach in states(area):
                yield lang, name, page, reach
        finally:
            ctx.close()


def test_text_spacing_clips_and_overlaps_nothing_at_360px(site, browser):  # noqa: F811
    problems: dict[str, object] = {}
    for lang, name, page, reach in each_state(browser, site):
        reach(page, lang)
        # The spacing really applies (0.16em of a 16-px font).
        assert page.evaluate(ADD_SPACING, SPACING) == "2.56px", name
        found = page.evaluate(SPACING_PROBLEMS)
        if found:
            problems[f"{lang} {name}"] = found
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# The focus ring at the current Tab stop: its bands (outline, then box-shadow colours) and the
# colour around it. Radios show theirs on the answer box around them.
RING = js("""
const e = document.activeElement;
if (!e || e === document.body || e.id === 'tab-start') return null;
const t = e.closest('label.opt') || e, s = getComputedStyle(t);
const bands = [];
if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) bands.push(rgb(s.outlineColor));
for (const m of s.boxShadow.matchAll(/rgba?\\([^)]*\\)/g)) bands.push(rgb(m[0]));
const around = behind(t.parentElement);
const best = Math.max(0, ...bands.filter(opaque).map(c => ratio(c, around)));
return {name: label(e), outline: s.outlineStyle, best: Math.round(best * 100) / 100};""")

# 1.4.11 and forced colours: every control's edge (its border or its own background) and the
# error markers against what is around them. A button drawn as an underlined link has neither
# and is read as text, whose contrast axe checks.
EDGES = js("""
const out = [];
for (const e of document.querySelectorAll(CONTROLS)) {
  if (!seen(e)) continue;
  const s = getComputedStyle(e), around = behind(e.parentElement), own = rgb(s.backgroundColor);
  const edge = Math.max(0, ...borders(e, s).map(c => ratio(c, around)),
                        opaque(own) ? ratio(own, around) : 0);
  const text = s.textDecorationLine.includes('underline');
  if (edge < 3 && !(text && !borders(e, s).length && !opaque(own)))
    out.push(`${label(e)}: edge ${edge.toFixed(2)}:1`);
}
for (const e of document.querySelectorAll('.summary, .q.has-error, .notice, .outbox')) {
  if (!seen(e)) continue;
  const around = behind(e.parentElement);
  const edge = Math.max(0, ...borders(e).map(c => ratio(c, around)));
  if (edge < 3) out.push(`${label(e)}: border ${edge.toFixed(2)}:1`);
}
for (const e of document.querySelectorAll('.error')) {
  if (!seen(e)) continue;
  const r = ratio(rgb(getComputedStyle(e).color), behind(e));
  if (r < 4.5 || !e.textContent.trim()) out.push(`${label(e)}: error text ${r.toFixed(2)}:1`);
}
return out;""")

# The darkest contrast a screenshot of a radio has against the box it sits in.
PIXELS = js("""
return (async () => { const [png, around] = arg;
  const bytes = Uint8Array.from(atob(png), ch => ch.charCodeAt(0));
  const image = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
  const canvas = new OffscreenCanvas(image.width, image.height);
  const g = canvas.getContext('2d'); g.drawImage(image, 0, 0);
  const d = g.getImageData(0, 0, image.width, image.height).data;
  let best = 1;
  for (let i = 0; i < d.length; i += 4)
    best = Math.max(best, ratio([d[i], d[i + 1], d[i + 2]], around));
  return Math.round(best * 100) / 100; })();""")


def radio_contrast(page) -> dict[str, float]:
    """For the first answer of each question, unchecked and checked: its most contrasting
    pixel against its answer box (the radio's own ring and dot are what show its state)."""
    found: dict[str, float] = {}
    for radio_id in page.evaluate("[...document.querySelectorAll('fieldset')]"
                                  ".map(f => f.querySelector('input[type=radio]').id)"):
        radio = page.locator(f"#{radio_id}")
        for checked in (False, True):
            radio.evaluate("(e, on) => { e.checked = on; }", checked)
            around = radio.evaluate("e => getComputedStyle(e.closest('label'))"
                                    ".backgroundColor")
            shot = base64.b64encode(radio.screenshot(animations="disabled")).decode()
            value = page.evaluate(PIXELS, [shot, page.evaluate(js("return rgb(arg);"), around)])
            found[f"{radio_id} {'checked' if checked else 'unchecked'}"] = value
        radio.evaluate("e => { e.checked = false; }")
    return found


def test_non_text_contrast_of_edges_radios_and_focus_ring_is_3_to_1(site, browser):  # noqa: F811
    problems: dict[str, object] = {}
    for lang, name, page, reach in each_state(browser, site):
        reach(page, lang)
        where = f"{lang} {name}"
        found = page.evaluate(EDGES)
        if found:
            problems[f"{where}: edges"] = found
        faint = [s for s in tab_through(page, RING) if s["best"] < 3]
        if faint:
            problems[f"{where}: focus ring under 3:1"] = faint
        if name in QUESTION_STATES:
            radios = radio_contrast(page)
            faint_radios = {k: v for k, v in radios.items() if v < 3}
            if faint_radios or len(radios) != 2 * len(CLOSED_QUESTIONS):
                problems[f"{where}: radios under 3:1"] = faint_radios or radios
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# Forced colours: what stood out by its background alone in normal colours (marked before the
# switch) must keep a border; forced colours flatten every background to the same Canvas.
MARK_BACKGROUNDS = js("""
let n = 0;
for (const e of document.body.querySelectorAll('*')) {
  if (!seen(e) || e.matches('input, textarea, select')) continue;
  const own = rgb(getComputedStyle(e).backgroundColor);
  if (opaque(own) && ratio(own, behind(e.parentElement)) >= 1.1) { e.dataset.bg = ''; n++; }
}
return n;""")
FORCED_PROBLEMS = js("""
const out = [];
for (const e of document.querySelectorAll('[data-bg]')) {
  if (!seen(e)) continue;
  if (!borders(e).some(c => ratio(c, behind(e.parentElement)) >= 3))
    out.push('stood out by its background alone: ' + label(e));
}
return out;""")


def test_forced_colours_keep_controls_focus_radios_and_errors_visible(site, browser):  # noqa: F811
    problems: dict[str, object] = {}
    for lang, name, page, reach in each_state(browser, site):
        page.emulate_media(forced_colors="none")
        reach(page, lang)
        where = f"{lang} {name}"
        page.evaluate(MARK_BACKGROUNDS)
        page.emulate_media(forced_colors="active")
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        found = page.evaluate(EDGES) + page.evaluate(FORCED_PROBLEMS)
        if found:
            problems[f"{where}: edges"] = found
        stops = tab_through(page, RING)
        lost = [s for s in stops if s["outline"] == "none" or s["best"] < 3]
        if lost or len(stops) < 3:
            problems[f"{where}: focus ring lost"] = lost or stops
        if name in QUESTION_STATES:
            faint = {k: v for k, v in radio_contrast(page).items() if v < 3}
            if faint:
                problems[f"{where}: radios under 3:1"] = faint
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


MOTION = js("""
const out = [], dur = v => v.split(',').some(t => parseFloat(t) > 0);
for (const e of [document.documentElement, ...document.body.querySelectorAll('*')]) {
  for (const pseudo of [null, '::before', '::after']) {
    const s = getComputedStyle(e, pseudo);
    if (s.animationName !== 'none' && dur(s.animationDuration))
      out.push('animation: ' + label(e) + (pseudo || ''));
    if (dur(s.transitionDuration) || dur(s.transitionDelay))
      out.push('transition: ' + label(e) + (pseudo || ''));
  }
}
if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth')
  out.push('smooth scrolling');
return out.concat(document.getAnimations().map(a => 'running: ' + a.constructor.name));""")


def test_reduced_motion_leaves_nothing_moving(site, browser):  # noqa: F811
    problems: dict[str, object] = {}
    for lang, name, page, reach in each_state(browser, site, reduced_motion="reduce"):
        reach(page, lang)
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
        found = page.evaluate(MOTION)
        # Hovering and focusing must not start anything either.
        page.keyboard.press("Tab")
        page.mouse.move(PORTRAIT["width"] / 2, PORTRAIT["height"] / 2)
        found += page.evaluate(MOTION)
        if found:
            problems[f"{lang} {name}"] = sorted(set(found))
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# 1.3.4: nothing in the style sheets depends on orientation.
ORIENTATION_RULES = """() => [...document.styleSheets].flatMap(s => [...s.cssRules])
  .filter(r => r.media && /orientation/.test(r.media.mediaText)).map(r => r.cssText)"""


def test_a_landscape_phone_shows_everything_portrait_shows(site, browser):  # noqa: F811
    problems: dict[str, object] = {}
    manifest = json.loads((ROOT / "pulse/static/manifest.webmanifest").read_text())
    if manifest.get("orientation", "any") not in ("any", "natural"):
        problems["manifest locks the orientation"] = manifest["orientation"]
    for lang, name, page, reach in each_state(browser, site):
        page.set_viewport_size(PORTRAIT)
        reach(page, lang)
        where = f"{lang} {name}"
        upright = page.evaluate("document.body.innerText")
        page.set_viewport_size(LANDSCAPE)
        if page.evaluate("document.body.innerText") != upright:
            problems[f"{where}: text differs in landscape"] = True
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > LANDSCAPE["width"]:
            problems[f"{where}: scrolls sideways"] = width
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems[f"{where}: small targets"] = small
        locked = page.evaluate(ORIENTATION_RULES)
        if locked:
            problems[f"{where}: orientation rules"] = locked
    # And the survey can be answered and sent sideways: "already answered" did that.
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# 1.4.13: a rule keyed on hover or focus may restyle the hovered or focused element itself
# (colour, ring, the skip link coming into view) but must not show anything else.
REVEALING = re.compile(r"^(display|visibility|opacity|content|position|left|right|top|bottom|"
                       r"inset|clip|clip-path|width|height|max-height|max-width|transform|"
                       r"z-index|overflow)")
HOVER_RULES = """() => [...document.styleSheets].flatMap(s => [...s.cssRules])
  .filter(r => r.selectorText
    && /:(hover|focus|focus-within|focus-visible|active)/.test(r.selectorText))
  .map(r => [r.selectorText, [...r.style]])"""
# Every element shown on screen, by position in the document.
SHOWN = js("""
return [...document.body.querySelectorAll('*')].map((e, i) => seen(e)
  && e.getBoundingClientRect().bottom > 0 ? i : -1).filter(i => i >= 0);""")
TARGETS = js("return POINTABLE().length;")
POINT_AT = js("""
const e = POINTABLE()[arg];
e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
const all = [...document.body.querySelectorAll('*')];
const own = all.map((n, i) => (e.contains(n) || n.contains(e)) ? i : -1).filter(i => i >= 0);
return {name: label(e), x: r.left + r.width / 2, y: r.top + r.height / 2, own};""")
FOCUS_AT = js("""
const e = POINTABLE()[arg];
(e.matches('label') ? e.querySelector('input') : e).focus();""")


def on_its_subject(selector: str) -> bool:
    """Whether the pseudo-class sits on the selector's own subject, not on an ancestor or a
    sibling: in the subject's own :has() too (an answer box ringed while its radio has focus)."""
    flat = re.sub(r"\((?:[^()]|\([^()]*\))*\)", "", selector)
    last = re.split(r"[\s>+~]+", flat.strip())[-1]
    return bool(re.search(r":(hover|focus|focus-within|focus-visible|active|has)\b", last))


def test_nothing_appears_on_hover_or_focus(site, browser):  # noqa: F811
    problems: dict[str, object] = {}
    for lang, name, page, reach in each_state(browser, site):
        reach(page, lang)
        where = f"{lang} {name}"
        for selector, props in page.evaluate(HOVER_RULES):
            for part in selector.split(","):
                revealing = [p for p in props if REVEALING.match(p)]
                if revealing and not on_its_subject(part):
                    problems[f"{where}: {part.strip()}"] = revealing
        # No tooltips of our own; a title's tooltip is the browser's, but none is used.
        tips = page.evaluate("document.querySelectorAll('[role=tooltip], [title]').length")
        if tips:
            problems[f"{where}: tooltips"] = tips
        if name not in ("area list", "questions with errors", "thank-you, how to report, "
                        "you said we did"):
            continue
        # Point at and focus every control: nothing else comes into view.
        for i in range(page.evaluate(TARGETS)):
            target = page.evaluate(POINT_AT, i)
            before = set(page.evaluate(SHOWN)) - set(target["own"])
            page.mouse.move(target["x"], target["y"])
            hovered = set(page.evaluate(SHOWN)) - set(target["own"])
            page.evaluate(FOCUS_AT, i)
            focused = set(page.evaluate(SHOWN)) - set(target["own"])
            page.mouse.move(0, 0)
            if hovered != before or focused != before:
                problems[f"{where}: {target['name']} shows"] = sorted(
                    (hovered | focused) ^ before)
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def welsh(msgid: str) -> str:
    with (ROOT / "pulse/translations/cy/LC_MESSAGES/messages.po").open("rb") as fh:
        message = read_po(fh, locale="cy").get(msgid)
    assert message and message.string, msgid
    return message.string


def say(msgid: str, lang: str) -> str:
    return msgid if lang == "en" else welsh(msgid)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def answers(q, lang: str) -> list[str]:
    """The names a screen reader should give the answers of a closed question, in order."""
    if q.kind == "scale" and q.scale == "s10":
        ends = q.anchor_text(lang)
        names = [str(v) for v in range(11)]
        if ends:
            names[0], names[10] = f"0 – {ends[0]}", f"10 – {ends[1]}"
    elif q.kind == "scale":
        names = [q.scale_def.label(v, lang) for v in reversed(q.scale_def.values)]
    else:
        names = [o.label(lang) for o in q.options]
    return names + ([say("Don't know", lang)] if q.kind == "scale" else [])


class Tree:
    """Chromium's accessibility tree, read through the DevTools protocol."""

    def __init__(self, ctx, page):
        self.cdp = ctx.new_cdp_session(page)
        self.cdp.send("Accessibility.enable")

    def nodes(self, selector: str) -> list[dict]:
        root = self.cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = []
        for node_id in self.cdp.send("DOM.querySelectorAll",
                                     {"nodeId": root, "selector": selector})["nodeIds"]:
            found.append(self.cdp.send("Accessibility.getPartialAXTree",
                                       {"nodeId": node_id, "fetchRelatives": False})["nodes"][0])
        return found

    def everything(self) -> list[dict]:
        return [n for n in self.cdp.send("Accessibility.getFullAXTree")["nodes"]
                if not n.get("ignored")]


def value(node: dict, key: str) -> str:
    return squash(str(node.get(key, {}).get("value", "")))


def prop(node: dict, name: str):
    return next((p["value"].get("value") for p in node.get("properties", [])
                 if p["name"] == name), None)


def read_questions(tree: Tree, page, lang: str, erred: set[str]) -> list[str]:
    """What is wrong with the questions as a screen reader is given them."""
    wrong = []
    for q in CORE.questions:
        wording, hint = q.text(lang), q.hint_text(lang)
        if q.kind == "text":
            (box,) = tree.nodes(f"textarea#{q.code}")
            if value(box, "role") != "textbox" or wording not in value(box, "name"):
                wrong.append(f"{q.code}: {value(box, 'role')} named {value(box, 'name')!r}")
            if hint and not value(box, "description").startswith(hint):
                wrong.append(f"{q.code}: described as {value(box, 'description')!r}")
            group = box
        else:
            (group,) = tree.nodes(f"#q-{q.code} fieldset")
            if value(group, "role") not in ("group", "radiogroup") \
                    or wording not in value(group, "name"):
                wrong.append(f"{q.code}: {value(group, 'role')} named {value(group, 'name')!r}")
            if hint and hint not in value(group, "description"):
                wrong.append(f"{q.code}: hint missing from {value(group, 'description')!r}")
            radios = tree.nodes(f"#q-{q.code} input[type=radio]")
            named = [(value(r, "role"), value(r, "name")) for r in radios]
            if named != [("radio", a) for a in answers(q, lang)]:
                wrong.append(f"{q.code}: radios {named}")
        invalid = prop(group, "invalid") not in (None, "false")
        if invalid != (q.code in erred):
            wrong.append(f"{q.code}: invalid is {prop(group, 'invalid')}")
        if q.code in erred:
            error = squash(page.evaluate(f"document.getElementById('err-{q.code}')?.textContent"))
            said = value(group, "description")
            if not error.startswith(say("Error:", lang)) or error not in said:
                wrong.append(f"{q.code}: error {error!r} not in the description {said!r}")
    return wrong


def test_a_screen_reader_is_given_the_questions_answers_and_errors(site, browser):  # noqa: F811
    base_url, area, _names = site
    problems: dict[str, object] = {}
    reach = dict(states(area))
    required = {q.code for q in CORE.questions if not q.optional}
    for lang in LANGS:
        ctx = context(browser, base_url, PORTRAIT)
        try:
            page = ctx.new_page()
            tree = Tree(ctx, page)
            for name, erred in (("questions", set()), ("questions with errors", required)):
                reach[name](page, lang)
                where = f"{lang} {name}"
                wrong = read_questions(tree, page, lang, erred)
                # The anti-spam field is in no one's way: not in the tree at all.
                everything = tree.everything()
                trap = [value(n, "name") for n in everything
                        if say("Leave this empty", lang) in value(n, "name")]
                if trap or not tree.nodes("#website") or not tree.nodes("#website")[0].get(
                        "ignored"):
                    wrong.append(f"honeypot in the tree: {trap}")
                alerts = [n for n in everything if value(n, "role") == "alert"]
                if erred:
                    focused = page.evaluate("document.activeElement.className")
                    if len(alerts) != 1 or value(alerts[0], "name") != say(
                            "There is a problem", lang) or focused != "summary":
                        wrong.append(f"error summary: {[value(a, 'name') for a in alerts]}, "
                                     f"focus on {focused!r}")
                elif alerts:
                    wrong.append(f"alerts on a page without errors: {len(alerts)}")
                if wrong:
                    problems[where] = wrong
            # A single text field sent back with an error: the code page.
            reach["wrong code"](page, lang)
            (box,) = tree.nodes("#code")
            said = value(box, "description")
            error = squash(page.locator("#code-error").text_content())
            if prop(box, "invalid") in (None, "false") or not error.startswith(
                    say("Error:", lang)) or error not in said:
                problems[f"{lang} wrong code"] = [prop(box, "invalid"), error, said]
            page.goto(f"/s/{CODED}/code?lang={lang}")
            (box,) = tree.nodes("#code")
            if prop(box, "invalid") not in (None, "false") or not value(box, "name"):
                problems[f"{lang} enter a code"] = [prop(box, "invalid"), value(box, "name")]
        finally:
            ctx.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
