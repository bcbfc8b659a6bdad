"""The encoding queue: one job per row, claims with a lease, retries with a cap."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.db import db, utcnow
from portal.models import EncodingJob
from portal.services.matching import queue
from tests.conftest import USES_POSTGRES

LEASE = timedelta(minutes=10)


def _enqueue(kind: str = "company", row_id: int = 1, text: str = "Sonar arrays.") -> None:
    queue.enqueue(db.session, kind, row_id, text)
    db.session.commit()


def _job(row_id: int = 1) -> EncodingJob | None:
    db.session.expire_all()
    return db.session.scalar(select(EncodingJob).where(EncodingJob.row_id == row_id))


def test_jobs_are_claimed_oldest_first_and_only_once(app):
    for row_id in (3, 1, 2):
        _enqueue(row_id=row_id)
    now = utcnow()
    first = queue.claim(db.session, limit=2, lease=LEASE, now=now)
    db.session.commit()
    assert [c.row_id for c in first] == [3, 1]
    assert all(c.attempts == 1 for c in first)
    second = queue.claim(db.session, limit=5, lease=LEASE, now=now)
    db.session.commit()
    assert [c.row_id for c in second] == [2]
    assert queue.claim(db.session, limit=5, lease=LEASE, now=now) == []


@pytest.mark.skipif(not USES_POSTGRES, reason="row locks: PostgreSQL only")
def test_concurrent_workers_skip_the_jobs_another_is_claiming(app):
    _enqueue(row_id=1)
    _enqueue(row_id=2)
    other = Session(bind=db.engine)
    try:
        [first] = queue.claim(other, limit=1)  # not committed yet: its row stays locked
        # Without SKIP LOCKED this claim would wait for that lock (and fail after 2 s).
        db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
        [second] = queue.claim(db.session, limit=1)
        assert (first.row_id, second.row_id) == (1, 2)
        other.commit()
        db.session.commit()
    finally:
        other.close()


def test_a_job_whose_worker_died_is_claimed_again_when_its_lease_runs_out(app):
    _enqueue()
    start = utcnow()
    [held] = queue.claim(db.session, limit=1, lease=LEASE, now=start)
    db.session.commit()
    # The worker holding it never finishes: before the lease ends nobody else may take it.
    assert queue.claim(db.session, limit=1, lease=LEASE, now=start + LEASE / 2) == []
    [again] = queue.claim(db.session, limit=1, lease=LEASE, now=start + LEASE * 1.1)
    db.session.commit()
    assert again.id == held.id and again.attempts == 2


def test_completing_deletes_the_job_unless_a_save_replaced_its_text(app):
    _enqueue(text="First text.")
    [held] = queue.claim(db.session, limit=1, lease=LEASE)
    db.session.commit()
    _enqueue(text="Second text.")  # saved while the worker encoded the first
    assert queue.complete(db.session, held) is False
    db.session.commit()
    job = _job()
    assert job is not None and job.text == "Second text."
    assert job.attempts == 0 and job.leased_until is None  # ready for the new text at once
    [fresh] = queue.claim(db.session, limit=1, lease=LEASE)
    assert queue.complete(db.session, fresh) is True
    db.session.commit()
    assert _job() is None


def test_a_failure_keeps_the_job_waits_and_gives_up_after_the_cap(app):
    _enqueue()
    now = utcnow()
    for attempt in range(1, 4):
        [held] = queue.claim(db.session, limit=1, lease=LEASE, max_attempts=3, now=now)
        assert held.attempts == attempt
        queue.fail(db.session, held, "RuntimeError: model missing", now=now)
        db.session.commit()
        job = _job()
        assert job.attempts == attempt and job.last_error == "RuntimeError: model missing"
        # Waits before the next try, longer each time.
        assert queue.claim(db.session, limit=1, lease=LEASE, max_attempts=3, now=now) == []
        now = job.leased_until + timedelta(seconds=1)
    assert queue.claim(db.session, limit=1, lease=LEASE, max_attempts=3, now=now) == []
    status = queue.status(db.session, max_attempts=3)
    assert (status.waiting, status.failed) == (0, 1)
    assert [j.row_id for j in queue.failed_jobs(db.session, max_attempts=3)] == [1]
    _enqueue(text="Edited.")  # a new save tries again
    assert queue.status(db.session, max_attempts=3).waiting == 1


def test_status_counts_waiting_texts_and_the_oldest(app):
    assert queue.status(db.session) == queue.QueueStatus(0, 0, None)
    _enqueue(row_id=1)
    _enqueue(kind="challenge", row_id=1)
    status = queue.status(db.session)
    assert status.waiting == 2 and status.failed == 0 and status.oldest is not None


def test_an_unknown_kind_is_refused_by_the_service_and_the_database(app):
    with pytest.raises(ValueError):
        queue.enqueue(db.session, "user", 1, "text")
    row = {"kind": "user", "row_id": 1, "text": "t", "text_hash": "0" * 64,
           "created_at": utcnow(), "updated_at": utcnow()}
    with pytest.raises(IntegrityError):
        db.session.execute(insert(EncodingJob).values(**row))
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(insert(EncodingJob).values(**{**row, "kind": "company"}))
        db.session.execute(insert(EncodingJob).values(**{**row, "kind": "company"}))
    db.session.rollback()
