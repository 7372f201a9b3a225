"""Standing orders for packs: an area's weekly or monthly pack, written to the pack folder
and e-mailed when SMTP is configured.

A subscription is due when it has never been sent, a weekly one seven days after its last
pack, a monthly one in a calendar month it has not been sent in. A weekly pack covers the
latest month with figures; a monthly one the last complete month (the latest before this
one), so it does not change after it is sent.
"""
from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from analysis.periods import month_of

from ..extensions import db
from ..models import Area, Estimate, PackSubscription
from ..models.pack import PACK_FREQUENCIES
from ..audit.operations import SCHEDULER
from .content import PackError, find_area
from .mail import send_pack, smtp_configured
from .operations import build_one, pack_folder, pack_name, write_atomically

log = logging.getLogger("pulse.packs")
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def parse_emails(text: str) -> list[str]:
    """Comma- or space-separated addresses; PackError names the first that is not one."""
    out = [a for a in re.split(r"[,\s;]+", text or "") if a]
    for address in out:
        if not EMAIL.match(address) or len(address) > 254:
            raise PackError(f"{address!r} is not an e-mail address")
    return out


def subscribe(area_code: str, frequency: str, emails: str = "", *, user=None) -> PackSubscription:
    area = find_area(area_code)
    if frequency not in PACK_FREQUENCIES:
        raise PackError(f"frequency must be {' or '.join(PACK_FREQUENCIES)}")
    addresses = parse_emails(emails)
    email_to = ",".join(addresses)
    # The same subscription twice (a double-clicked form, a command run again) would build and
    # e-mail every pack twice: the active one already there is the answer.
    same = db.session.scalar(select(PackSubscription).where(
        PackSubscription.area_id == area.id, PackSubscription.frequency == frequency,
        PackSubscription.email_to == email_to, PackSubscription.active.is_(True)))
    if same is not None:
        return same
    row = PackSubscription(area_id=area.id, frequency=frequency, email_to=email_to,
                           active=True, created_by=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def unsubscribe(subscription_id: int) -> PackSubscription:
    row = db.session.get(PackSubscription, subscription_id)
    if row is None or not row.active:
        raise PackError(f"there is no active subscription {subscription_id}")
    row.active = False
    db.session.flush()
    return row


def listing(active_only: bool = True) -> list[tuple[PackSubscription, Area]]:
    stmt = (select(PackSubscription, Area).join(Area, Area.id == PackSubscription.area_id)
            .order_by(Area.code, PackSubscription.id))
    if active_only:
        stmt = stmt.where(PackSubscription.active.is_(True))
    return [tuple(r) for r in db.session.execute(stmt)]


def is_due(sub: PackSubscription, now: datetime) -> bool:
    last = sub.last_sent_at
    if last is None:
        return True
    if sub.frequency == "weekly":
        # An hour's slack: a job that ran a little late last week is not skipped this week.
        return now - last >= timedelta(days=7) - timedelta(hours=1)
    return (last.year, last.month) != (now.year, now.month)


def period_for(sub: PackSubscription, now: datetime) -> str | None:
    """The month a subscription's pack covers, or None when the area has no month figures."""
    stmt = select(Estimate.period, Estimate.period_end).where(
        Estimate.area_id == sub.area_id, Estimate.period_kind == "month")
    if sub.frequency == "monthly":
        stmt = stmt.where(Estimate.period_end < month_of(now))
    row = db.session.execute(stmt.order_by(Estimate.period_end.desc()).limit(1)).first()
    return row[0] if row else None


def run_scheduled(now: datetime | None = None) -> int:
    """Write (and e-mail) every due pack; returns packs written. Commits one by one, so one
    area's failure neither stops nor undoes another's."""
    now = now or datetime.now(UTC)
    config = current_app.config
    written = 0
    for sub, area in listing():
        if not is_due(sub, now):
            continue
        period = period_for(sub, now)
        if period is None:
            log.info("scheduled pack %s: no month with figures for %s", sub.id, area.code)
            continue
        try:
            built = build_one(area.code, period, actor=SCHEDULER, action="pack.scheduled")
            name = pack_name(area.code, period).replace(".pdf", f"-{now:%Y%m%d}.pdf")
            path = pack_folder() / "scheduled" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, lambda fh: fh.write(built.data))
            recipients = [a for a in sub.email_to.split(",") if a]
            if recipients and smtp_configured(config):
                send_pack(config, recipients,
                          f"Briefing pack: {area.name}, {period}",
                          f"The {sub.frequency} briefing pack for {area.name} ({area.code}), "
                          f"{period}, is attached.\n\nNeighbourhood Pulse",
                          name, built.data)
            sub.last_sent_at = now
            db.session.commit()
            written += 1
        except (PackError, OSError) as err:
            # smtplib's errors are OSErrors too: the pack is kept, the mail retried next run.
            db.session.rollback()
            log.warning("scheduled pack %s for %s failed: %s", sub.id, area.code,
                        type(err).__name__)
    return written
