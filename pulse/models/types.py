"""Column types, and schema helpers, shared by the models."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timestamps stored as naive UTC on every backend and handed back timezone-aware.

    SQLite has no time zones and PostgreSQL converts to the session's; storing naive UTC
    everywhere makes one rule for both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC was expected")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def built_on(item: SchemaItem, dialect: str) -> bool:
    """Whether the schema has ``item`` (an index or constraint) on this backend.

    A model marks one as built on some backends only with ``ddl_if(dialect=...)``:
    ``create_all`` obeys it, but DDL executed by hand and Alembic's autogenerate do not, so
    the rebuild and the migrations' checks ask here.
    """
    # SQLAlchemy keeps the condition on the item; only the dialect form is used in the models.
    rule = getattr(item, "_ddl_if", None)
    if rule is None or rule.dialect is None:
        return True
    if rule.callable_ is not None:
        raise NotImplementedError("ddl_if with a callable: say here where it is built")
    return dialect == rule.dialect if isinstance(rule.dialect, str) else dialect in rule.dialect


def models_built_on(dialect: str):
    """Alembic's ``include_object`` for autogenerate and the models-agree-with-migrations
    test: the database's objects, and the models' where the schema builds them."""
    def include(obj, name, type_, reflected, compare_to) -> bool:
        return reflected or built_on(obj, dialect)
    return include
