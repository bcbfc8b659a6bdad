from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow


class Event(Base):
    """A regional cluster event with 1:1 meetings between challenge owners and companies."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("meeting_minutes BETWEEN 5 AND 240", name="meeting_minutes"),
        CheckConstraint("tables BETWEEN 1 AND 500", name="tables"),
        CheckConstraint("matchmaking_top_n BETWEEN 1 AND 50", name="matchmaking_top_n"),
        CheckConstraint("start_time < end_time", name="time_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    county: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str] = mapped_column(String(200))
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    meeting_minutes: Mapped[int] = mapped_column(Integer, default=20)
    tables: Mapped[int] = mapped_column(Integer, default=10)
    # Added to the match score of companies in the event's county (shown in explanations).
    regional_boost: Mapped[float] = mapped_column(Float, default=0.1)
    # Companies per challenge of the last matchmaking run, offered again for the next one.
    matchmaking_top_n: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organiser: Mapped["User | None"] = relationship()  # noqa: F821
    event_challenges: Mapped[list["EventChallenge"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    registrations: Mapped[list["EventRegistration"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    pairs: Mapped[list["EventPair"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventChallenge(Base):
    """A challenge attached to an event; its owner meets companies within the window."""

    __tablename__ = "event_challenges"
    __table_args__ = (UniqueConstraint("event_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    available_from: Mapped[time | None] = mapped_column(Time)
    available_until: Mapped[time | None] = mapped_column(Time)

    event: Mapped[Event] = relationship(back_populates="event_challenges")
    challenge: Mapped["Challenge"] = relationship()  # noqa: F821


class EventRegistration(Base):
    """A company's or research institute's participation in an event."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "company_id"),
        CheckConstraint("status IN ('invited', 'registered', 'declined')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="registered")
    available_from: Mapped[time | None] = mapped_column(Time)
    available_until: Mapped[time | None] = mapped_column(Time)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="registrations")
    company: Mapped["Company"] = relationship()  # noqa: F821


class EventPair(Base):
    """A challenge-company pair proposed by matchmaking or requested by a company."""

    __tablename__ = "event_pairs"
    __table_args__ = (
        UniqueConstraint("event_id", "challenge_id", "company_id"),
        CheckConstraint(
            "state IN ('proposed', 'locked', 'removed', 'invited', 'requested', 'accepted',"
            " 'declined')",
            name="state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)
    components: Mapped[str] = mapped_column(Text, default="{}")  # JSON explanation
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    origin: Mapped[str] = mapped_column(String(16), default="matchmaking")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="pairs")
    challenge: Mapped["Challenge"] = relationship()  # noqa: F821
    company: Mapped["Company"] = relationship()  # noqa: F821
    meeting: Mapped["Meeting | None"] = relationship(back_populates="pair")


class Meeting(Base):
    """A scheduled 1:1 meeting of one pair at one slot and table."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("event_id", "slot", "table_number"),
        UniqueConstraint("pair_id"),
        CheckConstraint(
            "company_outcome IS NULL OR company_outcome IN ('no_contact', 'follow_up',"
            " 'cooperation')",
            name="company_outcome",
        ),
        CheckConstraint(
            "owner_outcome IS NULL OR owner_outcome IN ('no_contact', 'follow_up',"
            " 'cooperation')",
            name="owner_outcome",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    pair_id: Mapped[int] = mapped_column(ForeignKey("event_pairs.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(Integer)
    table_number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    company_outcome: Mapped[str | None] = mapped_column(String(16))
    owner_outcome: Mapped[str | None] = mapped_column(String(16))

    event: Mapped[Event] = relationship(back_populates="meetings")
    pair: Mapped[EventPair] = relationship(back_populates="meeting")


class Notification(Base):
    """An in-app notification."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(300))
    # The challenge the message names: checked against the reader's access when it is shown.
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxMessage(Base):
    """An e-mail the portal composed: sent through SMTP when configured, else shown to
    organisers on the event's outbox page."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(String(500))
