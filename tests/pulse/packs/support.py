"""Seeded data for briefing-pack tests and the pack benchmark: real responses, aggregated.

Five wards under one borough (tests.pulse.estimates.support): four with hundreds of
responses, the fifth with six (every figure suppressed). Ward 0 has classified comments,
some approved for publication, one of them full of markup characters.
"""
from __future__ import annotations

from datetime import UTC, datetime

from tests.pulse.estimates.support import BOROUGH, WARDS, add_margins, add_responses, make_tree

SMALL = WARDS[4]
BIG = WARDS[0]
PERIOD = "2026-10"
MARKUP = ("**bold** <b>not bold</b> -- __under__ [link](http://example.org) "
          "<img src=\"/etc/passwd\">")
APPROVED = ["Groups gather outside the chip shop every night",
            "Motorbikes on the footpath by the park",
            "Shouting and fights near the station at closing time",
            MARKUP]
UNAPPROVED = "This one was never approved for printing"
FLAGGED = "Flagged comment approved by mistake"


def square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + .01, y], [x + .01, y + .01],
                                                [x, y + .01], [x, y]]]}


def seed(responses: int = 400, wards: list[str] | None = None) -> None:
    """The tree, margins, responses in September and October 2026, comments, estimates."""
    from sqlalchemy import select

    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Area
    from pulse.text.shares import store_topic_shares

    make_tree()
    add_margins()
    big = wards or WARDS[:4]
    add_responses(responses, [(2026, 9), (2026, 10)], seed=3, wards=big)
    add_responses(6, [(2026, 10)], seed=4, wards=[SMALL])
    for i, area in enumerate(db.session.scalars(select(Area).where(Area.code.in_(WARDS)))):
        area.boundary = square(-0.05 + 0.012 * (i % 4), 51.40 + 0.012 * (i // 4))
    add_comments()
    aggregate(full=True)
    store_topic_shares()
    db.session.commit()


def add_comments() -> None:
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.models import (Area, Comment, Question, Response, TextModel, Topic,
                              TopicPrediction, User)

    area = db.session.scalar(select(Area).where(Area.code == BIG))
    question = db.session.scalars(select(Question)).first()
    responses = list(db.session.scalars(select(Response).where(Response.area_id == area.id)
                                        .order_by(Response.id)).all())
    model = TextModel(version="t1", artifact_path="/nonexistent", status="live")
    asb = Topic(code="asb", label="Antisocial behaviour", severity=0.8, position=1)
    litter = Topic(code="litter", label="Litter & fly-tipping", severity=0.3, position=2)
    db.session.add_all([model, asb, litter])
    approver = db.session.scalar(select(User).limit(1))
    db.session.flush()
    texts = ([(t, asb, True, False) for t in APPROVED] +
             [(UNAPPROVED, asb, False, False), (FLAGGED, asb, True, True)] +
             [(f"Noise from the flats {i}", asb, False, False) for i in range(8)] +
             [(f"Rubbish on the corner {i}", litter, i < 2, False) for i in range(6)])
    for i, (text, topic, approved, flagged) in enumerate(texts):
        when = datetime(2026, 10, 1 + i, 12, tzinfo=UTC)
        comment = Comment(response_id=responses[i].id, question_id=question.id,
                          area_id=area.id, submitted_at=when, redacted_text=text,
                          raw_text="RAW " + text, safeguarding_flag=flagged,
                          quote_approved_at=when if approved else None,
                          quote_approved_by=approver.id if approved and approver else None)
        db.session.add(comment)
        db.session.flush()
        db.session.add(TopicPrediction(comment_id=comment.id, model_id=model.id,
                                       topic_id=topic.id, confidence=0.9))
    db.session.flush()


__all__ = ["BOROUGH", "WARDS", "SMALL", "BIG", "PERIOD", "seed"]
