"""Briefing packs built on seeded, aggregated responses and read back with pypdf."""
from __future__ import annotations

import io
import re
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from tests.pulse.packs.support import (APPROVED, BIG, BOROUGH, FLAGGED, MARKUP, PERIOD, SMALL,
                                       UNAPPROVED, WARDS)


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), len(reader.pages)


def build(runner, tmp_path, code: str, period: str = PERIOD):
    out = tmp_path / f"{code}-{period}.pdf"
    result = runner.invoke(args=["pack", "build", "--area", code, "--period", period,
                                 "--out", str(out)])
    return result, out


def shown(value: float | None, unit: str) -> str:
    return f"{value:.0f}%" if unit == "percent" else f"{value:.0f}"


def test_pack_holds_area_period_and_the_stored_figures(seeded, runner, tmp_path):
    from pulse.extensions import db
    from pulse.models import Area, AuditEvent, Estimate
    from pulse.officer.queries import MEASURE_LABELS

    result, out = build(runner, tmp_path, BIG)
    assert result.exit_code == 0, result.output
    text, pages = pdf_text(out.read_bytes())
    assert 2 <= pages <= 6
    assert "Ward 0" in text and BIG in text
    assert "October 2026 (2026-10)" in text
    with seeded.app_context():
        area = db.session.scalar(select(Area).where(Area.code == BIG))
        rows = db.session.scalars(select(Estimate).where(
            Estimate.area_id == area.id, Estimate.period == PERIOD,
            Estimate.group_label == "all")).all()
        assert len(rows) == 10 and not any(e.suppressed for e in rows)
        for e in rows:
            # The table row as printed: label, estimate, interval, responses, modelled.
            row = (f"{shown(e.estimate, e.unit)} {shown(e.ci_low, e.unit)}–"
                   f"{shown(e.ci_high, e.unit)} {e.n} {shown(e.modelled_estimate, e.unit)}")
            assert row in text, (MEASURE_LABELS[e.measure], row)
            if e.change_significant:
                assert ("rose" if e.change > 0 else "fell") + f" {abs(e.change):.0f}" in text
        assert "no significant change" in text
        events = db.session.scalars(select(AuditEvent)).all()
        assert [(ev.action, ev.scope, ev.rows, ev.actor) for ev in events] == [
            ("pack.build", f"{BIG} {PERIOD}", pages, "command line")]


def test_no_suppressed_figure_in_a_small_areas_pack(seeded, runner, tmp_path):
    from pulse.extensions import db
    from pulse.models import Area, Estimate, Response

    with seeded.app_context():
        area = db.session.scalar(select(Area).where(Area.code == SMALL))
        assert len(db.session.scalars(select(Response).where(
            Response.area_id == area.id)).all()) == 6
        cells = db.session.scalars(select(Estimate).where(
            Estimate.area_id == area.id, Estimate.period == PERIOD)).all()
        assert cells and all(e.suppressed and e.estimate is None for e in cells)
    result, out = build(runner, tmp_path, SMALL)
    assert result.exit_code == 0, result.output
    text, _ = pdf_text(out.read_bytes())
    table = text[text.index("Headline measures"):text.index("Methodology and caveats")]
    assert table.count("— — — — fewer than 10 responses") == 10
    # Beyond the fixed wording ("out of 100", "95%", "fewer than 10"), no number at all.
    left = table
    for fixed in ("out of 100", "95%", "fewer than 10", "Safety (day)"):
        left = left.replace(fixed, "")
    assert not re.search(r"\d", left), left
    assert "6 responses" not in text and "Based on" not in text
    assert "are not published" in text


def test_only_approved_quotes_printed_literally(seeded, runner, tmp_path):
    result, out = build(runner, tmp_path, BIG)
    assert result.exit_code == 0, result.output
    text, _ = pdf_text(out.read_bytes())
    for quote in APPROVED:
        assert f"“{quote}”" in text, quote
    # fpdf2 markup and HTML in a resident's words print as typed, not as formatting.
    assert MARKUP in text
    assert UNAPPROVED not in text and FLAGGED not in text
    assert "Noise from the flats" not in text and "RAW " not in text
    assert "Antisocial behaviour: 70% of comments" in text
    assert "Litter & fly-tipping: 30% of comments" in text


def test_bad_area_or_period_is_a_clear_error(seeded, runner, tmp_path):
    for code, period, message in (
            ("NOPE", PERIOD, "no area with code 'NOPE'"),
            (BIG, "October", "is not a period (use 2026-10, 2026-Q4 or R12-2026-10)"),
            (BIG, "2026-13", "is not a period"),
            (BIG, "2025-01", "no estimates are stored for")):
        result, out = build(runner, tmp_path, code, period)
        assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
        assert message in result.output, result.output
        assert "Traceback" not in result.output and not out.exists()
    out = tmp_path / "taken.pdf"
    out.write_bytes(b"mine")
    result = runner.invoke(args=["pack", "build", "--area", BIG, "--period", PERIOD,
                                 "--out", str(out)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert out.read_bytes() == b"mine"


def test_quarter_and_rolling_year(seeded, runner, tmp_path):
    for period, words in (("2026-Q4", "October 2026 to December 2026 (2026-Q4)"),
                          ("R12-2026-10", "twelve months to October 2026 (R12-2026-10)")):
        result, out = build(runner, tmp_path, BIG, period)
        assert result.exit_code == 0, result.output
        text, pages = pdf_text(out.read_bytes())
        assert words in text and 2 <= pages <= 6


def test_bulk_zip_has_one_pack_per_neighbourhood(seeded, runner, tmp_path):
    from pulse.extensions import db
    from pulse.models import AuditEvent

    out = tmp_path / "packs.zip"
    result = runner.invoke(args=["pack", "bulk", "--area", BOROUGH, "--period", PERIOD,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Building packs" in result.output and "5 packs of 5 neighbourhoods" in result.output
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"briefing-{code}-{PERIOD}.pdf" for code in WARDS)
        for code in WARDS:
            text, _ = pdf_text(archive.read(f"briefing-{code}-{PERIOD}.pdf"))
            assert code in text
    with seeded.app_context():
        event = db.session.scalar(select(AuditEvent))
        assert (event.action, event.rows) == ("pack.bulk", 5)
        assert event.scope == ",".join(sorted(WARDS)) + f" {PERIOD}"
    bad = runner.invoke(args=["pack", "bulk", "--area", WARDS[0], "--period", PERIOD,
                              "--out", str(tmp_path / "none.zip")])
    assert bad.exit_code != 0 and "has no neighbourhoods under it" in bad.output
