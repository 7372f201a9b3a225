"""Stored topic shares: written by the job and the CLI, read by the area page and other callers."""
from __future__ import annotations

from sqlalchemy import func, select


def _rows(app):
    from pulse.extensions import db
    from pulse.models.topic import TopicShare

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(TopicShare))


def test_job_stores_every_level_and_reads_match_the_counted_shares(app, comments):
    from pulse.extensions import db
    from pulse.jobs.tasks import JOBS
    from pulse.models import Area
    from pulse.officer import queries as q
    from pulse.responses.queries import area_and_below

    with app.app_context():
        written = JOBS["topic-shares"]()
        db.session.commit()
        assert written == _rows(app) > 0
        for code in (comments.ward_a, comments.borough):
            area = db.session.scalar(select(Area).where(Area.code == code))
            counted = q.topic_shares(q.area_comment_rows(area_and_below(area)))
            assert q.monthly_topic_shares(area.id) == counted
        ward = db.session.scalar(select(Area).where(Area.code == comments.ward_a))
        months = q.stored_topic_shares(ward.id, "month")
        assert list(months) == ["2026-10", "2026-11"]
        assert all(c.suppressed and c.share is None for c in months["2026-10"].values())
        nov = months["2026-11"]["asb"]
        assert (nov.count, nov.total, nov.share) == (12, 12, 100.0) and nov.ci_low < 100
        assert months["2026-11"]["litter"].share == 0          # zero, with an interval
        quarter = q.stored_topic_shares(ward.id, "quarter")["2026-Q4"]
        assert quarter["asb"].total == 16 and round(quarter["asb"].share) == 75
        # Run again: the table is replaced, not added to.
        assert JOBS["topic-shares"]() == written
        db.session.commit()
        assert _rows(app) == written


def test_cli_recounts_and_area_page_follows_the_period_kind(app, runner, auth, client, comments):
    result = runner.invoke(args=["text", "shares"])
    assert result.exit_code == 0 and "topic shares stored" in result.output
    auth.login("officer", areas=[comments.borough])
    page = client.get(f"/officer/area/{comments.ward_a}?kind=quarter").get_data(as_text=True)
    assert "Share of comments about Antisocial behaviour in Bellingham by quarter (%)" in page
    assert "2026-Q4" in page and "75% <span" in page
    litter = client.get(f"/officer/area/{comments.ward_a}?kind=quarter&topic=litter")
    assert "Share of comments about Litter &amp; fly-tipping in Bellingham by quarter" in \
        litter.get_data(as_text=True)
