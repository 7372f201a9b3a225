"""The boundary files shipped in data/geo/ load with the commands README and data/geo/README give."""
from pathlib import Path

from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Area

GEO = Path(__file__).resolve().parents[2] / "data" / "geo"


def test_london_boroughs_then_lewisham_wards_under_their_borough(runner, app):
    boroughs = runner.invoke(args=["areas", "import", str(GEO / "london_boroughs_2013.geojson"),
                                   "--level", "borough"])
    assert boroughs.exit_code == 0, boroughs.output
    assert "33 created, 0 updated, 0 rejected" in boroughs.output
    wards = runner.invoke(args=["areas", "import", str(GEO / "lewisham_wards_2013.geojson"),
                                "--parent", "E09000023", "--level", "ward"])
    assert wards.exit_code == 0, wards.output
    assert "18 created, 0 updated, 0 rejected" in wards.output

    with app.app_context():
        lewisham = db.session.scalar(select(Area).where(Area.code == "E09000023"))
        assert (lewisham.name, lewisham.level, lewisham.parent_id) == ("Lewisham", "borough", None)
        assert sorted(a.code for a in lewisham.children) == [f"E05000{n}" for n in range(437, 455)]
        assert {a.level for a in lewisham.children} == {"ward"}
        assert db.session.scalar(select(func.count()).select_from(Area)) == 51

    # Loading the same files again (new boundaries, say) updates in place.
    again = runner.invoke(args=["areas", "import", str(GEO / "lewisham_wards_2013.geojson"),
                                "--parent", "E09000023", "--level", "ward"])
    assert "0 created, 18 updated, 0 rejected" in again.output
    listing = runner.invoke(args=["areas", "list"]).output
    assert "E09000023\tLewisham [borough]" in listing and "  E05000437\tBellingham [ward]" in listing
