"""Forms for the admin console."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, FieldList, Form, FormField, HiddenField, IntegerField,
                     SelectField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)

from surveys.core import CORE

from ..fields import DayField
from .local import CODE, NAME
from .operations import REASON_MAX

OPTION_VALUE = re.compile(r"^[a-z0-9_]{1,40}$")

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


# Local questions. The question types a resident can meet: three closed scales, one choice
# with the admin's own options, and free text. The value is what the form posts.
LOCAL_TYPES = [SelectChoice("s10", _l("0–10 scale")),
               SelectChoice("agree5", _l("Agree or disagree (5 points)")),
               SelectChoice("rate5", _l("Rating from very poor to very good (5 points)")),
               SelectChoice("choice", _l("Single choice from your options")),
               SelectChoice("text", _l("Free text"))]
LANGUAGE_NAMES = {"en": _l("English"), "cy": _l("Welsh")}
WORDING_MAX = 500
OPTIONS_MAX = 20
QUESTIONS_MAX = 20


def _options_check(form, field) -> None:
    """Options are for single choice only; each line a value and a label per language."""
    lines = [line for line in (field.data or "").splitlines() if line.strip()]
    if form.kind.data != "choice":
        if lines:
            raise ValidationError(_l("Only a single-choice question has options: clear this box "
                                     "or choose “Single choice”."))
        return
    if len(lines) < 2:
        raise ValidationError(_l("Give at least two options, one a line."))
    if len(lines) > OPTIONS_MAX:
        raise ValidationError(_l("Keep to %(n)d options.", n=OPTIONS_MAX))
    seen = set()
    for number, line in enumerate(lines, 1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 1 + len(CORE.languages) or not all(parts):
            raise ValidationError(_l("Line %(n)d: write a value, then a label in each language, "
                                     "separated by “|”.", n=number))
        if not OPTION_VALUE.match(parts[0]):
            raise ValidationError(_l("Line %(n)d: a value is lower-case letters, digits and "
                                     "underscores, e.g. most_days.", n=number))
        if parts[0] in seen:
            raise ValidationError(_l("Line %(n)d: the value %(value)s is used twice.",
                                     n=number, value=parts[0]))
        seen.add(parts[0])


class LocalQuestionForm(Form):
    """One local question; a sub-form of :class:`LocalSetForm` (the outer form holds the token)."""

    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Give the question a code, e.g. ladywell_dark.")),
        Regexp(CODE, message=_l(
            "A code is 2-41 lower-case letters, digits and underscores, starting with a letter."))],
        description=_l("Stays the same across versions: results are kept under it. Core "
                       "questions' codes cannot be used."))
    kind = SelectField(_l("Type"), choices=LOCAL_TYPES)
    optional = BooleanField(_l("Residents may skip this question"), default=True)
    options = TextAreaField(_l("Options (single choice only)"), validators=[
        Length(max=4000, message=_l("Keep the options to %(max)d characters.", max=4000)),
        _options_check],
                            description=_l("One a line: a value, then the label in each language, "
                                           "separated by “|”, e.g. most_days | Most days | "
                                           "Y rhan fwyaf o ddyddiau."))


for _lang in CORE.languages:
    setattr(LocalQuestionForm, f"wording_{_lang}", TextAreaField(
        _l("Wording in %(language)s", language=LANGUAGE_NAMES.get(_lang, _lang)),
        validators=[DataRequired(_l("Give the wording in %(language)s.",
                                    language=LANGUAGE_NAMES.get(_lang, _lang))),
                    Length(max=WORDING_MAX, message=_l("Keep the wording to %(max)d characters.",
                                                       max=WORDING_MAX))]))


class LocalSetForm(FlaskForm):
    name = StringField(_l("Name of the set"), validators=[
        DataRequired(_l("Give the set a name, e.g. ladywell.")),
        Regexp(NAME, message=_l(
            "A name is 2-41 lower-case letters, digits or hyphens, e.g. ladywell."))],
        description=_l("Short and lower-case; it names the variant core+name."))
    questions = FieldList(FormField(LocalQuestionForm), min_entries=1, max_entries=QUESTIONS_MAX)
    areas = TextAreaField(_l("Area codes"), validators=[
        DataRequired(_l("Give at least one area code.")), Length(max=4000)],
        description=_l("Residents of these areas (and the areas inside them) see the local "
                       "questions. Separate codes by spaces, commas or new lines."))
    starts = DayField(_l("First day of collection"), validators=[
        InputRequired(_l("Give the first day, e.g. 2026-12-01."))])
    ends = DayField(_l("Last day of collection"), validators=[
        InputRequired(_l("Give the last day, e.g. 2027-01-31."))])

    def validate_starts(self, field) -> None:
        _plausible(field.data)

    def validate_ends(self, field) -> None:
        _plausible(field.data)
        if self.starts.data and field.data and field.data < self.starts.data:
            raise ValidationError(_l("The last day cannot come before the first day."))


def _plausible(day) -> None:
    # A year like 9999 would overflow when the closing time (the next midnight) is worked out.
    if day is not None and not 2000 <= day.year <= 2100:
        raise ValidationError(_l("Give a date between 2000 and 2100."))


def local_spec(entry: dict) -> dict:
    """The plain question data of one sub-form's values, as the CLI's JSON file gives it."""
    kind = entry.get("kind") or ""
    options = []
    if kind == "choice":
        for line in (entry.get("options") or "").splitlines():
            if line.strip():
                value, *labels = [p.strip() for p in line.split("|")]
                options.append({"value": value, "labels": dict(zip(CORE.languages, labels))})
    return {"code": (entry.get("code") or "").strip(),
            "kind": kind if kind in ("choice", "text") else "scale",
            "scale": kind if kind not in ("choice", "text") else None,
            "optional": bool(entry.get("optional")),
            "wording": {lang: (entry.get(f"wording_{lang}") or "").strip()
                        for lang in CORE.languages},
            "options": options}


def local_entry(spec: dict) -> dict:
    """The sub-form values of one stored question (the inverse of :func:`local_spec`)."""
    def labels(option: dict) -> list[str]:
        return [option["labels"].get(lang, "") for lang in CORE.languages]

    return {"code": spec["code"], "kind": spec["scale"] or spec["kind"],
            "optional": spec["optional"],
            "options": "\n".join(" | ".join([o["value"], *labels(o)]) for o in spec["options"]),
            **{f"wording_{lang}": spec["wording"].get(lang, "") for lang in CORE.languages}}
