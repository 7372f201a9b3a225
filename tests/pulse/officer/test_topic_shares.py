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
        # The quarter's 16 comments less November's 12 would be October's 4: withheld whole.
        quarter = q.stored_topic_shares(ward.id, "quarter")["2026-Q4"]
        assert set(quarter) == {"asb", "litter"}
        assert all(c.suppressed and c.withheld and c.total is None and c.share is None
                   for c in quarter.values())
        # Run again: the table is replaced, not added to.
        assert JOBS["topic-shares"]() == written
        db.session.commit()
        assert _rows(app) == written


def test_cli_recounts_and_area_page_follows_the_period_kind(app, runner, auth, client, comments):
    result = runner.invoke(args=["text", "shares"])
    assert result.exit_code == 0 and "topic shares stored" in result.output
    auth.login("officer", areas=[comments.borough])
    page = client.get(f"/officer/area/{comments.ward_a}?kind=quarter").get_data(as_text=True)
    # October's 4 comments leave the quarter withheld, not 'fewer than 10' (it has 16).
    assert '2026-Q4</th>\n    <td colspan="3" class="suppressed">withheld</td>' in page
    assert "75% <span" not in page
    # ... and the page says what "withheld" means.
    assert "(a quarter or rolling year holding such a month) says “withheld”" in page
    month = client.get(f"/officer/area/{comments.ward_a}").get_data(as_text=True)
    assert "100% <span" in month and "fewer than 10 comments" in month
    litter = client.get(f"/officer/area/{comments.ward_a}?kind=quarter&topic=litter")
    assert "Share of comments about Litter &amp; fly-tipping in Bellingham by quarter" in \
        litter.get_data(as_text=True)
