"""Languages: the Welsh catalogue is complete, compiled, and really used by the pages.

Adding a language is a catalogue (pulse/translations/<code>/) plus instrument wording
(surveys/core.py); these tests fail with the step that was missed.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from surveys.core import CORE
from surveys.scales import SCALES
from tests.support import GOOD_ANSWERS, open_survey

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "pulse" / "translations"
# Everything a resident can meet; officer-only screens may lag behind a new language.
RESIDENT_SOURCES = ("pulse/templates/base.html", "pulse/templates/survey/",
                    "pulse/templates/errors/", "pulse/templates/main/", "pulse/survey/",
                    "pulse/errors.py", "pulse/formbody.py", "pulse/main/", "pulse/i18n.py",
                    "pulse/codes/",
                    "pulse/templates/codes/",
                    # Shown to residents from other blueprints: the offline queue's messages
                    # and "you said, we did" (on the thank-you page and a page of its own).
                    "pulse/templates/collect/_outbox.html",
                    "pulse/templates/officer/_you_said.html", "pulse/templates/officer/you_said.html")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
REFRESH = "run `make translations` and translate the new entries in {po}"


def other_languages(app) -> list[str]:
    return [code for code in app.config["PULSE_LANGUAGES"] if code != app.config["BABEL_DEFAULT_LOCALE"]]


def catalogue(code: str):
    po = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    assert po.exists(), f"no catalogue for {code!r}: pybabel init -i pulse/translations/messages.pot -d pulse/translations -l {code}"
    with po.open("rb") as fh:
        return po, read_po(fh, locale=code)


def resident_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for path, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map):
        if path.replace("\\", "/").startswith(RESIDENT_SOURCES):
            found.add(message if isinstance(message, str) else message[0])
    return found


def translated(message) -> bool:
    """A plural entry counts only when every one of the language's forms is written."""
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


def test_catalogue_entries_are_sound(app):
    """No guessed (fuzzy) entry, and every translation keeps the placeholders it is given."""
    for code in other_languages(app):
        po, cat = catalogue(code)
        fuzzy = [m.id for m in cat if m.id and m.fuzzy]
        assert not fuzzy, f"{code}: fuzzy entries {fuzzy[:5]} in {po}: check and unmark them"
        for m in cat:
            # A plural entry holds its forms as tuples; every form keeps the same placeholders.
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if ids[0] and all(strings):
                wanted = {frozenset(PLACEHOLDER.findall(text)) for text in ids}
                assert len(wanted) == 1, ids
                for text in strings:
                    assert set(PLACEHOLDER.findall(text)) == set(next(iter(wanted))), ids[0]


def test_catalogues_cover_every_resident_facing_string(app):
    wanted = resident_messages()
    assert "Send my answers" in wanted  # the extraction itself works
    for code in other_languages(app):
        po, cat = catalogue(code)
        missing = sorted(m for m in wanted if not (cat.get(m) and translated(cat.get(m))))
        assert not missing, f"{code}: {missing[:5]} not in the catalogue; " + REFRESH.format(po=po)


def test_compiled_catalogues_match_their_sources(app):
    """The .mo files are committed; a stale one would silently show old or English text."""
    for code in other_languages(app):
        po, cat = catalogue(code)
        compiled = io.BytesIO()
        write_mo(compiled, cat)
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.read_bytes() == compiled.getvalue(), \
            f"{mo} is missing or older than {po.name}: run `make translations`"


def test_instrument_and_scales_are_worded_in_every_language(app):
    for code in app.config["PULSE_LANGUAGES"]:
        assert code in CORE.languages and code in CORE.title, f"surveys/core.py: CORE has no {code!r}"
        for q in CORE.questions:
            assert q.wording.get(code), f"{q.code}: no {code!r} wording in surveys/core.py"
            assert not q.hint or q.hint.get(code), f"{q.code}: no {code!r} hint"
            assert not q.anchors or q.anchors.get(code), f"{q.code}: no {code!r} scale ends"
            for option in q.options:
                assert option.labels.get(code), f"{q.code}={option.value}: no {code!r} label"
        for scale in SCALES.values():
            if scale.labels:
                assert set(scale.labels.get(code, {})) == set(scale.values), \
                    f"surveys/scales.py: {scale.code} lacks {code!r} labels"


def test_welsh_pages_show_welsh_interface_text(client, survey_area):
    intro = client.get(f"/s/{survey_area.ward}?lang=cy").get_data(as_text=True)
    assert '<html lang="cy">' in intro
    assert "Cyn i chi ddechrau: eich preifatrwydd" in intro
    assert "Rwy’n cytuno – dechrau’r arolwg" in intro
    assert "Neidio i’r prif gynnwys" in intro
    assert "Before you start" not in intro and "Skip to main content" not in intro

    # The choice is remembered: the questions page needs no ?lang= to stay Welsh.
    page = client.get(f"/s/{survey_area.ward}/questions?consent=yes").get_data(as_text=True)
    assert "<title>" in page and "Eich cymdogaeth: diogelwch a phlismona" in page
    for welsh in ("Anfon fy atebion", "Ddim yn gwybod", "Amdanoch chi (dewisol)",
                  "Cytuno’n gryf", "Gwael iawn", "Ddim yn ddiogel o gwbl", "(dewisol)"):
        assert welsh in page, welsh
    assert "Send my answers" not in page and "Don't know" not in page


def test_welsh_errors_are_welsh(client, survey_area):
    tokens = open_survey(client, survey_area.ward, lang="cy")
    reply = client.post(f"/s/{survey_area.ward}/questions",
                        data={**tokens, **{**GOOD_ANSWERS, "listen": ""}})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "Mae problem wedi codi" in html
    assert "Atebwch y cwestiwn hwn." in html
    assert "<title>Gwall:" in html
    assert "Please answer this question." not in html


def test_welsh_error_page(client):
    page = client.get("/s/NOWHERE?lang=cy")
    assert page.status_code == 404
    assert "Heb ddod o hyd i’r dudalen" in page.get_data(as_text=True)


@pytest.mark.parametrize("language, other", [("en", "Cymraeg"), ("cy", "English")])
def test_language_switch_keeps_the_page_and_its_query(client, survey_area, language, other):
    page = client.get(f"/s/{survey_area.ward}?via=qr&lang={language}")
    html = page.get_data(as_text=True)
    target = "cy" if language == "en" else "en"
    link = re.search(rf'<a href="([^"]+)" lang="{target}" hreflang="{target}">{other}</a>', html)
    assert link, "no link to the other language"
    assert "via=qr" in link.group(1) and f"lang={target}" in link.group(1)
    assert f'aria-current="true" lang="{language}"' in html
