"""Admin edits to the area tree: names, parents (no cycles), retiring and restoring."""
from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import Area


class AreaError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def edit_area(area: Area, *, name: str, parent: Area | None,
              scope: set[int] | None = None) -> None:
    """Rename or move an area; ``scope`` (area ids, None for the whole tree) bounds any move.

    A scoped admin may move an area only from one of their areas to another: moving it to the
    top level or out from under an area outside their scope changes a tree that is not theirs.
    """
    name = " ".join((name or "").split())
    if not name:
        raise AreaError("Give the area a name.", "name")
    if len(name) > 200:
        raise AreaError("Keep the name to 200 characters.", "name")
    if parent is not None:
        # The new parent may not be the area itself nor anything under it: that makes a loop.
        if parent.id == area.id or area in parent.ancestors():
            raise AreaError(f"{parent.name} is inside {area.name}; an area cannot sit inside "
                            "itself.", "parent")
    if scope is not None and parent is not area.parent:
        if area.parent_id not in scope:
            raise AreaError(f"{area.name} sits in an area outside yours, so it cannot be moved "
                            "from here; its name can still be changed.", "parent")
        if parent is None or parent.id not in scope:
            raise AreaError("Choose a parent inside your areas: the top level is outside them.",
                            "parent")
    area.name, area.parent = name, parent
    db.session.flush()


def retire_area(area: Area, now: datetime) -> None:
    """Stop new collection in the area; its responses and estimates stay as they were."""
    if area.retired_at is not None:
        raise AreaError("This area is already retired.")
    area.retired_at = now
    db.session.flush()


def restore_area(area: Area) -> None:
    if area.retired_at is None:
        raise AreaError("This area is not retired.")
    area.retired_at = None
    db.session.flush()
