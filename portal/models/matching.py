from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow


class Embedding(Base):
    """One passage vector (float32 bytes), keyed by encoder model id and sha256 of the passage."""

    __tablename__ = "embeddings"

    model_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EncodingJob(Base):
    """A saved text whose passages wait to be encoded by the background worker.

    One row per challenge or company (``kind``, ``row_id``): a second save before the worker
    ran replaces the text of the pending job. ``leased_until`` is set when a worker claims the
    job (a worker that dies leaves a lease that runs out, and the job is claimed again) and
    after a failed attempt (the time before the next try). ``row_id`` has no foreign key: it
    names a row of ``challenges`` or of ``companies``, and a job outliving its row only encodes
    a text nobody ranks.
    """

    __tablename__ = "encoding_jobs"
    __table_args__ = (
        UniqueConstraint("kind", "row_id"),
        CheckConstraint("kind IN ('challenge', 'company')", name="kind"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("length(text_hash) = 64", name="text_hash"),
        Index("ix_encoding_jobs_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    row_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # sha256 of ``text``: a worker deletes the job it encoded only if no save replaced it since.
    text_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    leased_until: Mapped[datetime | None] = mapped_column(DateTime)


class MatchFeedback(Base):
    """A user's judgement of one challenge-company pair, kept to evaluate and tune the matcher."""

    __tablename__ = "match_feedback"
    __table_args__ = (UniqueConstraint("challenge_id", "company_id", "user_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    relevant: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    # "match_page" for explicit feedback, "meeting" for post-event ratings.
    source: Mapped[str] = mapped_column(String(16), default="match_page")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Shortlist(Base):
    """A company shortlisted for a challenge by its owner (or an organiser/admin)."""

    __tablename__ = "shortlists"
    __table_args__ = (UniqueConstraint("challenge_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    company: Mapped["Company"] = relationship()  # noqa: F821


class MatcherWeights(Base):
    """A versioned set of blend weights; exactly one row is active."""

    __tablename__ = "matcher_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    weights: Mapped[str] = mapped_column(Text)  # JSON object: component -> weight
    metrics: Mapped[str] = mapped_column(Text, default="{}")  # JSON: before/after on held-out
    judgements: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
