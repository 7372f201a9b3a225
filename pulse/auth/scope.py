"""Which areas a user may see: the subtrees under the areas linked to them.

Other blueprints call :func:`scoped_area_or_404` for one area and :func:`restrict_to_scope`
to narrow any ``select()`` that has an area id column. The first walks up from the one area to
its ancestors, the second down from the user's roots; both are recursive CTEs, which SQLite
and PostgreSQL both run. An admin linked to no area manages the whole tree, so their scope is
every area; one linked to areas is narrowed like anyone else (``User.sees_all_areas``).
"""
from __future__ import annotations

from functools import lru_cache

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, select, true
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Area, User, UserArea


def _user(user: User | None) -> User:
    user = user if user is not None else current_user
    if user is None or not getattr(user, "is_authenticated", False):
        # A programming error, not a user's: scope helpers run behind login_required.
        raise RuntimeError("scope asked for without a signed-in user")
    return user  # type: ignore[return-value]


def area_ids_in_scope(user: User | None = None) -> Select:
    """A ``select()`` of the ids of every area in the user's scope (usable in ``in_()``)."""
    user = _user(user)
    if user.sees_all_areas:
        return select(Area.id)
    tree = (select(UserArea.area_id.label("id"))
            .where(UserArea.user_id == user.id)
            .cte("scope_tree", recursive=True))
    # UNION, not UNION ALL: overlapping roots (a borough and one of its wards) meet once.
    tree = tree.union(select(Area.id).where(Area.parent_id == tree.c.id))
    return select(tree.c.id)


def in_scope_clause(area_id_column: ColumnElement, user: User | None = None) -> ColumnElement:
    """A WHERE clause keeping rows whose area is in scope."""
    user = _user(user)
    if user.sees_all_areas:
        return true()
    return area_id_column.in_(area_ids_in_scope(user))


def restrict_to_scope(stmt: Select, area_id_column: ColumnElement,
                      user: User | None = None) -> Select:
    """Narrow ``stmt`` to rows whose ``area_id_column`` lies in the user's scope."""
    user = _user(user)
    if user.sees_all_areas:
        return stmt
    return stmt.where(area_id_column.in_(area_ids_in_scope(user)))


@lru_cache(maxsize=1)
def _ancestry_statement() -> Select:
    """EXISTS: an area (:area_id) or one of its ancestors is a root of a user's (:user_id) scope.

    Walking up from one area takes a handful of steps, however large the scope below it. The
    statement is built once: building it costs more than running it.
    """
    up = (select(Area.id.label("id"), Area.parent_id.label("parent_id"))
          .where(Area.id == bindparam("area_id"))
          .cte("ancestry", recursive=True))
    up = up.union_all(select(Area.id, Area.parent_id).where(Area.id == up.c.parent_id))
    return select(select(UserArea.area_id)
                  .where(UserArea.user_id == bindparam("user_id"),
                         UserArea.area_id.in_(select(up.c.id)))
                  .exists())


def area_in_scope(area: Area | int, user: User | None = None) -> bool:
    user = _user(user)
    if user.sees_all_areas:
        return True
    area_id = area if isinstance(area, int) else area.id
    return bool(db.session.scalar(_ancestry_statement(),
                                  {"area_id": area_id, "user_id": user.id}))


def scoped_area_or_404(code: str, user: User | None = None) -> Area:
    """The area with ``code`` if the user may see it; otherwise 404, exactly as if it did not exist."""
    user = _user(user)
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None or not area_in_scope(area, user):
        abort(404)
    return area


def areas_in_scope(user: User | None = None) -> list[Area]:
    stmt = restrict_to_scope(select(Area), Area.id, user).order_by(Area.name)
    return list(db.session.scalars(stmt))


def scope_roots(user: User | None = None) -> list[Area]:
    """The top areas of the user's scope (for admins, every area without a parent)."""
    user = _user(user)
    if user.sees_all_areas:
        stmt = select(Area).where(Area.parent_id.is_(None))
    else:
        stmt = select(Area).join(UserArea, UserArea.area_id == Area.id).where(
            UserArea.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(Area.name)))
