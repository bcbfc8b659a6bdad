from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base

area_links = Table(
    "area_links",
    Base.metadata,
    Column("emerging_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base):
    """A technology area: one of the strategy's priority areas or a NATO emerging technology."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "priority" | "emerging"
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Norwegian names and descriptions; None falls back to the English (the matcher reads those).
    name_nb: Mapped[str | None] = mapped_column(String(200))
    name_nn: Mapped[str | None] = mapped_column(String(200))
    description_nb: Mapped[str | None] = mapped_column(Text)
    description_nn: Mapped[str | None] = mapped_column(Text)

    related_priorities: Mapped[list["Area"]] = relationship(
        secondary=area_links,
        primaryjoin=lambda: Area.id == area_links.c.emerging_id,
        secondaryjoin=lambda: Area.id == area_links.c.priority_id,
        back_populates="related_emerging",
        order_by=lambda: Area.position,
    )
    related_emerging: Mapped[list["Area"]] = relationship(
        secondary=area_links,
        primaryjoin=lambda: Area.id == area_links.c.priority_id,
        secondaryjoin=lambda: Area.id == area_links.c.emerging_id,
        back_populates="related_priorities",
        order_by=lambda: Area.position,
    )

    def __repr__(self) -> str:
        return f"<Area {self.slug}>"
