"""Instrument versions: changed wording makes a new version; old responses keep theirs."""
from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from pulse.extensions import db
from pulse.instruments.operations import ensure_core, publish
from pulse.instruments.queries import definition_of, latest_version
from pulse.models import InstrumentVersion, Response
from surveys.core import CORE
from tests.support import submit


def test_publishing_the_same_definition_is_a_no_op(app):
    with app.app_context():
        first = ensure_core()
        again = ensure_core()
        db.session.commit()
        assert first.id == again.id and first.version == 1
        assert db.session.scalar(select(func.count(InstrumentVersion.id))) == 1


def test_round_trip_through_the_database(app):
    with app.app_context():
        version = ensure_core()
        db.session.commit()
        assert definition_of(version) == CORE


def test_new_wording_new_version_old_responses_keep_theirs(app, client, survey_area):
    assert submit(client, survey_area.ward).status_code == 302
    with app.app_context():
        old = latest_version("core")
        reworded = dataclasses.replace(CORE.questions[0],
                                       wording={"en": "How safe do you feel here by day?",
                                                "cy": "Pa mor ddiogel ydych chi yma yn y dydd?"})
        changed = dataclasses.replace(CORE, questions=(reworded, *CORE.questions[1:]))
        new = publish(changed)
        db.session.commit()
        assert new.version == old.version + 1
        response = db.session.scalar(select(Response))
        assert response.version_id == old.id
        assert definition_of(response.version) == CORE
    # A new resident now sees the new wording.
    page = app.test_client().get(f"/s/{survey_area.ward}/questions?consent=yes")
    assert "How safe do you feel here by day?" in page.get_data(as_text=True)


def test_instruments_sync_command(runner, app):
    result = runner.invoke(args=["instruments", "sync"])
    assert result.exit_code == 0 and "version 1" in result.output
    result = runner.invoke(args=["instruments", "sync"])
    assert "version 1" in result.output
