"""Language choice: an explicit ?lang= wins, then the remembered choice, then the browser."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, has_request_context, request, session


#: Dates are written the British way in English ("1 November 2026"; Babel's plain "en" is
#: American, "November 1, 2026") and in Welsh; another language uses its own locale.
DATE_LOCALES = {"en": "en_GB", "cy": "cy_GB"}


def long_date(value) -> str:
    """``value`` (a date or datetime) as a long date in the page's language."""
    from babel.dates import format_date
    from flask_babel import get_locale

    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return format_date(value, format="long", locale=DATE_LOCALES.get(language, language))


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["PULSE_LANGUAGES"])


def select_locale() -> str:
    supported = languages()
    if not has_request_context():  # command line and jobs: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in supported:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in supported:
        return remembered
    return request.accept_languages.best_match(supported) or supported[0]


def language_url(language: str) -> str:
    """The current page in another language, keeping its query (consent, channel...)."""
    from flask import url_for

    # The query is appended as it came rather than passed to url_for as keywords: a
    # parameter named like one of the page's own (?code=) or like url_for's (?_method=,
    # ?endpoint=) would otherwise fail to build the link and turn every page into a 500.
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
                      + [("lang", language)])
    if request.endpoint is None:
        return f"?{query}"
    return f"{url_for(request.endpoint, **(request.view_args or {}))}?{query}"


def language_links() -> list[tuple[str, str]]:
    """Each offered language with its own name for itself (English, Cymraeg, polski...)."""
    from babel import Locale

    names = []
    for code in languages():
        name = Locale.parse(code).get_display_name(code) or code
        names.append((code, name[:1].upper() + name[1:]))
    return names
