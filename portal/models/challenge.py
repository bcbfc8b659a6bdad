from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.taxonomy import Area
from portal.search import search_text

challenge_areas = Table(
    "challenge_areas",
    Base.metadata,
    Column("challenge_id", ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Challenge(Base):
    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed', 'awarded')", name="status"),
        CheckConstraint("visibility IN ('public', 'registered', 'vetted')", name="visibility"),
        CheckConstraint("trl_min IS NULL OR (trl_min BETWEEN 1 AND 9)", name="trl_min"),
        CheckConstraint("trl_max IS NULL OR (trl_max BETWEEN 1 AND 9)", name="trl_max"),
        CheckConstraint(
            "trl_min IS NULL OR trl_max IS NULL OR trl_min <= trl_max", name="trl_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    effect: Mapped[str] = mapped_column(Text, default="")
    trl_min: Mapped[int | None] = mapped_column(Integer)
    trl_max: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    contract_model: Mapped[str | None] = mapped_column(String(32))
    county: Mapped[str | None] = mapped_column(String(64), index=True)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="registered", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Stems of title, problem, context and effect (portal.search); kept up to date on save.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    areas: Mapped[list[Area]] = relationship(secondary=challenge_areas, order_by=Area.position)
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    interests: Mapped[list["Interest"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan"
    )

    @property
    def matching_text(self) -> str:
        return "\n".join(p for p in (self.title, self.problem, self.context, self.effect) if p)

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.title!r}>"


class Interest(Base):
    """An SME's expression of interest in a challenge, with a pitch."""

    __tablename__ = "interests"
    __table_args__ = (
        UniqueConstraint("challenge_id", "company_id"),
        CheckConstraint("status IN ('new', 'shortlisted', 'declined')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    pitch: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="interests")
    company: Mapped["Company"] = relationship()  # noqa: F821


@event.listens_for(Challenge, "before_insert")
@event.listens_for(Challenge, "before_update")
def _refresh_search_text(mapper, connection, target: Challenge) -> None:
    target.search_text = search_text(target.title, target.problem, target.context, target.effect)
