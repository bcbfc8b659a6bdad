"""The embedding store: passage vectors in the ``embeddings`` table, as the library's cache.

A rebuild of the index (or a new process) encodes only text it has never seen: the encoder asks
this cache first and stores what it had to compute.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from portal.models import Embedding
from portal.services.matching.freshness import holds_writes

log = logging.getLogger(__name__)

# Keys per IN (...) clause: under SQLite's oldest host-parameter limit (999).
IN_CHUNK = 500


class DatabaseEmbeddingCache:
    """The :class:`matching.EmbeddingCache` protocol over the ``embeddings`` table.

    Reads and writes use a short session of their own from ``session_factory``, committed at
    once, so vectors persist even when the request that caused the encoding only reads (a GET
    never commits). The one exception: when the session of the request or command that is
    encoding (``current_session``) has already written in its open transaction, it holds the
    database's write lock until it ends, and a second connection would wait for that lock
    until it timed out (SQLite locks the whole file). Then the vectors are written through that
    session and commit with its own changes. Writes are insert-if-absent: another worker may
    have stored the same passage meanwhile.

    Args:
        session_factory: Callable returning a new :class:`~sqlalchemy.orm.Session`.
        current_session: Callable returning the session of the current request or command,
            or ``None`` where there is none.
    """

    def __init__(self, session_factory: Callable[[], Session],
                 current_session: Callable[[], Session | None] = lambda: None) -> None:
        self.session_factory = session_factory
        self.current_session = current_session
        self.hits = 0
        self.misses = 0
        self._counter_lock = threading.Lock()

    def reset_counters(self) -> None:
        """Zero the hit/miss counters (used to report what one rebuild encoded)."""
        with self._counter_lock:
            self.hits = self.misses = 0

    def get_many(self, model_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors of those ``keys`` that are present.

        Args:
            model_id: Encoder model id (the cache namespace).
            keys: sha256 hex digests of passage texts.

        Returns:
            ``{key: float32 vector}`` for the keys found.
        """
        wanted = list(dict.fromkeys(keys))
        found: dict[str, np.ndarray] = {}
        with self.session_scope() as session:
            for start in range(0, len(wanted), IN_CHUNK):
                chunk = wanted[start : start + IN_CHUNK]
                rows = session.execute(
                    select(Embedding.text_hash, Embedding.vector).where(
                        Embedding.model_id == model_id, Embedding.text_hash.in_(chunk)
                    )
                )
                for text_hash, vector in rows:
                    found[text_hash] = np.frombuffer(bytes(vector), dtype=np.float32).copy()
        with self._counter_lock:
            self.hits += len(found)
            self.misses += len(wanted) - len(found)
        return found

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store vectors that are not stored yet (existing rows are left as they are).

        A failure to store is logged, never raised: the vectors are only a cache, and the
        request that computed them must not fail because another writer holds a lock.
        """
        if not vectors:
            return
        rows = [
            {
                "model_id": model_id,
                "text_hash": key,
                "vector": np.ascontiguousarray(vec, dtype=np.float32).tobytes(),
            }
            for key, vec in vectors.items()
        ]
        caller = self.current_session()
        try:
            if caller is not None and holds_writes(caller):
                _insert_ignore_chunked(caller, rows)
                return
            with self.session_scope() as session:
                _insert_ignore_chunked(session, rows)
                session.commit()
        except DBAPIError as exc:
            log.warning("could not store %d embeddings: %s", len(rows), exc)

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A new session from ``session_factory``, closed when the block ends."""
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()


def _insert_ignore_chunked(session: Session, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), IN_CHUNK):
        _insert_ignore(session, rows[start : start + IN_CHUNK])


def _insert_ignore(session: Session, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite; row by row elsewhere."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(Embedding).values(rows).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(Embedding).values(rows).on_conflict_do_nothing())
    else:
        for row in rows:
            try:
                with session.begin_nested():
                    session.execute(insert(Embedding).values(**row))
            except IntegrityError:
                continue

