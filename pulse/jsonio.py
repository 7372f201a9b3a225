"""The application's JSON provider: a body nested too deeply is malformed JSON, not a crash."""
from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        # A few kilobytes of "[[[[..." exhaust Python's recursion limit inside the decoder.
        # As a ValueError it is what request.get_json already answers with a 400 (or None
        # when silent) instead of escaping as an unhandled RecursionError and a 500.
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
