"""The estimates CSV made by the database (COPY on PostgreSQL, driver cursor on SQLite) says
what the row-by-row writer says: same cells, same suppression, same neutralised text."""
from __future__ import annotations

import csv
import io
import random

import pytest
from sqlalchemy import String, func, literal, select

from tests.pulse.exports.conftest import HARMLESS, MONTH, PAYLOADS

NUMERIC = ("n", "effective_n", "estimate", "ci_low", "ci_high", "change", "modelled_estimate")
ALPHABET = " \t\r\n\u00a0\u2003\u200b\u2060\ufeff\u3000\x1c=+-@\uff1d\uff0b\uff0d\uff20abc1'\""


def _corpus() -> list[str]:
    rng = random.Random(6)
    made = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6))) for _ in range(300)]
    return list(PAYLOADS + HARMLESS) + ["", "a", "=", "\t", "'"] + made


def test_the_sql_neutraliser_agrees_with_the_python_one(app):
    from pulse.exports.cells import neutralise
    from pulse.exports.estimates_csv import neutralised
    from pulse.extensions import db

    from pulse.exports.estimates_csv import BLANKS

    # Every first character the fast path and the blanks decide about, before a trigger.
    firsts = sorted({chr(c) for c in range(1, 0x250)} | set(BLANKS) | set("\uff1d\uff20\uff21"))
    corpus = _corpus() + [ch + "=1" for ch in firsts] + [ch + "a" for ch in firsts]
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        for start in range(0, len(corpus), 100):
            part = corpus[start:start + 100]
            got = db.session.execute(select(*(
                neutralised(literal(text, String), postgres).label(f"c{i}")
                for i, text in enumerate(part)))).one()
            assert list(got) == [neutralise(text) for text in part]


#: Doubles within 1e-15 of a tie at two decimals, exact binary ties, signs and zero: where
#: Python's round(), SQLite's round() and PostgreSQL's numeric cast each decided differently.
TIES = [4.924999999999997, -5.484999999999999, 8.664999999999997, -0.5749999999999996, 1.005,
        -1.005, 2.675, 1.115, 0.125, -0.125, 0.375, 0.875, -0.004, 0.004, -0.005, 0.0, -0.0,
        61.0, 99.995, 1e-7, -1e-7, 12345.675, 0.045, 0.055]


def _near_ties() -> list[float]:
    rng = random.Random(11)
    made = []
    for _ in range(600):
        k = rng.randint(-100_000, 100_000)
        made += [k / 1000, k / 1000 + rng.choice((-1, 1)) * 1e-15 * rng.random(),
                 rng.uniform(-100, 100)]
    return TIES + made


def test_the_database_rounds_every_figure_as_the_other_exports_do(app):
    # One figure must read the same in the estimates CSV (rounded by the database) as in the
    # workbook and the API-side exports (rounded in Python), on SQLite and on PostgreSQL.
    from sqlalchemy import Float

    from pulse.exports.rounding import fixed_sql, rounded
    from pulse.extensions import db

    values = _near_ties()
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        for places in (1, 2, 3):
            for start in range(0, len(values), 100):
                part = values[start:start + 100]
                got = db.session.execute(select(*(
                    fixed_sql(literal(v, Float), places, postgres).label(f"c{i}")
                    for i, v in enumerate(part)))).one()
                assert [str(g) for g in got] == [f"{rounded(v, places):.{places}f}"
                                                 for v in part], places
        nothing = db.session.execute(select(fixed_sql(literal(None, Float), 2, postgres))).one()
        assert nothing == (None,)
    assert [rounded(v, 2) for v in (4.924999999999997, 1.005, 0.125, -0.125, -0.004)] == [
        4.92, 1.0, 0.13, -0.13, 0.0]
    assert str(rounded(-0.004, 2)) == "0.0" and rounded(None, 2) is None


@pytest.fixture
def hostile(app, data):
    """An area whose admin-entered code is a formula, and estimates of it beside the others."""
    from pulse.areas.operations import ensure_area
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    with app.app_context():
        parent = db.session.scalar(select(Area).where(Area.code == data.ward_b))
        for n, code in enumerate(("=HYPERLINK(\"http://x.test\")", " \u200b@SUM(A1)",
                                  "\t-1", "Hall, \"East\"")):
            area = ensure_area(code, "Hostile", "neighbourhood", parent)
            for m, measure in enumerate(("trust", "safe_day", "+measure")):
                value = 40.0 + n * 3.3217 + m * 1.115
                db.session.add(Estimate(
                    area_id=area.id, period="2026-10", period_kind="month",
                    period_end=MONTH, measure=measure, group_label="all", unit="score",
                    n=30 + n, effective_n=25.04 + n, estimate=value, std_error=2.0,
                    ci_low=value - 4.1, ci_high=value + 4.1, suppressed=m == 2,
                    suppressed_reason="fewer than 10" if m == 2 else None,
                    change=None if n == 0 else -0.001 * n, change_significant=n == 3,
                    modelled_estimate=value + 0.5))
        db.session.commit()
    return data


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_database_csv_equals_the_row_by_row_writer(app, hostile):
    from pulse.estimates.queries import EXPORT_COLUMNS
    from pulse.exports.estimates_csv import chunks
    from pulse.exports.filters import ExportFilter
    from pulse.exports.sources import estimate_rows
    from pulse.exports.writers import Tally, csv_chunks

    with app.app_context():
        f = ExportFilter.build()
        reference = _parse("".join(csv_chunks(EXPORT_COLUMNS, estimate_rows(f), Tally())))
        tally = Tally()
        body = b"".join(chunks(f, tally)).decode()
    fast = _parse(body)
    assert "\r\n" not in body and body.endswith("\n")
    assert fast[0] == list(EXPORT_COLUMNS) == reference[0]
    assert tally.rows == len(fast) - 1 == len(reference) - 1 == 17
    numeric = [EXPORT_COLUMNS.index(c) for c in NUMERIC]
    for ours, theirs in zip(fast[1:], reference[1:], strict=True):
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            if i in numeric and b:
                assert float(a) == float(b), (EXPORT_COLUMNS[i], ours, theirs)
            else:
                assert a == b, (EXPORT_COLUMNS[i], ours, theirs)
    codes = {row[0] for row in fast[1:]}
    assert "'=HYPERLINK(\"http://x.test\")" in codes and "' \u200b@SUM(A1)" in codes
    assert "'\t-1" in codes and "Hall, \"East\"" in codes
    assert "'+measure" in {row[2] for row in fast[1:]}
    # Fixed decimals, and a change rounded to zero is 0.00, never -0.00.
    by_code = {(r[0], r[2]): dict(zip(EXPORT_COLUMNS, r)) for r in fast[1:]}
    first = by_code[("'=HYPERLINK(\"http://x.test\")", "trust")]
    assert (first["n"], first["effective_n"], first["estimate"], first["change"]) == (
        "30", "25.0", "40.00", "")
    assert by_code[("'\t-1", "trust")]["change"] == "0.00"
    hidden = by_code[("'\t-1", "'+measure")]
    assert hidden["suppressed"] == "fewer than 10 responses"
    assert all(hidden[c] == "" for c in NUMERIC + ("change_significant",))


def test_scope_and_period_narrow_the_database_csv(app, client, auth, hostile):
    from tests.pulse.exports.test_downloads import _csv, _post

    auth.login("officer", areas=[hostile.ward_b])
    rows = _csv(_post(client, "estimates", period="2026-10"))
    assert {r["area_code"] for r in rows} == {hostile.ward_b, "'=HYPERLINK(\"http://x.test\")",
                                              "' \u200b@SUM(A1)", "'\t-1", "Hall, \"East\""}
    assert _csv(_post(client, "estimates", area=hostile.ward_b, period="2026-09")) == []


def test_a_download_given_up_halfway_leaves_the_connection_usable(app, tree):
    """Enough rows for several chunks; the client goes after the first one."""
    from pulse.exports.estimates_csv import chunks
    from pulse.exports.filters import ExportFilter
    from pulse.exports.writers import Tally
    from pulse.extensions import db
    from pulse.models import Area, Estimate

    with app.app_context():
        area_id = db.session.scalar(select(Area.id).where(Area.code == tree.ward_a))
        db.session.add_all(Estimate(
            area_id=area_id, period=f"2026-{i % 12 + 1:02d}", period_kind="month",
            period_end=MONTH, measure=f"m{i // 12:04d}", group_label="all", unit="score",
            n=50, effective_n=40.0, estimate=55.5, std_error=1.0, ci_low=50.0, ci_high=60.0,
            suppressed=False, modelled_estimate=55.0) for i in range(6000))
        db.session.commit()
        body = chunks(ExportFilter.build(), Tally())
        assert next(body).startswith(b"area_code,period,measure,group,")
        body.close()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Estimate)) == 6000
