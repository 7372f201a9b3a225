"""Areas as a tree (force or borough -> neighbourhood), with boundaries and population margins."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Area(db.Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Free text on purpose: "force", "borough", "ward", "precinct" - the tree is what matters.
    level: Mapped[str] = mapped_column(String(32), default="neighbourhood")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    boundary: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent")
    margins: Mapped[list[PopulationMargin]] = relationship(
        back_populates="area", cascade="all, delete-orphan")

    @property
    def active(self) -> bool:
        return self.retired_at is None

    def ancestors(self) -> list[Area]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name!r}>"


class PopulationMargin(db.Model):
    """Population count of one category of one dimension (e.g. age_band 16-24) in an area."""

    __tablename__ = "population_margin"
    __table_args__ = (UniqueConstraint("area_id", "dimension", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    population: Mapped[int] = mapped_column(Integer)

    area: Mapped[Area] = relationship(back_populates="margins")
