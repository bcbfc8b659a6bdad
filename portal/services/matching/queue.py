"""The queue of encoding jobs: saved texts whose passages wait for the background worker.

A save enqueues its row's text in the caller's transaction (:func:`enqueue`), so a rolled-back
save leaves no job and a committed one is never lost. The worker (:mod:`.worker`) claims jobs
oldest first with a lease (:func:`claim`), encodes them, and then deletes them
(:func:`complete`) or records the error (:func:`fail`). Every function here takes the session
first and never commits.

Failure policy: a claim counts as an attempt (a text that kills its worker is not retried
forever); a failed attempt keeps the job, with its error, and the next try waits
:data:`RETRY_DELAY` doubled per attempt. After ``max_attempts`` the job is given up: it stays
in the table, with its last error, for the administrators to see, until a new save of the same
row replaces it. Nothing is lost meanwhile: the index encodes whatever is missing when it is
rebuilt.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, event, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import EncodingJob

KINDS = ("challenge", "company")
MAX_ATTEMPTS = 5
# How long a claimed job belongs to its worker; one that has not finished by then is presumed
# dead and the job is claimed again.
DEFAULT_LEASE = timedelta(minutes=10)
RETRY_DELAY = timedelta(seconds=30)
MAX_RETRY_DELAY = timedelta(hours=1)
ERROR_MAX_LENGTH = 2000

# Set when a transaction that enqueued a job commits: an in-process worker waits on it.
work_arrived = threading.Event()
_ENQUEUED = "encoding_enqueued"


@dataclass(frozen=True)
class Claim:
    """A job a worker holds until its lease runs out: what to encode, and how to find it."""

    id: int
    kind: str
    row_id: int
    text: str
    text_hash: str
    attempts: int


@dataclass(frozen=True)
class QueueStatus:
    """How many texts wait for encoding (``waiting``), how many were given up (``failed``),
    and since when the oldest waiting one waits."""

    waiting: int
    failed: int
    oldest: datetime | None


def text_hash(text: str) -> str:
    """sha256 hex digest of ``text`` (what tells one save's text from the next)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def enqueue(session: Session, kind: str, row_id: int, text: str) -> None:
    """Queue ``text`` of row ``row_id`` for encoding, in ``session``'s transaction.

    A pending job of the same row is replaced: its text, attempts, error and lease start
    afresh, and it keeps its place in the queue (``created_at``).

    Raises:
        ValueError: ``kind`` is not ``"challenge"`` or ``"company"``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of encoding job: {kind!r}")
    now = utcnow()
    values: dict[str, Any] = {"kind": kind, "row_id": row_id, "text": text,
                              "text_hash": text_hash(text), "created_at": now,
                              "updated_at": now, "attempts": 0, "last_error": None,
                              "leased_until": None}
    renewed = {key: values[key] for key in
               ("text", "text_hash", "updated_at", "attempts", "last_error", "leased_until")}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg_statement = pg_insert(EncodingJob).values(**values)
        session.execute(pg_statement.on_conflict_do_update(
            index_elements=[EncodingJob.kind, EncodingJob.row_id], set_=renewed))
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        sqlite_statement = sqlite_insert(EncodingJob).values(**values)
        session.execute(sqlite_statement.on_conflict_do_update(
            index_elements=[EncodingJob.kind, EncodingJob.row_id], set_=renewed))
    else:
        job = session.scalar(select(EncodingJob).where(EncodingJob.kind == kind,
                                                       EncodingJob.row_id == row_id))
        if job is None:
            session.add(EncodingJob(**values))
        else:
            for key, value in renewed.items():
                setattr(job, key, value)
        session.flush()
    session.info[_ENQUEUED] = True


def _ready(now: datetime, max_attempts: int) -> ColumnElement[bool]:
    return and_(EncodingJob.attempts < max_attempts,
                or_(EncodingJob.leased_until.is_(None), EncodingJob.leased_until <= now))


def claim(session: Session, *, limit: int, lease: timedelta = DEFAULT_LEASE,
          max_attempts: int = MAX_ATTEMPTS, now: datetime | None = None) -> list[Claim]:
    """Claim up to ``limit`` jobs, oldest first, for ``lease``; each claim counts an attempt.

    Ready jobs are those with attempts left whose lease is absent or ran out (a worker that
    died, or the wait after a failure). On PostgreSQL the rows are read ``FOR UPDATE SKIP
    LOCKED``, so concurrent workers take different jobs; everywhere, each job is taken by a
    conditional update that only one worker can win. The caller commits to make the claim
    visible before it encodes.
    """
    now = now or utcnow()
    statement = (select(EncodingJob.id, EncodingJob.kind, EncodingJob.row_id, EncodingJob.text,
                        EncodingJob.text_hash, EncodingJob.attempts)
                 .where(_ready(now, max_attempts))
                 .order_by(EncodingJob.created_at, EncodingJob.id)
                 .limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    claims = []
    for job_id, kind, row_id, text, digest, attempts in session.execute(statement).all():
        taken = session.execute(
            update(EncodingJob)
            .where(EncodingJob.id == job_id, EncodingJob.text_hash == digest,
                   _ready(now, max_attempts))
            .values(leased_until=now + lease, attempts=EncodingJob.attempts + 1)
            .execution_options(synchronize_session=False))
        if _rowcount(taken) == 1:
            claims.append(Claim(job_id, kind, row_id, text, digest, attempts + 1))
    return claims


def complete(session: Session, done: Claim) -> bool:
    """Delete a job whose text was encoded; ``False`` when a save replaced its text since
    (the job then waits for its new text)."""
    result = session.execute(
        delete(EncodingJob)
        .where(EncodingJob.id == done.id, EncodingJob.text_hash == done.text_hash)
        .execution_options(synchronize_session=False))
    return _rowcount(result) == 1


def fail(session: Session, failed: Claim, error: str, *, now: datetime | None = None) -> None:
    """Record a failed attempt: the job stays, with ``error``, and waits before its next try.

    Nothing changes when a save replaced the job's text meanwhile (the new text gets its own
    attempts).
    """
    now = now or utcnow()
    delay = min(RETRY_DELAY * 2 ** max(failed.attempts - 1, 0), MAX_RETRY_DELAY)
    session.execute(
        update(EncodingJob)
        .where(EncodingJob.id == failed.id, EncodingJob.text_hash == failed.text_hash)
        .values(last_error=error[:ERROR_MAX_LENGTH], leased_until=now + delay)
        .execution_options(synchronize_session=False))


def status(session: Session, *, max_attempts: int = MAX_ATTEMPTS) -> QueueStatus:
    """How many texts wait for encoding and how many were given up (one query)."""
    waiting = EncodingJob.attempts < max_attempts
    row = session.execute(select(
        func.count(EncodingJob.id).filter(waiting),
        func.count(EncodingJob.id).filter(~waiting),
        func.min(EncodingJob.created_at).filter(waiting),
    )).one()
    return QueueStatus(waiting=int(row[0]), failed=int(row[1]), oldest=row[2])


def failed_jobs(session: Session, *, max_attempts: int = MAX_ATTEMPTS,
                limit: int = 50) -> list[EncodingJob]:
    """The jobs given up, most recently saved first (for the administrators)."""
    return list(session.scalars(
        select(EncodingJob).where(EncodingJob.attempts >= max_attempts)
        .order_by(EncodingJob.updated_at.desc(), EncodingJob.id.desc()).limit(limit)))


def _rowcount(result: Any) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def _committed(session: Session) -> None:
    if session.info.pop(_ENQUEUED, None):
        work_arrived.set()


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_ENQUEUED, None)


event.listen(Session, "after_commit", _committed)
event.listen(Session, "after_rollback", _forget)
