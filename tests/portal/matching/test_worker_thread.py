"""``ENCODING_WORKER=thread``: the serving process encodes saved texts in a thread of its own,
started by its first request, woken by a save's commit."""

import time

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import EncodingJob
from portal.services import matching
from portal.services.matching import queue, worker

WAIT_SECONDS = 30


@pytest.fixture
def app_config():
    # A long poll: only the commit's wake-up can make the thread encode within the wait.
    return {"ENCODING_WORKER": "thread", "ENCODING_POLL_SECONDS": 600}


def _waiting() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(EncodingJob))


def test_the_first_request_starts_the_thread_and_a_commit_wakes_it(app, client):
    assert worker.EXTENSION_KEY not in app.extensions  # nothing at creation
    client.get("/")
    running = app.extensions[worker.EXTENSION_KEY]
    try:
        assert running.thread.is_alive()
        client.get("/")
        assert app.extensions[worker.EXTENSION_KEY] is running  # one thread per app
        queue.enqueue(db.session, "company", 1, "Sonar arrays for quiet submarines.")
        db.session.commit()
        deadline = time.monotonic() + WAIT_SECONDS
        while _waiting() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting() == 0
        assert matching.get_engine(app).encoder.embedded == 1
    finally:
        running.stop(timeout=WAIT_SECONDS)
    assert not running.thread.is_alive()
