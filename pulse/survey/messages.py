"""Resident-facing wording of the survey domain's validation reasons."""
from __future__ import annotations

from flask_babel import format_number
from flask_babel import gettext as _

from surveys import validation as v


def error_message(err: v.AnswerError) -> str:
    if err.reason == v.REQUIRED:
        return _("Please answer this question.")
    if err.reason == v.OUT_OF_RANGE:
        return _("Choose a value from %(range)s.", range=err.detail)
    if err.reason in (v.NOT_A_NUMBER, v.NOT_AN_OPTION):
        return _("Choose one of the options given.")
    if err.reason == v.TOO_LONG:
        # The limit itself is accepted, so "up to", not "under"; the number in the locale's
        # own grouping (1,000).
        return _("Answers can be up to %(n)s characters. Please shorten yours.",
                 n=format_number(int(err.detail)))
    if err.reason == v.CONTROL_CHARACTERS:
        return _("Your answer contains characters we cannot store. Please retype it.")
    if err.reason == v.UNKNOWN_QUESTION:
        return _("This survey has no question called %(code)s.", code=err.code)
    return _("Please check this answer.")


def one_answer_only() -> str:
    return _("Choose only one answer.")
