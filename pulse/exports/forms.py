"""The export form: area, period or dates, format. One class for every kind of export."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from ..fields import DayField
from .filters import parse_period


class ExportForm(FlaskForm):
    # Any code is accepted here; the view answers 404 for one outside the user's scope, as
    # every other page does, rather than a form error that would confirm the area exists.
    area = SelectField(_l("Area"), validate_choice=False,
                       description=_l("The area and every area below it; "
                                      "blank for all your areas."))
    period = StringField(_l("Period (optional)"), validators=[Optional()],
                         description=_l("A month, quarter or rolling year: "
                                        "2026-10, 2026-Q4 or R12-2026-10."))
    date_from = DayField(_l("From (optional)"), validators=[Optional()])
    date_to = DayField(_l("Up to and including (optional)"), validators=[Optional()])
    format = RadioField(_l("Format"), choices=[SelectChoice("csv", "CSV"),
                                                    SelectChoice("xlsx", "Excel (XLSX)")],
                        default="csv")

    def validate_period(self, field) -> None:
        try:
            parse_period(field.data)
        except ValueError as err:
            raise ValidationError(str(err)) from None

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and self.date_from.data > field.data:
            raise ValidationError(_l("The end date is before the start date."))
