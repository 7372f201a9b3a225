"""Local questions: versioning, the core kept fixed, scoped collection, preview matches live."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.support import GOOD_ANSWERS, form_tokens

DARK = {"code": "ladywell_dark", "kind": "scale", "scale": "s10",
        "wording": {"en": "How safe do you feel in Ladywell Fields after dark?",
                    "cy": "Pa mor ddiogel ydych chi'n teimlo yng Nghaeau Ladywell ar ôl iddi nosi?"}}


def _publish(app, questions, areas=(), days=30):
    from pulse.admin.local import publish_local, question_from, schedule
    from pulse.extensions import db
    from pulse.models import Area

    with app.app_context():
        version = publish_local("ladywell", [question_from(q) for q in questions])
        if areas:
            found = list(db.session.scalars(select(Area).where(Area.code.in_(areas))))
            now = datetime.now(UTC)
            schedule(version, found, starts=now - timedelta(minutes=5),
                     ends=now + timedelta(days=days), label="Local: ladywell")
        db.session.commit()
        return version.id, version.version


def _questions_markup(html: str) -> str:
    """The question controls: after the honeypot, up to the send button."""
    start = html.index('name="website"')
    start = html.index("</div>", start)
    return html[start:html.index('<button type="submit"', start)]


def test_wording_change_makes_a_new_version_and_old_answers_keep_theirs(app, survey_area):
    from pulse.extensions import db
    from pulse.models import Question

    first_id, first = _publish(app, [DARK])
    assert _publish(app, [DARK]) == (first_id, first)          # unchanged: same version
    reworded = {**DARK, "wording": {**DARK["wording"], "en": "How safe is Ladywell Fields at night?"}}
    second_id, second = _publish(app, [reworded])
    assert second == first + 1
    with app.app_context():
        old = db.session.scalar(select(Question).where(Question.version_id == first_id,
                                                       Question.code == "ladywell_dark"))
        assert old.wording["en"] == DARK["wording"]["en"]
    # Reordering two local questions is a new version too.
    other = {"code": "ladywell_lit", "kind": "scale", "scale": "agree5",
             "wording": {"en": "The paths are well lit.", "cy": "Mae'r llwybrau wedi'u goleuo'n dda."}}
    assert _publish(app, [reworded, other])[1] == second + 1
    assert _publish(app, [other, reworded])[1] == second + 2


def test_core_codes_and_scales_stay_fixed(app, survey_area):
    from dataclasses import replace

    from pulse.admin.local import LocalError, build, check_core_fixed, question_from
    from surveys.core import CORE

    with app.app_context():
        with pytest.raises(LocalError, match="core question"):
            build("ladywell", [question_from({**DARK, "code": CORE.questions[0].code})])
        with pytest.raises(LocalError, match="every enabled language"):
            build("ladywell", [question_from({**DARK, "wording": {"en": "Only English"}})])
        changed = replace(CORE, questions=(replace(CORE.questions[0], scale="rate5"),
                                           *CORE.questions[1:]))
        with pytest.raises(LocalError, match="may not change"):
            check_core_fixed(changed)
        variant = build("ladywell", [question_from(DARK)])
        check_core_fixed(variant)
        assert variant.codes[:len(CORE.codes) - 3] == CORE.codes[:len(CORE.codes) - 3]


def test_resident_form_shows_local_questions_only_in_scope(app, client, survey_area):
    _publish(app, [DARK], areas=[survey_area.ward])
    mine = client.get(f"/s/{survey_area.ward}/questions?consent=yes").get_data(as_text=True)
    other = client.get(f"/s/{survey_area.other_ward}/questions?consent=yes").get_data(as_text=True)
    assert "Ladywell Fields after dark" in mine
    assert "Ladywell Fields after dark" not in other
    tokens = form_tokens(mine)
    sent = client.post(f"/s/{survey_area.ward}/questions",
                       data={**tokens, **GOOD_ANSWERS, "ladywell_dark": "3"})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:800]


def test_aggregation_carries_a_closed_scale_local_question(app, client, survey_area):
    from pulse.estimates.loading import load_context
    from pulse.estimates.operations import aggregate

    _publish(app, [DARK], areas=[survey_area.ward])
    tokens = form_tokens(
        client.get(f"/s/{survey_area.ward}/questions?consent=yes").get_data(as_text=True))
    assert client.post(f"/s/{survey_area.ward}/questions",
                       data={**tokens, **GOOD_ANSWERS, "ladywell_dark": "3"}).status_code == 302
    with app.app_context():
        assert "ladywell_dark" in [m.code for m in load_context().measures]
        aggregate(full=True)


def test_preview_matches_the_live_page(app, client, auth, survey_area):
    _publish(app, [DARK], areas=[survey_area.ward])
    live = client.get(f"/s/{survey_area.ward}/questions?consent=yes").get_data(as_text=True)
    auth.login("admin")
    preview = client.get(f"/admin/instruments/ladywell/preview?area={survey_area.ward}")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert 'class="phone"' in page and "<fieldset class=\"preview\" disabled>" in page
    assert "style=" not in page and "<script>" not in page
    assert _questions_markup(page) == _questions_markup(live)
    assert "Ladywell Fields after dark" in _questions_markup(page)
    welsh = client.get(f"/admin/instruments/ladywell/preview?area={survey_area.ward}&lang=cy")
    assert "Nghaeau Ladywell" in welsh.get_data(as_text=True)
    listing = client.get("/admin/instruments/").get_data(as_text=True)
    assert "core+ladywell" in listing and "ladywell_dark" in listing


def test_cli_publishes_from_a_file_and_refuses_bad_ones(app, runner, survey_area, tmp_path):
    good = tmp_path / "local.json"
    starts = datetime.now(UTC).date().isoformat()
    ends = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    good.write_text(json.dumps({"name": "ladywell", "areas": [survey_area.ward], "starts": starts,
                                "ends": ends, "questions": [DARK]}), encoding="utf-8")
    result = runner.invoke(args=["instruments", "local", str(good)])
    assert result.exit_code == 0, result.output
    assert re.search(r"core\+ladywell at version 1; collecting in 1 areas", result.output)
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    bad = runner.invoke(args=["instruments", "local", str(broken)])
    assert bad.exit_code != 0 and "nothing published" in bad.output
    assert ".;" not in bad.output
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"name": "ladywell", "areas": [survey_area.ward],
                                   "starts": starts, "questions": [DARK]}), encoding="utf-8")
    result = runner.invoke(args=["instruments", "local", str(missing)])
    assert result.exit_code != 0 and "the file has no 'ends'; nothing published" in result.output


def test_cli_honours_an_offset_in_the_file_and_reads_a_bare_day_as_utc(app, runner, survey_area,
                                                                        tmp_path):
    from pulse.extensions import db
    from pulse.models import Wave

    # Dates a year ahead of whenever the suite runs: a window in the past is refused.
    year = datetime.now(UTC).year + 1
    spec = tmp_path / "local.json"
    spec.write_text(json.dumps({"name": "ladywell", "areas": [survey_area.ward],
                                "starts": f"{year}-12-01T09:00:00+01:00",
                                "ends": f"{year + 1}-02-01", "questions": [DARK]}),
                    encoding="utf-8")
    result = runner.invoke(args=["instruments", "local", str(spec)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.name == "Local: ladywell"))
        opens, closes = wave.opens_at.astimezone(UTC), wave.closes_at.astimezone(UTC)
    assert opens == datetime(year, 12, 1, 8, tzinfo=UTC)
    assert closes == datetime(year + 1, 2, 1, tzinfo=UTC)


def test_the_consent_page_counts_the_local_questions(app, client, survey_area):
    """What a resident agrees to answer is told before the first question: an area with local
    questions says it asks them too, in English and Welsh; an area without says nothing more."""
    lit = {"code": "ladywell_lit", "kind": "scale", "scale": "agree5",
           "wording": {"en": "The paths are well lit.", "cy": "Mae'r llwybrau wedi'u goleuo'n dda."}}
    _publish(app, [DARK, lit], areas=[survey_area.ward])
    mine = client.get(f"/s/{survey_area.ward}").get_data(as_text=True)
    assert "2 optional questions about this area" in mine
    other = client.get(f"/s/{survey_area.other_ward}").get_data(as_text=True)
    assert "about this area" not in other
    welsh = client.get(f"/s/{survey_area.ward}?lang=cy").get_data(as_text=True)
    assert "2 gwestiwn dewisol am yr ardal hon" in welsh
