"""The privacy notice, the accessibility statement and the consent statement say what the
deployment is configured to do and who runs it, in every language."""
from __future__ import annotations

import re

import pytest

from tests.support import GOOD_ANSWERS, form_tokens, submit

OPERATOR = {
    "PULSE_OPERATOR_NAME": "Lewisham Council and the Metropolitan Police",
    "PULSE_CONTACT_EMAIL": "safer@lewisham.example",
    "PULSE_PRIVACY_URL": "https://lewisham.example/privacy/community-safety",
    "PULSE_ACCESSIBILITY_REVIEWED": "2026-11-01",
}


def text_of(reply) -> str:
    assert reply.status_code == 200, reply.status_code
    return " ".join(reply.get_data(as_text=True).split())


def test_without_operator_details_the_pages_say_who_in_general_and_link_nothing(client):
    privacy = text_of(client.get("/privacy"))
    assert "run by the police force or council that invited you to take part" in privacy
    assert "mailto:" not in privacy
    assert "Information Commissioner’s Office" in privacy and "0303 123 1113" in privacy
    statement = text_of(client.get("/accessibility"))
    assert "WCAG" in statement and "Equality Advisory and Support Service" in statement
    assert "mailto:" not in statement and "last reviewed" not in statement
    assert "That is the police force or council that invited you to take part." in statement


def test_operator_details_are_named_and_linked(app, client, survey_area):
    app.config.update(OPERATOR)
    privacy = text_of(client.get("/privacy"))
    assert ("This survey is run by Lewisham Council and the Metropolitan Police, who decide how "
            "the answers are used (the data controller).") in privacy
    assert 'href="mailto:safer@lewisham.example"' in privacy
    assert 'href="https://lewisham.example/privacy/community-safety"' in privacy
    statement = text_of(client.get("/accessibility"))
    assert "Lewisham Council and the Metropolitan Police wants as many people" in statement
    assert 'href="mailto:safer@lewisham.example"' in statement
    assert "This statement was last reviewed on 1 November 2026." in statement
    consent = text_of(client.get(f"/s/{survey_area.ward}"))
    assert "This survey is run by Lewisham Council and the Metropolitan Police." in consent


def test_welsh_pages_name_the_operator_in_welsh(app, client, survey_area):
    app.config.update(OPERATOR)
    privacy = text_of(client.get("/privacy?lang=cy"))
    assert "Lewisham Council and the Metropolitan Police sy’n cynnal yr arolwg hwn" in privacy
    assert "Swyddfa’r Comisiynydd Gwybodaeth" in privacy
    statement = text_of(client.get("/accessibility?lang=cy"))
    assert "Datganiad hygyrchedd" in statement and "1 Tachwedd 2026" in statement
    assert "400%" in statement and "400%%" not in statement
    assert "Comisiwn Cydraddoldeb a Hawliau Dynol" in statement


def test_promises_follow_the_retention_and_minimum_settings(app, client, survey_area):
    # A force that keeps comments 45 days and publishes nothing under 20 answers must not be
    # made to promise 30 and 10 on the page residents consent on.
    app.config.update(PULSE_COMMENT_RETENTION_DAYS=45, PULSE_MIN_RESPONSES=20)
    consent = text_of(client.get(f"/s/{survey_area.ward}"))
    assert "The original is deleted after 45 days." in consent and "30 days" not in consent
    assert "groups of 20 or more people" in consent
    privacy = text_of(client.get("/privacy"))
    assert "deleted after 45 days" in privacy
    assert "at least 20 people" in privacy and "fewer than 20 responses" in privacy
    assert " 10 " not in privacy
    cymraeg = text_of(client.get(f"/s/{survey_area.ward}?lang=cy"))
    assert "ar ôl 45 diwrnod" in cymraeg and "grwpiau o 20 o bobl" in cymraeg
    resident = app.test_client()  # the client above now remembers Welsh
    thanks = submit(resident, survey_area.ward)
    assert thanks.status_code == 302
    page = text_of(resident.get(thanks.headers["Location"]))
    assert "at least 20 responses" in page


def test_a_one_day_retention_reads_as_one_day(app, client, survey_area):
    app.config.update(PULSE_COMMENT_RETENTION_DAYS=1)
    assert "The original is deleted after 1 day." in text_of(client.get(f"/s/{survey_area.ward}"))
    assert "ar ôl 1 diwrnod" in text_of(client.get(f"/s/{survey_area.ward}?lang=cy"))


@pytest.mark.parametrize("path", ["/s/", "/s/{ward}", "/privacy", "/accessibility"])
def test_every_resident_page_links_the_statement_and_the_notice(client, survey_area, path):
    page = text_of(client.get(path.format(ward=survey_area.ward)))
    assert 'href="/accessibility"' in page and 'href="/privacy"' in page


@pytest.mark.parametrize("setting, value, says", [
    ("PULSE_CONTACT_EMAIL", "safer at lewisham", "not an e-mail address"),
    ("PULSE_PRIVACY_URL", "javascript:alert(1)", "http:// or https://"),
    ("PULSE_PRIVACY_URL", "lewisham.example/privacy", "http:// or https://"),
    ("PULSE_ACCESSIBILITY_REVIEWED", "1/11/2026", "YYYY-MM-DD"),
])
def test_operator_details_that_would_print_a_broken_link_refuse_to_start(
        monkeypatch, tmp_path, setting, value, says):
    from pulse import create_app

    monkeypatch.setenv(setting, value)
    with pytest.raises(RuntimeError, match=says):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_operator_details_come_from_the_environment(monkeypatch, tmp_path):
    from pulse import create_app

    for name, value in OPERATOR.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert {name: app.config[name] for name in OPERATOR} == OPERATOR


def test_dates_are_written_the_british_way_and_in_welsh(app, client, survey_area):
    from datetime import UTC, datetime

    from pulse.extensions import db
    from pulse.models import Wave

    with app.app_context():
        db.session.get(Wave, survey_area.wave_id).opens_at = datetime(2099, 12, 1, 12, tzinfo=UTC)
        db.session.commit()
    english = client.get(f"/s/{survey_area.ward}")
    assert english.status_code == 403
    assert "collected from 1 December 2099." in text_of_any(english)
    assert "1 Rhagfyr 2099" in text_of_any(client.get(f"/s/{survey_area.ward}?lang=cy"))


def text_of_any(reply) -> str:
    return " ".join(reply.get_data(as_text=True).split())


def test_the_privacy_notice_lists_every_cookie_a_resident_is_given(app, client, survey_area):
    # Answer the whole survey in Welsh (the language choice is remembered in the session),
    # collecting the name of every cookie set on the way.
    intro = client.get(f"/s/{survey_area.ward}?lang=cy")
    questions = client.get(f"/s/{survey_area.ward}/questions?consent=yes")
    sent = client.post(f"/s/{survey_area.ward}/questions",
                       data={**form_tokens(questions.get_data(as_text=True)), **GOOD_ANSWERS})
    assert sent.status_code == 302
    set_names = {header.split("=", 1)[0] for reply in (intro, questions, sent)
                 for header in reply.headers.getlist("Set-Cookie")}
    assert {"session", "pulse_device", "pulse_answered"} <= set_names
    privacy = text_of(client.get("/privacy?lang=en"))
    listed = set(re.findall(r"<dt><code>([^<]+)</code></dt>", privacy))
    assert listed == set_names
    assert "There are no analytics or advertising cookies." in privacy
