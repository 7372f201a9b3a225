"""Channel attribution: responses per area and wave by the channel they came through."""
from __future__ import annotations

from sqlalchemy import select

from pulse.extensions import db
from pulse.models import Area, Response
from pulse.responses.queries import channel_counts
from tests.support import submit


def test_counts_per_channel_per_area_and_wave(app, runner, survey_area):
    for via in ("qr", "qr", "web"):
        assert submit(app.test_client(), survey_area.ward, via=via).status_code == 302
    assert submit(app.test_client(), survey_area.other_ward).status_code == 302
    with app.app_context():
        borough = db.session.scalar(select(Area).where(Area.code == survey_area.borough))
        ward = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
        rows = {r.area_code: r for r in channel_counts(borough)}
        assert set(rows) == {survey_area.ward, survey_area.other_ward}
        bellingham = rows[survey_area.ward]
        assert bellingham.wave_id == survey_area.wave_id
        assert bellingham.counts == {"web": 1, "qr": 2, "code": 0, "assisted": 0, "import": 0}
        assert rows[survey_area.other_ward].total == 1
        [only] = channel_counts(ward)
        assert only.area_code == survey_area.ward and only.total == 3

        # An excluded response leaves the counts, as it leaves every estimate.
        other = db.session.scalar(select(Response).where(Response.area_id != ward.id))
        other.excluded = True
        db.session.commit()
        assert [r.area_code for r in channel_counts(borough)] == [survey_area.ward]
        assert len(channel_counts(borough, include_excluded=True)) == 2

    output = runner.invoke(args=["responses", "channels", "--area", survey_area.ward]).output
    lines = [line.split("\t") for line in output.strip().splitlines()]
    assert lines[0] == ["area", "wave", "link", "QR", "code", "door-to-door", "import", "total"]
    assert lines[1] == [survey_area.ward, str(survey_area.wave_id), "1", "2", "0", "0", "0", "3"]


def test_channels_command_says_what_is_wrong(runner, survey_area):
    result = runner.invoke(args=["responses", "channels", "--area", "NOPE"])
    assert result.exit_code == 2 and "no area with code NOPE" in result.output
    assert "no responses" in runner.invoke(args=["responses", "channels"]).output
