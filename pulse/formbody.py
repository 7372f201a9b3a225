"""What a form POST may carry: a browser's form body, its text in UTF-8.

Every page is UTF-8 and every form is posted by a browser, so two rules hold for all of them:

- A staff form (the blueprints in :data:`pulse.database.STAFF_BLUEPRINTS`) takes a URL-encoded
  body, or multipart where the view takes uploads (:func:`takes_uploads`). Flask-WTF would
  otherwise read a JSON body as the form whenever an ``X-CSRFToken`` header carries the
  user's own token, and its numbers, lists and objects would reach fields that take text.
  The resident forms have their own, stricter check (:func:`pulse.survey.forms.refuse_odd_body`).
- A staff form with long text boxes (:func:`takes_long_text`) may send a larger body than the
  64 KB every other form may: past a box's own limit its text comes back, by the box, with a
  message, instead of a 413 that would lose everything typed.
- A form's text that is not UTF-8 is refused (400, saying so) wherever it is read, resident or
  staff, URL-encoded or multipart: Werkzeug would read it as no fields at all, keep a bad
  percent-escape as the literal text ``%E9``, or put U+FFFD in place of the bytes.
"""
from __future__ import annotations

import codecs
from urllib.parse import parse_qsl

from flask import Flask, Request, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser, MultiPartParser

from .database import STAFF_BLUEPRINTS

#: What a browser sends for a form: URL-encoded, or multipart (with files, or when asked to).
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
URLENCODED = "application/x-www-form-urlencoded"
#: Methods that carry no form.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def takes_uploads(view):
    """Mark a staff view whose form takes files: it alone may be sent multipart."""
    view.pulse_takes_uploads = True
    return view


#: The body a form marked :func:`takes_long_text` may send. Its boxes' own limits are far
#: below (pulse.officer.operations.LIMITS): this is room to show text pasted past them again.
LONG_TEXT_BODY_MAX = 512 * 1024


def takes_long_text(back=None):
    """Mark a staff view whose form has long text boxes: it takes a body to LONG_TEXT_BODY_MAX.

    ``back(view_args)``, when given, is the address of the page the form is on: a body past
    even this limit is refused before it is read, and the 413 page links back there.
    """
    def mark(view):
        view.pulse_body_max = LONG_TEXT_BODY_MAX
        view.pulse_back = back
        return view
    return mark


def raise_body_limit() -> None:
    """Let a view marked :func:`takes_long_text` read a larger body than the app's limit.

    Runs before every hook that reads the form (the CSRF and NUL checks), which would otherwise
    meet the 64 KB limit first.
    """
    if request.method in SAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "pulse_body_max", None)
    if limit:
        request.max_content_length = limit


def refuse_odd_staff_body() -> None:
    """Abort with a 415 and its reason when a staff form is posted as anything but a form.

    Only the Content-Type is read, never the body: an upload view sets its own, larger body
    limit before its form is parsed.
    """
    if request.method in SAFE_METHODS or request.blueprint not in STAFF_BLUEPRINTS:
        return
    allowed = {URLENCODED}
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "pulse_takes_uploads", False):
        allowed = FORM_TYPES
    if request.mimetype not in allowed:
        abort(415, description=_("This page takes only its own form, as a browser sends it. "
                                 "Please send it from the page itself."))


class NotUTF8(BadRequest):
    """A form's field names or text are not UTF-8."""

    def __init__(self) -> None:
        super().__init__(description=_(
            "Part of what you sent is not UTF-8 text, so none of it was kept. Please send it "
            "again from the page itself."))


# Werkzeug's multipart parser decodes each text field with the charset that
# ``get_part_charset`` names and errors="replace", which cannot be changed from outside. This
# codec is UTF-8 that ignores the errors it is given, so a bad byte raises instead.
_STRICT_UTF8 = "pulse_strict_utf_8"


def _find_codec(name: str) -> codecs.CodecInfo | None:
    if name != _STRICT_UTF8:
        return None

    def decode(data, errors="strict"):
        return codecs.utf_8_decode(data, "strict", True)

    return codecs.CodecInfo(codecs.lookup("utf-8").encode, decode, name=_STRICT_UTF8)


codecs.register(_find_codec)


class _UTF8MultiPartParser(MultiPartParser):
    def get_part_charset(self, headers) -> str:
        # A page of ours is UTF-8, and so is every field a browser sends from it.
        return _STRICT_UTF8


class UTF8FormDataParser(FormDataParser):
    """Werkzeug's form parser, refusing (:class:`NotUTF8`) a form that is not UTF-8."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        try:
            items = parse_qsl(stream.read().decode(), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise NotUTF8() from None
        return stream, self.cls(items), self.cls()

    def _parse_multipart(self, stream, mimetype, content_length, options):
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")   # read as no fields, as Werkzeug does
        parser = _UTF8MultiPartParser(
            stream_factory=self.stream_factory, max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts, cls=self.cls)
        try:
            form, files = parser.parse(stream, boundary, content_length)
        except UnicodeDecodeError:  # a field's text, or a part's name, is not UTF-8
            raise NotUTF8() from None
        return stream, form, files


class FormRequest(Request):
    form_data_parser_class = UTF8FormDataParser

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except NotUTF8:
            # The error page may read the form again (the language switch, the channel):
            # it finds no fields, rather than parsing the rest of the body from the middle.
            empty = self.parameter_storage_class()
            self.__dict__.update(form=empty, files=empty)
            raise


def init_app(app: Flask) -> None:
    app.request_class = FormRequest
    app.before_request(raise_body_limit)
    app.before_request(refuse_odd_staff_body)
