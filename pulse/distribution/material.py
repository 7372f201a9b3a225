"""What to print for an area or a wave: the database read once, plain values out."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from surveys.core import CORE

from ..instruments.queries import latest_version
from ..models import Area, Wave
from ..survey.queries import open_wave
from . import links
from .printed import Material
from .wording import text


class NotForThisArea(ValueError):
    pass


def enabled_languages() -> tuple[str, ...]:
    return tuple(current_app.config["PULSE_LANGUAGES"])


def check_languages(asked: list[str] | tuple[str, ...]) -> list[str]:
    """The languages asked for, each enabled and with printed wording, else ValueError."""
    enabled = enabled_languages()
    for language in asked:
        if language not in enabled:
            raise ValueError(f"language {language!r} is not enabled "
                             f"(PULSE_LANGUAGES: {', '.join(enabled)})")
        text(language)
    return list(asked) or list(enabled)


def wave_for(area: Area, wave: Wave | None) -> Wave | None:
    """The given wave, checked to cover ``area``; else the wave collecting there now."""
    if wave is None:
        return open_wave(area, datetime.now(UTC))
    lineage = {a.id for a in (area, *area.ancestors())}
    if wave.area_id not in lineage:
        raise NotForThisArea(f"wave {wave.id} collects for {wave.area.code}, "
                             f"which does not include {area.code}")
    return wave


def last_open_day(wave: Wave | None):
    """The last local day a wave takes answers (``closes_at`` is the first moment it does not)."""
    if wave is None or wave.closes_at is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/London"))
    return (wave.closes_at - timedelta(microseconds=1)).astimezone(zone).date()


def _title(wave: Wave | None, language: str) -> str:
    version = latest_version(wave.instrument.code) if wave is not None else None
    titles = version.title if version is not None else CORE.title
    return titles.get(language) or CORE.title.get(language) or CORE.title["en"]


def material_for(area: Area, wave: Wave | None, language: str, base: str, *,
                 codes: bool = False) -> Material:
    """What a poster or leaflet for ``area`` says in ``language``; ``codes`` for coded leaflets."""
    make = links.code_url if codes else links.survey_url
    return Material(
        language=language, area_code=area.code, area_name=area.name,
        title=_title(wave, language),
        url=make(base, area.code, via="qr", language=language),
        printed_link=links.display(make(base, area.code)),
        closes_on=last_open_day(wave), asks_for_code=codes,
    )
