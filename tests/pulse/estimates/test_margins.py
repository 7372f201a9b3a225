"""flask areas margins: checked whole, row-level errors, nothing half-written."""
from sqlalchemy import func, select

from tests.pulse.estimates.support import WARDS, make_tree

GOOD = f"""area_code,dimension,category,population
{WARDS[0]},age_band,16-24,1200
{WARDS[0]},age_band,25-34,1500
{WARDS[0]},sex,female,5100
{WARDS[0]},sex,male,4800
{WARDS[1]},ethnicity,white,3000
"""


def _count(app):
    from pulse.extensions import db
    from pulse.models import PopulationMargin

    with app.app_context():
        return db.session.scalar(select(func.count(PopulationMargin.id)))


def test_margins_are_loaded_and_replace_a_dimension(app, runner, tmp_path):
    with app.app_context():
        make_tree()
    path = tmp_path / "margins.csv"
    path.write_text(GOOD)
    result = runner.invoke(args=["areas", "margins", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 margins stored for 2 areas" in result.output
    path.write_text(f"area_code,dimension,category,population\n{WARDS[0]},sex,female,5000\n")
    assert runner.invoke(args=["areas", "margins", str(path)]).exit_code == 0
    assert _count(app) == 4   # the two sex rows were replaced by one; ages kept


def test_any_bad_row_stores_nothing_and_every_problem_is_listed(app, runner, tmp_path):
    with app.app_context():
        make_tree()
    path = tmp_path / "margins.csv"
    path.write_text(GOOD + "\n".join([
        "E0NOWHERE,sex,female,10",
        f"{WARDS[0]},religion,none,10",
        f"{WARDS[0]},sex,unknown,10",
        f"{WARDS[0]},age_band,35-44,-5",
        f"{WARDS[0]},age_band,16-24,99",
        f"{WARDS[0]},sex",
    ]) + "\n")
    result = runner.invoke(args=["areas", "margins", str(path)])
    assert result.exit_code != 0
    for line, words in ((7, "no area"), (8, "dimension 'religion'"), (9, "category 'unknown' is not one of sex's: female"),
                        (10, "not a whole number"), (11, "already given on line 2"),
                        (12, "expected 4 columns")):
        assert f"line {line}: " in result.output and words in result.output, result.output
    assert "nothing stored" in result.output
    assert _count(app) == 0


def test_populations_no_column_could_hold_are_rejected_rows(app, runner, tmp_path):
    with app.app_context():
        make_tree()
    path = tmp_path / "margins.csv"
    path.write_text(GOOD + "\n".join([
        f"{WARDS[0]},age_band,35-44,\u00b2",        # str.isdigit() takes it; int() does not
        f"{WARDS[0]},age_band,45-54,\u0663",        # an Arabic-Indic three
        f"{WARDS[0]},age_band,55-64,99999999999",  # past PostgreSQL's integer
    ]) + "\n")
    result = runner.invoke(args=["areas", "margins", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    for line, words in ((7, "not a whole number"), (8, "not a whole number"),
                        (9, "more than any area holds")):
        assert f"line {line}: " in result.output and words in result.output, result.output
    assert "3 rows rejected; nothing stored" in result.output
    assert _count(app) == 0


def test_a_wrong_header_or_missing_file_is_refused(app, runner, tmp_path):
    path = tmp_path / "margins.csv"
    path.write_text("area,dim,cat,pop\nx,y,z,1\n")
    result = runner.invoke(args=["areas", "margins", str(path)])
    assert result.exit_code != 0 and "header must be" in result.output
    result = runner.invoke(args=["areas", "margins", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0 and "cannot read" in result.output
    assert _count(app) == 0
