"""Briefing packs: one pack, and a bulk run of 20 neighbourhoods, beside a bare fpdf2 page.

    python -m bench.pack

A fresh SQLite database: one borough with 20 wards (boundaries, population margins), 12 months
of real survey responses through the intake operation (about 4,800), 30 classified comments
per ward (10 approved for publication), then the aggregation. Timed in one process:

- baseline: fpdf2 alone, the two DejaVu faces added from their files and one page of text,
  written to bytes;
- one pack: ``render_pack`` for one ward (reads, layout, SVG charts, map, output), median of 7;
- bulk: ``build_bulk`` of the 20 wards into an in-memory ZIP, twice in this process
  (PACK_PROCESSES=1) and twice with one worker process per CPU, interleaved; wall and CPU
  seconds (this process and the workers).

Targets (issue 6): one pack under 3 s, a bulk run of 20 under 40 s.
"""
from __future__ import annotations

import io
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARDS = [f"E0588{i:04d}" for i in range(20)]
BOROUGH = "E09000088"
MONTHS = [(2025, m) for m in range(11, 13)] + [(2026, m) for m in range(1, 11)]
PERIOD = "2026-10"


def _square(i: int) -> dict:
    x, y = -0.1 + (i % 5) * 0.012, 51.4 + (i // 5) * 0.012
    return {"type": "Polygon", "coordinates": [[[x, y], [x + .01, y], [x + .01, y + .01],
                                                [x, y + .01], [x, y]]]}


def seed(responses_per_ward: int = 240) -> None:
    from surveys.core import AGE_BANDS, CORE
    from surveys.validation import validate_submission
    from tests.pulse.estimates.support import raw_answers

    from pulse.areas.operations import ensure_area
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import (Comment, PopulationMargin, Question, Response, TextModel, Topic,
                              TopicPrediction)
    from pulse.survey.operations import Meta, NewResponse, record_responses
    from pulse.text.shares import store_topic_shares

    version = ensure_core()
    borough = ensure_area(BOROUGH, "Benchborough", "borough")
    wards = [ensure_area(code, f"Bench ward {i}", "ward", borough) for i, code in enumerate(WARDS)]
    for i, ward in enumerate(wards):
        ward.boundary = _square(i)
        for k, band in enumerate(AGE_BANDS):
            db.session.add(PopulationMargin(area_id=ward.id, dimension="age_band", category=band,
                                            population=800 + 150 * k))
    db.session.commit()
    rng = random.Random(5)
    items = []
    for i, ward in enumerate(wards):
        for _ in range(responses_per_ward):
            year, month = rng.choice(MONTHS)
            submission = validate_submission(CORE, raw_answers(rng, i % 3))
            items.append(NewResponse(area_id=ward.id, submission=submission, meta=Meta(
                submitted_at=datetime(year, month, rng.randint(1, 28), 12, tzinfo=UTC),
                language="en", channel="import", submission_key=uuid.uuid4().hex)))
    record_responses(version, items)
    db.session.commit()
    question = db.session.query(Question).first()
    model = TextModel(version="bench", artifact_path="/nonexistent", status="live")
    topics = [Topic(code=c, label=label, severity=s, position=p) for p, (c, label, s) in enumerate(
        (("asb", "Antisocial behaviour", .8), ("speeding", "Speeding", .6),
         ("litter", "Litter", .3)))]
    db.session.add_all([model, *topics])
    db.session.flush()
    for ward in wards:
        ids = [r.id for r in db.session.query(Response.id).filter(
            Response.area_id == ward.id).limit(30)]
        for k, response_id in enumerate(ids):
            when = datetime(2026, 10 if k % 2 else 9, 1 + k % 28, tzinfo=UTC)
            comment = Comment(response_id=response_id, question_id=question.id,
                              area_id=ward.id, submitted_at=when,
                              redacted_text=f"Comment {k} about the area, with some detail",
                              quote_approved_at=when if k % 3 == 0 else None)
            db.session.add(comment)
            db.session.flush()
            db.session.add(TopicPrediction(comment_id=comment.id, model_id=model.id,
                                           topic_id=topics[k % 3].id, confidence=.9))
    db.session.commit()
    aggregate(full=True)
    store_topic_shares()
    db.session.commit()


def baseline() -> float:
    """fpdf2 alone: the DejaVu faces added from their files, one page of text, to bytes."""
    from fpdf import FPDF

    from pulse.distribution.pdf import FONT_DIR

    start = time.perf_counter()
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    pdf.set_xy(15, 15)
    pdf.multi_cell(180, 5, "The quick brown fox jumps over the lazy dog. " * 60)
    bytes(pdf.output())
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process, its finished children, and the pack workers: they are the
    forkserver's children, which it reaps, so its /proc "cutime" and "cstime" count them."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        # Fields 16 and 17 of proc(5), counted after the ")" that ends the command name.
        total += (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return total


def bulk(app, workers: int) -> tuple[float, float, int]:
    """One bulk run of the 20 wards into memory: (wall s, CPU s, packs)."""
    from pulse.extensions import db
    from pulse.packs.operations import build_bulk

    app.config["PACK_PROCESSES"] = workers
    out = io.BytesIO()
    cpu, start = cpu_seconds(), time.perf_counter()
    count = build_bulk(BOROUGH, PERIOD, out, actor="bench")
    wall = time.perf_counter() - start
    db.session.rollback()   # the audit row: not kept
    return wall, cpu_seconds() - cpu, count


def main() -> None:
    from flask_migrate import upgrade

    from pulse import create_app

    folder = tempfile.mkdtemp(prefix="bench-pack-")
    url = "sqlite:///" + os.path.join(folder, "bench.db")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    app.instance_path = folder
    with app.app_context():
        upgrade()
        clock = time.perf_counter()
        seed()
        print(f"seeded in {time.perf_counter() - clock:.1f}s")
        from pulse.packs.content import find_area
        from pulse.packs.operations import render_pack
        from pulse.packs.parallel import processes

        area = find_area(WARDS[0])
        base = statistics.median(baseline() for _ in range(15))
        singles, pages = [], 0
        for _ in range(7):
            start = time.perf_counter()
            built = render_pack(area, PERIOD, generated_by="bench")
            singles.append(time.perf_counter() - start)
            pages = built.pages
        workers = processes(None, len(WARDS))
        # Interleaved, so both see the same load: in this process, then in the pool.
        runs: dict[int, list[tuple[float, float, int]]] = {1: [], workers: []}
        for _ in range(2):
            for n in runs:
                runs[n].append(bulk(app, n))
        one = statistics.median(singles)
        print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cpus, "
              f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"baseline (fpdf2 alone, one page of text): {base * 1000:.0f} ms median of 15")
        print(f"one pack ({pages} pages): {one * 1000:.0f} ms median of 7 "
              f"(min {min(singles) * 1000:.0f}, max {max(singles) * 1000:.0f}); "
              f"{one / base:.1f}x baseline; target 3 s")
        for n, results in runs.items():
            wall, cpu, count = min(results)
            print(f"bulk of {count} wards, {n} process{'es' if n > 1 else ''}: {wall:.1f} s "
                  f"best of 2 ({', '.join(f'{r[0]:.1f}' for r in results)}), {cpu:.1f} CPU-s; "
                  f"{wall / count * 1000:.0f} ms per pack; {wall / base:.0f}x baseline; "
                  f"target 40 s")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

if __name__ == "__main__":
    main()
