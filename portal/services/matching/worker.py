"""The background encoding worker: encodes queued texts off the request path.

A save queues its text (:mod:`.queue`). The worker claims jobs oldest first, encodes their
passages in one batch through the engine's encoder (:func:`.engine.encode_texts`: the vectors
land in the embedding store), deletes the jobs it finished and records the errors of the
others (the failure policy is in :mod:`.queue`).

Where it runs is the app's ``ENCODING_WORKER`` setting (:func:`worker_mode`):

- ``thread``: a daemon thread of the serving process, started by its first request (the
  default in development, ``make run``);
- ``process``: ``flask encode-worker`` runs beside the web server (the default in production);
  several may run, on PostgreSQL they take different jobs;
- ``off``: nothing encodes on save; the index encodes what is missing when it is rebuilt (the
  default in tests, which run the worker themselves).

Unlike a service that a view calls, the worker is a unit of work of its own: like the embedding
store it works in short sessions of its own, and commits them. The claim commits before the
model runs, so no transaction (nor SQLite's write lock) is held while it encodes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask

from portal.db import db
from portal.services.matching import queue
from portal.services.matching.engine import encode_texts

log = logging.getLogger(__name__)

MODES = ("thread", "process", "off")
EXTENSION_KEY = "encoding_worker"
DEFAULT_BATCH_SIZE = 16
# A worker in another process learns of a save only by looking: within a second, so that the
# web workers' next index rebuild (they notice a save within MATCHER_FRESHNESS_SECONDS, 2 s)
# finds the text encoded instead of loading the model and encoding it on a request.
DEFAULT_POLL_SECONDS = 1.0


def worker_mode(config: Mapping[str, Any]) -> str:
    """Where the app's encoding worker runs: ``ENCODING_WORKER`` when set, else ``off`` in
    tests, ``process`` in production and ``thread`` in development.

    Raises:
        ValueError: ``ENCODING_WORKER`` names no mode.
    """
    mode = config.get("ENCODING_WORKER")
    if not mode:
        environment = config.get("PORTAL_ENV", "development")
        if config.get("TESTING") or environment == "testing":
            return "off"
        return "thread" if environment == "development" else "process"
    if mode not in MODES:
        raise ValueError(f"ENCODING_WORKER must be one of {', '.join(MODES)}, not {mode!r}")
    return str(mode)


@dataclass(frozen=True)
class Settings:
    """How a worker claims: jobs per batch, the lease of a claim, attempts before giving up,
    and how long an idle worker sleeps before it looks again."""

    batch_size: int = DEFAULT_BATCH_SIZE
    lease: timedelta = queue.DEFAULT_LEASE
    max_attempts: int = queue.MAX_ATTEMPTS
    poll_seconds: float = DEFAULT_POLL_SECONDS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Settings from ``ENCODING_BATCH_SIZE``, ``ENCODING_LEASE_SECONDS``,
        ``ENCODING_MAX_ATTEMPTS`` and ``ENCODING_POLL_SECONDS`` (defaults where absent)."""
        return cls(
            batch_size=int(config.get("ENCODING_BATCH_SIZE") or DEFAULT_BATCH_SIZE),
            lease=timedelta(seconds=float(config.get("ENCODING_LEASE_SECONDS")
                                          or queue.DEFAULT_LEASE.total_seconds())),
            max_attempts=int(config.get("ENCODING_MAX_ATTEMPTS") or queue.MAX_ATTEMPTS),
            poll_seconds=float(config.get("ENCODING_POLL_SECONDS") or DEFAULT_POLL_SECONDS),
        )


@dataclass(frozen=True)
class BatchReport:
    """What one batch did: jobs claimed, finished and failed; passages encoded and found in
    the store; its duration; and the queue afterwards."""

    claimed: int
    done: int
    failed: int
    encoded: int
    reused: int
    seconds: float
    status: queue.QueueStatus


class EncodingWorker:
    """Claims, encodes and finishes batches of encoding jobs for one app.

    Args:
        app: The Flask app (its database, its matching engine, its settings).
        settings: Overrides :meth:`Settings.from_config` of the app's config.
    """

    def __init__(self, app: Flask, settings: Settings | None = None) -> None:
        self.app = app
        self.settings = settings or Settings.from_config(app.config)
        self._stop = threading.Event()
        self.thread: threading.Thread | None = None

    def run_once(self) -> BatchReport:
        """Claim one batch, encode it and finish its jobs; an empty queue claims nothing."""
        started = time.perf_counter()
        settings = self.settings
        with self.app.app_context():
            session = db.session()
            try:
                claims = queue.claim(session, limit=settings.batch_size, lease=settings.lease,
                                     max_attempts=settings.max_attempts)
                session.commit()
                errors: dict[int, str] = {}
                stats = {"encoded": 0, "reused": 0}
                if claims:
                    errors, stats = self._encode(claims)
                    for job in claims:
                        if job.id in errors:
                            queue.fail(session, job, errors[job.id])
                        else:
                            queue.complete(session, job)
                    session.commit()
                status = queue.status(session, max_attempts=settings.max_attempts)
            finally:
                db.session.remove()
        return BatchReport(claimed=len(claims), done=len(claims) - len(errors),
                           failed=len(errors), encoded=stats["encoded"],
                           reused=stats["reused"],
                           seconds=round(time.perf_counter() - started, 3), status=status)

    def _encode(self, claims: list[queue.Claim]) -> tuple[dict[int, str], dict[str, int]]:
        """Encode the batch at once; when that fails, each text alone, to find which failed."""
        def split(jobs: list[queue.Claim]) -> tuple[list[str], list[str]]:
            return ([j.text for j in jobs if j.kind == "challenge"],
                    [j.text for j in jobs if j.kind == "company"])

        try:
            return {}, encode_texts(*split(claims))
        except Exception:  # the failure policy: a bad text must not hold back the others
            log.warning("encoding a batch of %d texts failed; encoding them one by one",
                        len(claims), exc_info=True)
        errors: dict[int, str] = {}
        totals = {"encoded": 0, "reused": 0}
        for job in claims:
            try:
                stats = encode_texts(*split([job]))
            except Exception as exc:  # recorded on the job, retried later (see queue)
                log.exception("could not encode %s %s", job.kind, job.row_id)
                errors[job.id] = f"{type(exc).__name__}: {exc}"
            else:
                totals = {key: totals[key] + stats[key] for key in totals}
        return errors, totals

    def drain(self, on_batch: Callable[[BatchReport], None] | None = None) -> list[BatchReport]:
        """Run batches until none is claimed (jobs waiting for a retry are left waiting)."""
        reports: list[BatchReport] = []
        while True:
            report = self.run_once()
            if not report.claimed:
                return reports
            reports.append(report)
            if on_batch is not None:
                on_batch(report)

    def run_forever(self, on_batch: Callable[[BatchReport], None] | None = None) -> None:
        """Drain, then sleep until a save in this process queues work or ``poll_seconds``
        pass, until :meth:`stop`. An error (the database briefly away) is logged, and the
        worker tries again after the pause."""
        while not self._stop.is_set():
            queue.work_arrived.clear()
            try:
                self.drain(on_batch)
            except Exception:
                log.exception("the encoding worker failed; trying again shortly")
            queue.work_arrived.wait(self.settings.poll_seconds)

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to end after its batch; wait up to ``timeout`` for its thread."""
        self._stop.set()
        queue.work_arrived.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def start_thread(self) -> threading.Thread:
        """Run :meth:`run_forever` in a daemon thread (it dies with the process)."""
        self.thread = threading.Thread(target=self.run_forever, name="encoding-worker",
                                       daemon=True)
        self.thread.start()
        return self.thread


_START_LOCK = threading.Lock()


def in_process_worker(app: Flask) -> EncodingWorker:
    """The app's in-process worker, its thread started on the first call (idempotent)."""
    worker: EncodingWorker | None = app.extensions.get(EXTENSION_KEY)
    if worker is None:
        with _START_LOCK:
            worker = app.extensions.get(EXTENSION_KEY)
            if worker is None:
                worker = EncodingWorker(app)
                worker.start_thread()
                app.extensions[EXTENSION_KEY] = worker
    return worker


def init_app(app: Flask) -> None:
    """With ``ENCODING_WORKER=thread``, start the in-process worker on the first request.

    Nothing starts here, at import or in the factory: only a process that serves requests
    runs the thread (not ``flask`` commands, nor the reloader's watching parent).
    """
    if worker_mode(app.config) != "thread":
        return

    def start() -> None:
        if EXTENSION_KEY not in app.extensions:
            in_process_worker(app)

    app.before_request(start)
