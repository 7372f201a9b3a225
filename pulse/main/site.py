"""Who runs this survey, and the promises the resident pages make, as the configuration says.

The consent statement, the privacy notice and the accessibility statement tell residents how
long their words are kept, how many answers a published figure needs and whom to write to.
Those come from the deployment's settings, never from the wording, so a force that keeps
comments for 90 days or publishes nothing under 20 answers is not made to promise 30 and 10.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from ..survey.tokens import ANSWERED_COOKIE, DEVICE_COOKIE


@dataclass(frozen=True)
class Site:
    """The operator's details (empty when not configured) and the promises that follow config."""

    operator: str
    contact_email: str
    privacy_url: str
    accessibility_reviewed: date | None
    min_responses: int
    retention_days: int
    device_cookie: str = DEVICE_COOKIE
    answered_cookie: str = ANSWERED_COOKIE


def site() -> Site:
    config = current_app.config
    reviewed = config.get("PULSE_ACCESSIBILITY_REVIEWED") or ""
    return Site(
        operator=str(config.get("PULSE_OPERATOR_NAME") or "").strip(),
        contact_email=str(config.get("PULSE_CONTACT_EMAIL") or "").strip(),
        privacy_url=str(config.get("PULSE_PRIVACY_URL") or "").strip(),
        # Checked at start-up (pulse/config.py), so it parses here.
        accessibility_reviewed=date.fromisoformat(reviewed) if reviewed else None,
        min_responses=int(config["PULSE_MIN_RESPONSES"]),
        retention_days=int(config["PULSE_COMMENT_RETENTION_DAYS"]),
    )
