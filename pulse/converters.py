"""URL converters: every ``<int:...>`` in a route is a row id, bounded as the ids are."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest id a row can have: id columns are PostgreSQL's ``integer`` (32-bit, signed).
ROW_ID_MAX = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """Werkzeug's ``int``, capped at :data:`ROW_ID_MAX` and in ASCII digits only.

    Unbounded, an id past any a row can have reached the database driver: SQLite's raised
    OverflowError past 64 bits (a 500). Capped, such an id matches no route and is a 404 like
    any other unknown id. Werkzeug's ``\\d+`` also matches other scripts' digits (``２``),
    which no link the application writes contains.
    """

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=ROW_ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: a rule looks its converters up as it is added.
    app.url_map.converters["int"] = RowIdConverter
