"""A change from a percentage of exactly 100 is tested on both sides' errors, whether the
previous month is computed in the same run or read back from the stored rows."""
import random
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from surveys.core import CORE
from surveys.validation import validate_submission
from tests.pulse.estimates.support import WARDS, add_responses, make_tree, raw_answers


def _answers(ward: str, month: tuple[int, int], relied_on: list[str], seed: int) -> None:
    from pulse.extensions import db
    from pulse.instruments.queries import latest_version
    from pulse.models import Area
    from pulse.survey.operations import Meta, NewResponse, record_responses

    rng = random.Random(seed)
    area_id = db.session.scalar(select(Area.id).where(Area.code == ward))
    items = []
    for day, value in enumerate(relied_on, start=1):
        submission = validate_submission(CORE, raw_answers(rng, 0) | {"relied_on": value})
        assert submission.ok, submission.errors
        items.append(NewResponse(area_id=area_id, submission=submission, meta=Meta(
            submitted_at=datetime(*month, day, 12, tzinfo=UTC), language="en", channel="import",
            submission_key=uuid.uuid4().hex)))
    record_responses(latest_version("core"), items)
    db.session.commit()


def _relied_on(period: str):
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    return db.session.execute(
        select(Estimate.n, Estimate.estimate, Estimate.change, Estimate.change_significant)
        .join(Area).where(Area.code == WARDS[0], Estimate.period == period,
                          Estimate.measure == "relied_on", Estimate.group_label == "all")).one()


@pytest.mark.parametrize("incremental", [False, True])
def test_100_to_70_percent_of_ten_answers_is_no_significant_change(app, incremental):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db

    with app.app_context():
        make_tree()
        add_responses(200, [(2026, 6), (2026, 7)], seed=3, wards=WARDS[1:])
        _answers(WARDS[0], (2026, 6), ["5"] * 10, seed=4)            # 10 of 10 agree
        if incremental:
            aggregate(full=True)       # June stored; July's change reads it back
            db.session.commit()
        _answers(WARDS[0], (2026, 7), ["5"] * 7 + ["1"] * 3, seed=5)  # 7 of 10
        aggregate(full=not incremental)
        db.session.commit()
        assert tuple(_relied_on("2026-06")[:2]) == (10, 100.0)
        n, estimate, change, significant = _relied_on("2026-07")
        # On the 70% side's error alone z = 2.07; with the 100% side's Agresti-Caffo error
        # (7.98 points) z = 1.81.
        assert (n, estimate, change) == (10, 70.0, -30.0)
        assert significant is False
