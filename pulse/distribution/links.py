"""Public links to an area's survey, as printed on paper and posted online.

Printed material outlives any one request, so its links are built from the configured public
address (``PULSE_PUBLIC_URL``), never from whatever host a command or request happens to see.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from flask import current_app, has_request_context, request

#: Used only in demo mode when no public address is configured.
DEMO_URL = "http://127.0.0.1:5000"


class NoPublicUrl(RuntimeError):
    pass


def check_public_url(url: str) -> str:
    """``https://host[/prefix]`` without a trailing slash, or ValueError saying what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not a web address: it needs https:// and a host name")
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} should be the site's address alone, without ? or #")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def public_base(override: str | None = None) -> str:
    """The address residents reach the site at, from the option, config, request or demo."""
    config = current_app.config
    configured = override or config.get("PULSE_PUBLIC_URL")
    if configured:
        return check_public_url(configured)
    if has_request_context():
        return request.url_root.rstrip("/")
    if config.get("PULSE_DEMO") or config.get("TESTING"):
        return DEMO_URL
    raise NoPublicUrl(
        "PULSE_PUBLIC_URL is not set: printed links need the site's public address, "
        "e.g. PULSE_PUBLIC_URL=https://pulse.example.org (or pass --base-url)")


def _default_language() -> str:
    return tuple(current_app.config["PULSE_LANGUAGES"])[0]


def _query(via: str | None, language: str | None) -> str:
    params = {}
    if via and via != "web":
        params["via"] = via
    if language and language != _default_language():
        params["lang"] = language
    return f"?{urlencode(params)}" if params else ""


def survey_url(base: str, area_code: str, *, via: str | None = None,
               language: str | None = None) -> str:
    """The survey's address; ``via`` names the channel, ``language`` preselects a language."""
    return f"{base}/s/{quote(area_code)}{_query(via, language)}"


def code_url(base: str, area_code: str, *, via: str | None = None,
             language: str | None = None) -> str:
    """Where a resident types a single-use code. The code itself never goes in a link."""
    return f"{base}/s/{quote(area_code)}/code{_query(via, language)}"


def display(url: str) -> str:
    """A link as people type it: no scheme, no query (``pulse.example.org/s/E05000437``)."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"
