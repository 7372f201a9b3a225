"""The survey form, built from an instrument version's questions.

Each question becomes an :class:`AnswerField` whose validation is the survey domain's own
(:func:`surveys.validation.parse_answer`), so the web form, the CSV import and the API accept
exactly the same answers.
"""
from __future__ import annotations

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import Field, HiddenField, StringField
from wtforms.validators import StopValidation, ValidationError

from surveys.instrument import Instrument
from surveys.validation import AnswerError, Submission, parse_answer, validate_submission

from ..formbody import FORM_TYPES
from .messages import error_message, one_answer_only

#: Form fields that are not questions.
CONTROL_FIELDS = frozenset({"csrf_token", "started", "website", "via", "consent",
                            "switch_lang"})


def refuse_odd_body() -> None:
    """Abort with a 4xx and its reason when a POST is not a survey form a browser could send.

    Flask-WTF would otherwise read a JSON body as the form, and its numbers, lists and objects
    (or an uploaded file) would reach the answer fields, which take only text. Multipart is
    taken without files, as some browsers send it regardless. Text that is not UTF-8 is
    refused while the form is read (:mod:`pulse.formbody`).
    """
    if request.mimetype not in FORM_TYPES:
        abort(415, description=_("Please send your answers from the survey page itself."))
    if request.files:
        abort(400, description=_("This survey takes typed answers, not files."))
    if request.content_length and not request.form:
        # Werkzeug reads a body it cannot parse (a multipart body without its boundary) as no
        # fields at all; saying "answer every question" to a body full of answers would be wrong.
        abort(400, description=_("Please send your answers from the survey page itself."))


class AnswerField(Field):
    def __init__(self, label=None, validators=None, *, question, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.question = question
        self.answer = None
        self._several = False

    def process_formdata(self, valuelist):
        self._several = len(valuelist) > 1
        self.data = valuelist[0] if valuelist else ""

    def _value(self):
        return self.data or ""

    def pre_validate(self, form):
        if self._several:
            raise StopValidation(one_answer_only())
        try:
            self.answer = parse_answer(self.question, self.data)
        except AnswerError as err:
            self.answer = None
            raise StopValidation(error_message(err)) from None


class PostedFormOnly(FlaskForm):
    """A form read from the posted fields alone: Flask-WTF would also take a JSON body or
    uploaded files as its data (see :func:`refuse_odd_body`), and fields that take text would
    meet numbers, lists or files."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            return request.form if wrapped is not None else None


class SurveyForm(PostedFormOnly):
    # Labels are given (and empty where unused) because a missing label is translated again
    # for every field of every request; the templates word the questions themselves.
    # Signed token carrying this form's submission key and the time it was shown.
    started = HiddenField(label="")
    # Honeypot: hidden from people and assistive technology, tempting to form-filling bots.
    website = StringField(label="")
    via = HiddenField(label="")

    def question_fields(self) -> list[AnswerField]:
        return [f for f in self if isinstance(f, AnswerField)]

    def submission(self) -> Submission:
        """The validated answers, split into answers and demographics."""
        result = Submission()
        for field in self.question_fields():
            if field.answer is None:
                continue
            if field.question.demographic:
                result.demographics[field.question.code] = field.answer.choice
            else:
                result.answers[field.question.code] = field.answer
        return result


def survey_form_class(definition: Instrument) -> type[SurveyForm]:
    attrs = {q.code: AnswerField(label=q.code, question=q) for q in definition.questions}
    return type("InstrumentSurveyForm", (SurveyForm,), attrs)


_FORM_CLASSES: dict[tuple[int, str], type[SurveyForm]] = {}


def form_class_for(version_id: int, digest: str, definition: Instrument) -> type[SurveyForm]:
    """The form class of a stored version, built once per process: versions never change."""
    key = (version_id, digest)
    cls = _FORM_CLASSES.get(key)
    if cls is None:
        if len(_FORM_CLASSES) >= 64:
            _FORM_CLASSES.clear()
        cls = _FORM_CLASSES[key] = survey_form_class(definition)
    return cls


def valid_submission(definition: Instrument) -> Submission | None:
    """This request's answers when its CSRF token and every answer are valid; else None.

    A complete, valid submit is the common case, and building the WTForms form for it (a field
    object per question, and a fresh CSRF token that nobody would see) was about a tenth of its
    cost. The checks are the form's own: Flask-WTF's ``validate_csrf`` with the settings the
    form reads, and :func:`~surveys.validation.parse_answer` on exactly one value per question
    (a missing field is an empty answer, as in :class:`AnswerField`). On None the view builds
    the form, which finds the same errors and shows them beside the fields.
    """
    if request.files:
        return None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            return None
    raw = {}
    for code in definition.codes:
        values = request.form.getlist(code)
        if len(values) > 1:
            return None
        raw[code] = values[0] if values else ""
    submission = validate_submission(definition, raw)
    return submission if submission.ok else None
