"""Taking in one resident's response: the single path behind the survey form, assisted mode
and the JSON API.

Each of the three reads its input its own way (a WTForms form with CSRF, an officer's form,
a JSON body) into a :class:`~surveys.validation.Submission`; from there this module does the
rest the same way for all of them: the integrity flags, the response's metadata, the code a
resident entered, and the rows. It adds and flushes; the view commits once and turns
:class:`Duplicate` and :class:`~pulse.codes.access.CodeSpent` into its own kind of answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

from surveys.instrument import Instrument as Definition
from surveys.integrity import quality_flags
from surveys.validation import Submission, validate_submission

from ..codes import access as code_access
from ..extensions import db
from ..instruments.queries import definition_of
from . import places, queries
from .operations import Added, Meta, add_response


@dataclass(frozen=True)
class Target:
    """Where a response goes: an area, its open wave and the instrument's current version."""

    area_id: int
    area_code: str
    wave_id: int
    version: queries.VersionRef
    definition: Definition

    @property
    def answered_key(self) -> str:
        """The key of this (area, wave) in the browser's "answered" cookie."""
        return f"{self.area_id}:{self.wave_id or 0}"


class Duplicate(Exception):
    """Already stored: the same form or key sent twice, or this device answered this wave."""


def target(area, wave) -> Target | None:
    """The target for ``area`` and its open ``wave``; None if the instrument has no version."""
    version = places.current_version(wave.instrument_id)
    if version is None:
        return None
    return Target(area.id, area.code, wave.id, version, definition_of(version))


def from_json(target: Target, raw: dict[str, str]) -> Submission:
    """Validate answers sent as a mapping of question codes to strings."""
    return validate_submission(target.definition, raw)


def meta(target: Target, submission: Submission, *, now: datetime, language: str,
         channel: str, device_hash: str | None, submission_key: str | None,
         seconds: float | None, honeypot: str | None) -> Meta:
    """Everything stored beside the answers, with the quality flags the response earns."""
    return Meta(
        submitted_at=now, language=language, channel=channel, device_hash=device_hash,
        submission_key=submission_key,
        duration_seconds=int(seconds) if seconds is not None else None,
        quality_flags=tuple(quality_flags(
            target.definition, honeypot=honeypot, elapsed_seconds=seconds,
            answers=submission.answers.values(),
            min_seconds=current_app.config["PULSE_MIN_COMPLETION_SECONDS"])))


def receive(target: Target, submission: Submission, meta: Meta,
            passage: code_access.Passage | None = None) -> Added:
    """Spend the resident's code (if any) and add the response, answers and comments.

    Raises :class:`Duplicate` (the session rolled back) when the database refuses the
    response as one already stored: the unique submission key (a form or API key sent twice)
    or the unique (device, area, wave) of the one-response rule, which hold across processes
    and between two tabs where a check before the INSERT would not. Raises
    :class:`~pulse.codes.access.CodeSpent` (rolled back too) when another request spent the code.
    """
    try:
        if passage is not None:
            code_access.spend(passage)  # in the same transaction as the response
        added = add_response(target.area_id, target.wave_id, target.version.id,
                             target.version.question_ids, submission, meta)
        db.session.flush()
    except code_access.CodeSpent:
        db.session.rollback()
        raise
    except IntegrityError as err:
        db.session.rollback()
        raise Duplicate from err
    return added

