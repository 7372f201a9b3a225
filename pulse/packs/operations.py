"""Building packs: one PDF, a ZIP of one PDF per neighbourhood, a queued background run.

The command line, the background executor and the scheduler call these. Each pack built is
written to the audit log (who, which areas, which period, how many pages or packs) in the
caller's session; the caller commits.
"""
from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from .. import audit
from ..audit.operations import SCHEDULER
from ..extensions import db
from ..models import Area, PackRun
from ..models.pack import PACK_DONE, PACK_FAILED, PACK_QUEUED, PACK_RUNNING
from .content import PackError, check, find_area, gather, leaves_under, parse_period
from .parallel import processes, render_all
from .render import render

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Built:
    data: bytes
    pages: int
    area_code: str
    period: str


def pack_folder() -> Path:
    """Where packs are written: PACK_FOLDER, else ``packs`` in the instance folder."""
    folder = Path(current_app.config.get("PACK_FOLDER") or
                  Path(current_app.instance_path) / "packs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pack_name(area_code: str, period: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in area_code)
    return f"briefing-{safe}-{period}.pdf"


def render_pack(area: Area, period_label: str, *, generated_by: str) -> Built:
    """One pack's bytes, not audited (callers record what they hand out)."""
    period = parse_period(period_label)
    data, pages = render(gather(area, period, generated_by=generated_by))
    return Built(data, pages, area.code, period.label)


def build_one(area_code: str, period_label: str, *, user=None, actor: str | None = None,
              action: str = "pack.build") -> Built:
    area = find_area(area_code)
    who = actor or audit.actor_for(user)
    built = render_pack(area, period_label, generated_by=who)
    audit.record(action, user=user, actor=actor, areas=[area.code], period=built.period,
                 rows=built.pages, detail=f"pdf, {len(built.data)} bytes")
    return built


def write_atomically(path: Path, write: Callable[[object], None]) -> None:
    """Write through a ``.part`` file renamed into place: a reader never sees half a file."""
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as fh:
            write(fh)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def bulk_targets(parent_code: str, period_label: str) -> tuple[Area, list[Area], str]:
    parent = find_area(parent_code)
    period = parse_period(period_label)
    check(parent, period, below=True)
    leaves = leaves_under(parent)
    if not leaves:
        raise PackError(f"{parent.code} has no neighbourhoods under it")
    return parent, leaves, period.label


def build_bulk(parent_code: str, period_label: str, out, *, user=None,
               actor: str | None = None, progress: Progress | None = None) -> int:
    """A ZIP of one PDF per neighbourhood under the parent, written to ``out`` (a binary
    file). A neighbourhood with no stored figures for the period is listed in SKIPPED.txt.

    Figures are read here, one pack ahead of the renderers; the PDFs are rendered in worker
    processes (PACK_PROCESSES, default one per CPU) and written as they finish. A pack that
    fails stops the run with PackFailed naming its area; the caller discards the file.
    """
    parent, leaves, period = bulk_targets(parent_code, period_label)
    who = actor or audit.actor_for(user)
    asked = parse_period(period)

    def jobs():
        for area in leaves:
            try:
                yield area.code, gather(area, asked, generated_by=who)
            except PackError as err:
                yield area.code, str(err)

    workers = processes(current_app.config.get("PACK_PROCESSES"), len(leaves))
    built, skipped = [], []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for i, (code, data, _, why) in enumerate(render_all(jobs(), workers), 1):
            if data is None:
                skipped.append(f"{code}: {why}")
            else:
                # PDF streams are compressed already; storing them saves time, not space.
                archive.writestr(pack_name(code, period), data)
                built.append(code)
            if progress:
                progress(i, len(leaves))
        if skipped:
            archive.writestr("SKIPPED.txt", "\n".join(sorted(skipped)) + "\n")
    audit.record("pack.bulk", user=user, actor=actor, areas=sorted(built), period=period,
                 rows=len(built), detail=f"zip under {parent.code}, {len(skipped)} skipped")
    return len(built)


# --- background runs ---------------------------------------------------------------------

def queue_run(user, area: Area, period_label: str, kind: str) -> PackRun:
    """Check what was asked and add a queued run; the view commits, then starts it."""
    if kind == "bulk":
        _, leaves, period = bulk_targets(area.code, period_label)
        total = len(leaves)
    else:
        period = parse_period(period_label).label
        check(area, parse_period(period))
        total = 1
    # A double-clicked "Build" would build the same pack twice on a small machine: a run of
    # the same pack for the same person that has not finished yet is the answer.
    waiting = db.session.scalar(select(PackRun).where(
        PackRun.area_id == area.id, PackRun.period == period, PackRun.kind == kind,
        PackRun.requested_by == getattr(user, "id", None),
        PackRun.status.in_((PACK_QUEUED, PACK_RUNNING))).order_by(PackRun.id).limit(1))
    if waiting is not None:
        return waiting
    run = PackRun(area_id=area.id, period=period, kind=kind, status=PACK_QUEUED,
                  requested_by=getattr(user, "id", None), total=total, done=0)
    db.session.add(run)
    db.session.flush()
    return run


def claim(run_id: int) -> bool:
    """Move a queued run to running; False when another worker took it first."""
    result = db.session.execute(update(PackRun).where(
        PackRun.id == run_id, PackRun.status == PACK_QUEUED).values(status=PACK_RUNNING))
    db.session.commit()
    return result.rowcount == 1


def run_pack(run_id: int) -> bool:
    """Build a queued run into the pack folder, committing progress as it goes.

    Returns False when the run was not queued (already taken). A failure is recorded on the
    run with its reason; the partly written file is removed.
    """
    if not claim(run_id):
        return False
    run = db.session.get(PackRun, run_id)
    from ..models import User  # the account asking, for the audit row

    user = db.session.get(User, run.requested_by) if run.requested_by else None
    # A run left behind by a deleted account is still built, in the scheduler's name.
    actor = None if user is not None else SCHEDULER
    area = db.session.get(Area, run.area_id)
    folder = pack_folder()
    try:
        if run.kind == "bulk":
            path = folder / f"run-{run.id}-briefing-packs-{area.code}-{run.period}.zip"

            def step(done: int, total: int) -> None:
                run.done, run.total = done, total
                db.session.commit()

            write_atomically(path, lambda fh: build_bulk(
                area.code, run.period, fh, user=user, actor=actor, progress=step))
        else:
            path = folder / f"run-{run.id}-{pack_name(area.code, run.period)}"
            built = build_one(area.code, run.period, user=user, actor=actor)
            write_atomically(path, lambda fh: fh.write(built.data))
            run.done = run.total = 1
        run.path, run.status = str(path), PACK_DONE
    except Exception as err:  # noqa: BLE001 - any failure is shown on the progress page
        db.session.rollback()
        run = db.session.get(PackRun, run_id)
        run.status = PACK_FAILED
        run.error = (str(err) if isinstance(err, PackError)
                     else f"the pack could not be built ({type(err).__name__})")[:2000]
        current_app.logger.exception("pack run %s failed", run_id)
    run.finished_at = datetime.now(UTC)
    db.session.commit()
    return True
