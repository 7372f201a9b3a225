"""Known stored estimates, boundaries and comments for the officer workspace tests."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.pulse.auth.conftest import Tree, tree  # noqa: F401  (the area tree fixture)

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MEASURES = ("safe_day", "safe_night", "trust", "respect", "listen", "fair", "relied_on",
            "things_that_matter", "informed", "good_job")


def square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + .01, y], [x + .01, y + .01],
                                                [x, y + .01], [x, y]]]}


def add_estimate(area_id, period, kind, end, measure, value, *, group="all", n=120,
                 suppressed=False, change=None, significant=None):
    from pulse.extensions import db
    from pulse.models import Estimate

    db.session.add(Estimate(
        area_id=area_id, period=period, period_kind=kind, period_end=end, measure=measure,
        group_label=group, unit="score", n=None if suppressed else n,
        effective_n=None if suppressed else n * .8,
        estimate=None if suppressed else value, std_error=None if suppressed else 2.0,
        ci_low=None if suppressed else value - 4, ci_high=None if suppressed else value + 4,
        suppressed=suppressed, change=change, change_significant=significant,
        modelled_estimate=None if suppressed else value + 1))


@pytest.fixture
def workspace(app, tree):  # noqa: F811
    """Bellingham: trust fell 12 (significant) in the latest quarter; Blackheath suppressed."""
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area

    with app.app_context():
        areas = {a.code: a for a in db.session.scalars(select(Area))}
        areas[tree.ward_a].boundary = square(-0.03, 51.42)
        areas[tree.ward_b].boundary = square(-0.02, 51.42)
        areas[tree.other_ward].boundary = square(-0.07, 51.47)
        q3, q4 = 2026 * 12 + 8, 2026 * 12 + 11
        for code in (tree.ward_a, tree.borough, tree.other_ward):
            area_id = areas[code].id
            for measure in MEASURES:
                add_estimate(area_id, "2026-Q3", "quarter", q3, measure, 62)
                fell = code == tree.ward_a and measure == "trust"
                add_estimate(area_id, "2026-Q4", "quarter", q4, measure, 50 if fell else 61,
                             change=-12 if fell else -1, significant=fell)
                for m in range(2026 * 12, 2026 * 12 + 12):
                    add_estimate(area_id, f"2026-{m % 12 + 1:02d}", "month", m, measure,
                                 55 + m % 3, suppressed=m % 12 == 4)
            add_estimate(area_id, "R12-2026-12", "r12", q4, "trust", 58)
            add_estimate(area_id, "R12-2026-12", "r12", q4, "trust", 40, group="age_band=16-24")
            add_estimate(area_id, "R12-2026-12", "r12", q4, "trust", 0, group="age_band=65+",
                         suppressed=True)
        for measure in MEASURES:
            add_estimate(areas[tree.ward_b].id, "2026-Q4", "quarter", q4, measure, 0,
                         suppressed=True)
        db.session.commit()
    return tree


@pytest.fixture
def comments(app, workspace):
    """Classified comments in Bellingham, one of them an XSS payload."""
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area, Comment, TextModel, Topic, TopicPrediction
    from pulse.instruments.operations import ensure_core
    from pulse.models import Question, Response

    with app.app_context():
        version = ensure_core()
        question = db.session.scalars(select(Question)).first()
        area = db.session.scalar(select(Area).where(Area.code == workspace.ward_a))
        model = TextModel(version="t1", artifact_path="/nonexistent", status="live")
        asb = Topic(code="asb", label="Antisocial behaviour", severity=0.8, position=1)
        litter = Topic(code="litter", label="Litter & fly-tipping", severity=0.3, position=2)
        db.session.add_all([model, asb, litter])
        db.session.flush()
        texts = [XSS] + [f"Noisy groups outside the shops {i}" for i in range(11)] + \
                [f"Rubbish on the corner {i}" for i in range(4)]
        for i, text in enumerate(texts):
            when = datetime(2026, 11 if i < 12 else 10, 3 + i, tzinfo=UTC)
            response = Response(area_id=area.id, channel="web", submitted_at=when,
                                submission_key=f"k{i}", version_id=version.id)
            db.session.add(response)
            db.session.flush()
            comment = Comment(response_id=response.id, question_id=question.id,
                              area_id=area.id, submitted_at=when, redacted_text=text,
                              raw_text="RAW-SECRET " + text)
            db.session.add(comment)
            db.session.flush()
            topic = litter if "Rubbish" in text else asb
            db.session.add(TopicPrediction(comment_id=comment.id, model_id=model.id,
                                           topic_id=topic.id, confidence=0.4 + 0.03 * i))
        db.session.flush()
        from pulse.text.shares import store_topic_shares

        store_topic_shares()  # as the topic-shares job does
        db.session.commit()
    return workspace


@pytest.fixture
def priority_comments(app, comments):
    """:func:`comments` with six more litter comments in October, so that October (10) and
    the quarter (22) publish their topic shares: suggested priorities print only published
    counts, and with October's 4 alone the quarter is withheld."""
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area, Comment, Question, Response, TextModel, Topic, TopicPrediction
    from pulse.text.shares import store_topic_shares

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == comments.ward_a))
        question = db.session.scalars(select(Question)).first()
        model = db.session.scalar(select(TextModel))
        litter = db.session.scalar(select(Topic).where(Topic.code == "litter"))
        version_id = db.session.scalar(select(Response.version_id))
        for i in range(6):
            when = datetime(2026, 10, 20 + i, tzinfo=UTC)
            response = Response(area_id=area.id, channel="web", submitted_at=when,
                                submission_key=f"more{i}", version_id=version_id)
            db.session.add(response)
            db.session.flush()
            comment = Comment(response_id=response.id, question_id=question.id,
                              area_id=area.id, submitted_at=when,
                              redacted_text=f"Fly-tipping by the garages {i}",
                              raw_text=f"RAW-SECRET Fly-tipping by the garages {i}")
            db.session.add(comment)
            db.session.flush()
            db.session.add(TopicPrediction(comment_id=comment.id, model_id=model.id,
                                           topic_id=litter.id, confidence=0.5))
        db.session.flush()
        store_topic_shares()
        db.session.commit()
    return comments


def add_comments(area_code: str, topic_code: str, when: datetime, count: int, text: str):
    """``count`` classified comments on ``topic_code`` in ``area_code`` from ``when`` on, a
    day apart (the caller is in an app context and stores the topic shares)."""
    from datetime import timedelta

    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import Area, Comment, Question, Response, TextModel, Topic, TopicPrediction

    area = db.session.scalar(select(Area).where(Area.code == area_code))
    question = db.session.scalars(select(Question)).first()
    model = db.session.scalar(select(TextModel))
    topic = db.session.scalar(select(Topic).where(Topic.code == topic_code))
    version_id = db.session.scalar(select(Response.version_id))
    for i in range(count):
        at = when + timedelta(days=i)
        response = Response(area_id=area.id, channel="web", submitted_at=at,
                            submission_key=f"{area_code}-{topic_code}-{at:%Y%m%d}-{i}",
                            version_id=version_id)
        db.session.add(response)
        db.session.flush()
        comment = Comment(response_id=response.id, question_id=question.id, area_id=area.id,
                          submitted_at=at, redacted_text=f"{text} {i}",
                          raw_text=f"RAW-SECRET {text} {i}")
        db.session.add(comment)
        db.session.flush()
        db.session.add(TopicPrediction(comment_id=comment.id, model_id=model.id,
                                       topic_id=topic.id, confidence=0.5))


@pytest.fixture
def borough_comments(app, priority_comments):
    """:func:`priority_comments` with Blackheath's 15 litter comments a month and Lewisham's own
    12 about speeding a month (given at the borough, in no ward), October and November 2026.

    Lewisham's own comments are a hidden part of its partition, so each month its smallest
    published ward is withheld (Bellingham: 10 in October, 12 in November) and, holding a
    withheld month, so is Bellingham's quarter. 2026-Q4 publishes Blackheath (30) and
    Lewisham as a whole (76: 24 speeding, 40 litter, 12 antisocial behaviour)."""
    from pulse.extensions import db
    from pulse.models import Topic
    from pulse.text.shares import store_topic_shares

    t = priority_comments
    with app.app_context():
        db.session.add(Topic(code="speeding", label="Speeding", severity=0.5, position=3))
        db.session.flush()
        for month in (10, 11):
            add_comments(t.ward_b, "litter", datetime(2026, month, 1, tzinfo=UTC), 15,
                         "Bins overflowing on the heath")
            add_comments(t.borough, "speeding", datetime(2026, month, 1, 12, tzinfo=UTC), 12,
                         "Cars racing down the A21")
        db.session.flush()
        store_topic_shares()
        db.session.commit()
    return t
