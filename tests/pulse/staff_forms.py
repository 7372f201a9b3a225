"""Staff forms read from a page as a browser would send them untouched (for
tests/pulse/test_staff_form_values.py and tests/pulse/staff_states.py)."""
from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound


class Forms(HTMLParser):
    """Every ``<form method="post">`` of a page: its action, body type and what a browser
    would send for it untouched (checked boxes, selected options, the first submit button;
    no disabled control)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[SimpleNamespace] = []
        self._form: SimpleNamespace | None = None
        self._select: SimpleNamespace | None = None
        # An open textarea or option: [kind, its name or value, selected, its text so far].
        self._text: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = SimpleNamespace(
                    action=a.get("action") or self.page, page=self.page, fields=[], names=[],
                    multipart="multipart" in a.get("enctype", ""))
                self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        if tag == "option" and self._select is not None:
            self._end_option()  # </option> may be left out
            self._text = ["option", a.get("value"), "selected" in a, ""]
            return
        name = a.get("name")
        if not name:
            return
        if name not in form.names:
            form.names.append(name)
        if "disabled" in a:
            return  # a browser sends no disabled control (nor presses a disabled button)
        kind = a.get("type", "text").lower()
        sent = {n for n, _v in form.fields}
        if tag == "input":
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("file", "image", "reset", "button") or (kind == "submit" and name in sent):
                return
            form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "button" and kind == "submit" and name not in sent:
            form.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = SimpleNamespace(name=name, multiple="multiple" in a, options=[],
                                           selected=[])
        elif tag == "textarea":
            self._text = ["textarea", name, False, ""]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._text is not None:
            self._text[3] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._end_option()
        elif tag == "textarea" and self._text and self._form is not None:
            # A browser drops the one line break that follows <textarea>.
            text = self._text[3]
            self._form.fields.append((self._text[1], text[1:] if text[:1] == "\n" else text))
            self._text = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._end_option()
            chosen = self._select.selected or self._select.options[:1]
            chosen = chosen if self._select.multiple else chosen[-1:]
            self._form.fields += [(self._select.name, value) for value in chosen]
            self._select = None

    def _end_option(self) -> None:
        if self._text and self._text[0] == "option" and self._select is not None:
            _kind, value, selected, text = self._text
            value = text.strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.selected.append(value)
            self._text = None


def post_forms(html: str, page: str) -> list[SimpleNamespace]:
    parser = Forms(page)
    parser.feed(html)
    parser.close()
    return parser.forms


def forms_to(app, html: str, page: str) -> dict[str, SimpleNamespace]:
    """The page's POST forms by the route they post to (the first of each)."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, SimpleNamespace] = {}
    for form in post_forms(html, page):
        try:
            endpoint, _args = adapter.match(urlsplit(form.action).path, method="POST")
        except (NotFound, MethodNotAllowed):
            continue
        found.setdefault(endpoint, form)
    return found
