"""WCAG 2.2 AA checks on the resident pages that need no browser.

Contrast is computed from the colours in pulse.css; structure (labels, fieldsets, error
wiring, titles, skip link, honeypot) is read from the rendered HTML. Layout, focus order and
target sizes are measured in a real browser in tests/browser/.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support import GOOD_ANSWERS, open_survey

CSS = Path(__file__).resolve().parents[2] / "pulse" / "static" / "pulse.css"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


# --- colour contrast -------------------------------------------------------------------------

def css_rules() -> dict[str, dict[str, str]]:
    """Top-level rules of pulse.css (print media left out), selector -> declarations."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    text = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", text)
    rules: dict[str, dict[str, str]] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        decls = dict(
            (k.strip(), v.strip()) for k, v in
            (d.split(":", 1) for d in body.split(";") if ":" in d))
        rules.setdefault(selector.strip(), {}).update(decls)
    return rules


def hex_colour(value: str) -> tuple[float, float, float] | None:
    m = re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", value)
    if not m:
        return None
    h = m.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(rgb) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def background(decls: dict[str, str]):
    return hex_colour(decls.get("background-color", "") or decls.get("background", ""))


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast(hex_colour("#777"), hex_colour("#fff")) == pytest.approx(4.48, abs=0.01)


def test_text_contrast_is_at_least_4_5_to_1():
    rules = css_rules()
    page_bg = background(rules["html"])
    # Surfaces that ordinary text sits on: the page, notices, answer boxes (plain and chosen).
    surfaces = {sel: background(d) for sel, d in rules.items() if background(d)
                and "color" not in d and not sel.startswith((".top", "button"))}
    surfaces["html"] = page_bg
    assert len(surfaces) >= 3, surfaces
    header_bg = background(rules[".top"])
    checked = 0
    for selector, decls in rules.items():
        fg = hex_colour(decls.get("color", ""))
        if fg is None:
            continue
        own = background(decls)
        if own is not None:
            grounds = {selector: own}
        elif selector.startswith((".brand", ".langs")):
            grounds = {".top": header_bg}
        else:
            grounds = surfaces
        for where, bg in grounds.items():
            ratio = contrast(fg, bg)
            checked += 1
            assert ratio >= 4.5, f"{selector} {decls['color']} on {where}: {ratio:.2f}:1"
    assert checked >= 15


def test_answer_box_borders_and_focus_ring_are_visible():
    """Non-text contrast (1.4.11): 3:1 for the outline of an answer box and the focus ring."""
    rules = css_rules()
    white = hex_colour("#fff")
    assert contrast(hex_colour(rules[".opt"]["border"]), white) >= 3
    assert contrast(hex_colour(rules[".opt:has(input:checked)"]["border-color"]), white) >= 3
    ring = rules[":focus-visible"]
    # The yellow ring is paired with a dark halo so it shows on white and on the blue header.
    assert contrast(hex_colour(ring["box-shadow"]), white) >= 3
    assert contrast(hex_colour(ring["outline"]), background(rules[".top"])) >= 3


# --- rendered HTML ---------------------------------------------------------------------------

@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    text: str = ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def all_text(self) -> str:
        return " ".join(" ".join(n.text.split()) for n in self.walk() if n.text).strip()


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(Node("#text", {}, self.current, text=data))

    def find(self, tag=None, **attrs):
        return [n for n in self.root.walk() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def by_id(self, ident):
        found = [n for n in self.root.walk() if n.attrs.get("id") == ident]
        return found[0] if found else None


def check_page(html: str, language: str = "en") -> Tree:
    """What every resident page must have, whatever it shows."""
    tree = Tree(html)
    assert tree.find("html")[0].attrs.get("lang") == language
    title = tree.find("title")[0].all_text()
    # Each title names its page, not just the site.
    assert title and title not in ("Neighbourhood Pulse", "Curiad y Gymdogaeth"), title
    viewport = tree.find("meta", name="viewport")[0].attrs["content"]
    assert "width=device-width" in viewport and "user-scalable" not in viewport \
        and "maximum-scale" not in viewport  # people must be able to zoom
    links = tree.find("a")
    assert links[0].attrs.get("href") == "#main" and "skip" in links[0].attrs.get("class", "")
    assert tree.by_id("main") is not None and tree.by_id("main").tag == "main"
    assert len(tree.find("h1")) == 1
    ids = [n.attrs["id"] for n in tree.root.walk() if "id" in n.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for link in tree.find("a", hreflang="cy") + tree.find("a", hreflang="en"):
        assert link.attrs.get("lang") == link.attrs["hreflang"]
    return tree


def check_controls(tree: Tree) -> None:
    """Every visible control has a label; every radio group is a fieldset with a legend."""
    for node in tree.root.walk():
        if node.tag not in ("input", "textarea", "select"):
            continue
        kind = node.attrs.get("type", "text")
        if kind in ("hidden", "submit", "button"):
            continue
        if node.attrs.get("name") == "website":
            # The honeypot: hidden from assistive technology, out of the tab order.
            assert node.attrs.get("tabindex") == "-1" and node.attrs.get("autocomplete") == "off"
            assert any(a.attrs.get("aria-hidden") == "true" for a in node.ancestors())
            continue
        wrapped = any(a.tag == "label" for a in node.ancestors())
        ident = node.attrs.get("id")
        labelled_for = ident and tree.find("label", for_=ident)
        assert wrapped or labelled_for, f"{node.tag} {node.attrs} has no label"
        if kind == "radio":
            fieldset = next((a for a in node.ancestors() if a.tag == "fieldset"), None)
            assert fieldset is not None, f"radio {node.attrs['name']} outside a fieldset"
            legend = next(c for c in fieldset.children if c.tag != "#text")
            assert legend.tag == "legend" and legend.all_text()
            same = [n for n in fieldset.walk() if n.tag == "input" and n.attrs.get("type") == "radio"]
            assert {n.attrs["name"] for n in same} == {node.attrs["name"]}


def test_survey_page_structure(client, survey_area):
    page = client.get(f"/s/{survey_area.ward}/questions?consent=yes")
    tree = check_page(page.get_data(as_text=True))
    check_controls(tree)
    assert len(tree.find("fieldset")) == 12 and len(tree.find("textarea")) == 1
    # The form works without script; the offline queue is one external file, never inline.
    assert [n.attrs.get("src") for n in tree.find("script")] == ["/static/collect.js"]
    # The 0-10 ends are announced on the 0 and 10 answers themselves, not only as loose text.
    assert "0 – Not safe at all" in tree.by_id("safe_day-0").parent.all_text()
    assert "10 – Completely safe" in tree.by_id("safe_day-10").parent.all_text()


def test_errors_are_announced_by_the_field_and_in_the_summary(client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    bad = {**GOOD_ANSWERS, "listen": "", "age_band": "999", "top_issue": "x" * 1001}
    page = client.post(f"/s/{survey_area.ward}/questions", data={**tokens, **bad})
    assert page.status_code == 422
    tree = check_page(page.get_data(as_text=True))
    check_controls(tree)
    assert tree.find("title")[0].all_text().startswith("Error:")

    summary = tree.find("div", **{"class": "summary"})[0]
    assert summary.attrs.get("role") == "alert" and "autofocus" in summary.attrs
    assert summary.attrs.get("tabindex") == "-1"
    links = [n for n in summary.walk() if n.tag == "a"]
    broken = [n for n in tree.root.walk() if "has-error" in n.attrs.get("class", "")]
    assert {q.attrs["id"] for q in broken} == {"q-listen", "q-age_band", "q-top_issue"}
    assert len(links) == len(broken)
    for link in links:
        target = tree.by_id(link.attrs["href"].lstrip("#"))
        assert target is not None and target.tag in ("input", "textarea"), link.attrs
        question = next(a for a in target.ancestors() if a.attrs.get("id", "").startswith("q-"))
        assert question in broken
        # The message beside the field is the one in the summary, and is tied to the control.
        message = next(n for n in question.walk() if "error" in n.attrs.get("class", "").split())
        assert message.all_text().replace("Error: ", "") in link.all_text()
        group = next((n for n in question.walk() if n.tag in ("fieldset", "textarea")))
        assert message.attrs["id"] in group.attrs.get("aria-describedby", "").split()
        # A radio group may carry aria-invalid only as a radiogroup (ARIA 1.2).
        assert group.attrs.get("aria-invalid") == "true", group.attrs
        if group.tag == "fieldset":
            assert group.attrs.get("role") == "radiogroup", group.attrs
    textarea = tree.by_id("top_issue")
    assert textarea.attrs.get("aria-invalid") == "true"
    assert set(textarea.attrs["aria-describedby"].split()) == {"hint-top_issue", "err-top_issue"}


def test_an_expired_page_token_alone_is_explained_without_an_empty_list(client, survey_area):
    tokens = open_survey(client, survey_area.ward)
    tokens["csrf_token"] = tokens["csrf_token"][:-4] + "AAAA"
    page = client.post(f"/s/{survey_area.ward}/questions", data={**tokens, **GOOD_ANSWERS})
    assert page.status_code == 400
    tree = check_page(page.get_data(as_text=True))
    assert tree.find("title")[0].all_text().startswith("Error:")
    summary = tree.find("div", **{"class": "summary"})[0]
    assert summary.attrs.get("role") == "alert" and "press Send again" in summary.all_text()
    # A list with no items is announced as an empty list: there is none.
    assert not [n for n in summary.walk() if n.tag in ("ul", "li")]


@pytest.mark.parametrize("path", ["/s/", "/s/{ward}", "/s/{ward}/thanks", "/privacy",
                                  "/accessibility", "/s/NOPE"])
@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_resident_page_has_title_skip_link_and_language(client, survey_area, path, language):
    page = client.get(path.format(ward=survey_area.ward) + f"?lang={language}")
    assert page.status_code in (200, 404)
    tree = check_page(page.get_data(as_text=True), language)
    check_controls(tree)


def test_whole_pages_stay_under_50_kb(client, survey_area):
    with client.get("/static/pulse.css") as reply:
        css = reply.data
    with client.get("/static/locate.js") as reply:
        js = reply.data
    tokens = open_survey(client, survey_area.ward)
    # The heaviest form of the survey page: every question answered wrongly.
    wrong = client.post(f"/s/{survey_area.ward}/questions",
                        data={**tokens, **{code: "" for code in GOOD_ANSWERS}, "safe_day": "99"})
    choose = client.get("/s/")
    for name, html, extra in (("survey with errors", wrong.data, css),
                              ("area list", choose.data, css + js)):
        size = len(html) + len(extra)
        assert size < 50 * 1024, f"{name}: {size} bytes"
