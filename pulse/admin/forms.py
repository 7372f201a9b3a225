"""Forms for the admin console."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .operations import REASON_MAX

ACCESS_LABELS = [SelectChoice("open", _l("Anyone with the link")),
                 SelectChoice("code", _l("Only holders of a single-use code")),
                 SelectChoice("both", _l("Either: the link or a code"))]


class ReviewForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Give a reason; it is kept with the decision.")),
        Length(max=REASON_MAX, message=_l("Keep the reason to %(max)d characters.", max=REASON_MAX))],
        description=_l("Say why, in a sentence. Your name and the time are recorded with it."))


class OpenWaveForm(FlaskForm):
    area = SelectField(_l("Area"), validators=[DataRequired(_l("Choose an area."))],
                       description=_l("Collection opens for this area and every area inside it."))
    name = StringField(_l("Name of the wave"), validators=[
        DataRequired(_l("Give the wave a name.")), Length(max=200)],
        description=_l("For example: Spring 2027 door-to-door."))
    access = SelectField(_l("Who may answer"), choices=ACCESS_LABELS,
                         validators=[DataRequired(_l("Choose who may answer."))])
    target = IntegerField(_l("Target number of responses (optional)"), validators=[
        Optional(), NumberRange(min=1, max=1_000_000,
                                message=_l("Enter a whole number from 1 to 1,000,000."))])


class CloseWaveForm(FlaskForm):
    pass


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the area a name.")),
                                               Length(max=200)])
    parent = SelectField(_l("Inside"), validate_choice=False,
                         description=_l("The area this one sits in. Leave empty for a top-level area."))


class BoundaryUploadForm(FlaskForm):
    file = FileField(_l("GeoJSON file"), description=_l(
        "A FeatureCollection of polygons, each with a code and a name property (up to 20 MB)."))
    parent = SelectField(_l("Put new areas inside"), validate_choice=False)
    level = StringField(_l("Level of the areas in the file"), default="neighbourhood",
                        validators=[DataRequired(_l("Say what level these areas are.")),
                                    Length(max=32)],
                        description=_l("For example ward, neighbourhood or precinct."))


class MarginsUploadForm(FlaskForm):
    file = FileField(_l("CSV file"), description=_l(
        "Columns area_code, dimension, category, population (up to 5 MB)."))


class ConfirmForm(FlaskForm):
    token = HiddenField()
