"""Form fields shared by staff forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField

from .dates import parse_day


class DayField(DateField):
    """A date written YYYY-MM-DD in ASCII digits, and nothing else (:mod:`pulse.dates`):
    WTForms' DateField also takes one-digit months (2027-1-1) and any Unicode digits."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_day(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Give the date as YYYY-MM-DD."))) from None
