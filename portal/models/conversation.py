"""Conversations between a challenge's owners and a company, about that challenge."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow

# Kept here (not only in the service) because the database enforces it too.
MESSAGE_MAX_LENGTH = 4000


class Conversation(Base):
    """One thread per challenge and company. Rows are never deleted (accountability): the
    foreign keys to the challenge and the company refuse deletion while a thread exists."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("challenge_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="RESTRICT"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="RESTRICT"), index=True
    )
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    challenge: Mapped["Challenge"] = relationship()  # noqa: F821
    company: Mapped["Company"] = relationship()  # noqa: F821
    started_by: Mapped["User | None"] = relationship()  # noqa: F821
    messages: Mapped[list["Message"]] = relationship(
        back_populates="conversation", order_by="Message.id"
    )


class Message(Base):
    """One plain-text message. ``side`` says which party wrote it, even if the author's account
    is later removed."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("side IN ('staff', 'company')", name="side"),
        CheckConstraint(f"length(body) BETWEEN 1 AND {MESSAGE_MAX_LENGTH}", name="body_length"),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="RESTRICT")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    author: Mapped["User | None"] = relationship()  # noqa: F821


class ConversationRead(Base):
    """How far one user has read one conversation (the newest message id seen)."""

    __tablename__ = "conversation_reads"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
