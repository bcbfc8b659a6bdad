"""The per-app matching engine: the encoder, the fitted index, and (re)building it.

One engine per app (``app.extensions["matching"]``) holds the encoder and a fitted
:class:`matching.Matcher` over all companies and all challenges (drafts too: owners preview the
matches of drafts). It is built lazily on first use and rebuilt when the data fingerprint
(:mod:`.freshness`) changes; passage vectors live in the embedding store (:mod:`.store`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from flask import Flask, current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

import matching
from matching.gloss import english_passages
from matching.language import detect_language
from matching.matcher import challenge_text, company_text
from matching.taxonomy import AreaInferrer
from portal.db import db
from portal.models import Challenge, Company
from portal.services.matching.documents import (
    active_weights,
    challenge_document,
    challenge_documents,
    company_document,
    company_documents,
    load_areas,
)
from portal.services.matching.documents import company_text as row_company_text
from portal.services.matching.freshness import request_fingerprint
from portal.services.matching.store import DatabaseEmbeddingCache

log = logging.getLogger(__name__)

EXTENSION_KEY = "matching"
# Per-index memo of derived results (area scores of texts, visibility masks); cleared when full.
MEMO_LIMIT = 20_000
# Saved companies an index takes in without a whole build; more at once (an import) rebuild.
MAX_UPDATED = 50
MASK_MEMO_LIMIT = 64
# Explained top-k rankings remembered per index (about 20 kB each).
RANKING_MEMO_LIMIT = 1000

# The session of the service call that is using the matcher right now (see :func:`reading`):
# the matcher's company-text callback reads through it.
_reading: ContextVar[Session | None] = ContextVar("matching_reading_session", default=None)


@contextmanager
def reading(session: Session) -> Iterator[Session]:
    """Let the matcher's callbacks read through ``session`` while the block runs."""
    token = _reading.set(session)
    try:
        yield session
    finally:
        _reading.reset(token)


@dataclass
class Index:
    fingerprint: tuple[Any, ...]
    matcher: matching.Matcher | None
    company_ids: list[int]
    challenge_ids: list[int]
    company_pos: dict[int, int]
    challenge_pos: dict[int, int]
    weights_version: str
    weights: dict[str, float]
    areas: list[matching.Area]
    # Results derived from this index's data only (valid as long as the index is current).
    memo: dict[Any, Any] = field(default_factory=dict)
    masks: dict[Any, tuple[np.ndarray, frozenset[int]]] = field(default_factory=dict)
    rankings: dict[Any, list[matching.Match]] = field(default_factory=dict)

    def remember(self, store: dict[str, Any], key: Any, value: Any, limit: int = MEMO_LIMIT) -> Any:
        if len(store) >= limit:
            store.clear()
        store[key] = value
        return value



class MatchingEngine:
    """Per-app holder of the encoder and the fitted matcher; thread-safe rebuilds.

    Args:
        config: The app's config mapping (read once).
        session_factory: Callable returning a new session (for the embedding cache).
        current_session: Callable returning the current request's or command's session.
    """

    def __init__(self, config: Mapping[str, Any], session_factory: Callable[[], Session],
                 current_session: Callable[[], Session | None] = lambda: None) -> None:
        self.config = dict(config)
        self.cache = DatabaseEmbeddingCache(session_factory, current_session)
        self.lock = threading.RLock()
        self._encoder: Any = None
        self._index: Index | None = None
        self.builds = 0
        self.updates = 0  # indexes that took in saved companies without a whole build
        # How long a data fingerprint read by this process is trusted when this process has
        # not written since: other processes' edits show up within this many seconds. 0 checks
        # on every request (development and tests); production defaults to 2 s.
        default_ttl = "2" if self.config.get("PORTAL_ENV") == "production" else "0"
        self.freshness_seconds = float(self.config.get(
            "MATCHER_FRESHNESS_SECONDS",
            os.environ.get("MATCHER_FRESHNESS_SECONDS", default_ttl)))
        self._shared_fingerprint: tuple[int, float, tuple[Any, ...]] | None = None

    @property
    def encoder(self) -> Any:
        """The encoder (created on first use; the real model loads on its first encode)."""
        with self.lock:
            if self._encoder is None:
                self._encoder = self._make_encoder()
            return self._encoder

    def _make_encoder(self) -> Any:
        # minilm (default), e5, minilm+e5 (Norwegian and English: docs/matching.md), hashing.
        return matching.make_encoder(
            self.config.get("MATCHER_ENCODER", "minilm"),
            cache=self.cache,
            device=self.config.get("MATCHER_DEVICE") or "cpu",
            model_path=self.config.get("MATCHER_MODEL_PATH") or None,
            show_progress=False,
        )

    def company_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """``{company id: text}`` as :func:`company_document` makes it, read in one query.

        Reads through the session of the service call using the matcher (:func:`reading`);
        outside one, through a short session of its own.
        """
        statement = select(Company.id, Company.name, Company.description).where(
            Company.id.in_([int(i) for i in ids]))
        session = _reading.get()
        if session is not None:
            rows = session.execute(statement).all()
        else:
            with self.cache.session_scope() as own:
                rows = own.execute(statement).all()
        return {str(cid): row_company_text(name, description) for cid, name, description in rows}

    def index(self, session: Session, *, force: bool = False, progress: bool = False) -> Index:
        """The fitted index, rebuilt first when the data changed (or ``force``).

        The freshness check is one aggregate query, made once per request (see
        :func:`request_fingerprint`). Only one thread rebuilds: while it does, other threads
        of the process keep using the previous index (never a second, parallel rebuild), and
        only a process without any index yet waits for the first build.
        """
        fingerprint = request_fingerprint(session)
        current = self._index
        if not force and current is not None and current.fingerprint == fingerprint:
            return current
        if not force and current is not None and not self.lock.acquire(blocking=False):
            return current  # another thread is rebuilding: serve the previous index meanwhile
        if force or current is None:
            self.lock.acquire()
        try:
            current = self._index
            if not force and current is not None and current.fingerprint == fingerprint:
                return current
            encoder = self.encoder
            previous_progress = getattr(encoder, "show_progress", None)
            encoder.show_progress = progress
            try:
                updated = None if force else self._updated(session, current, fingerprint)
                if updated is not None:
                    self._index = updated
                    self.updates += 1
                else:
                    self._index = self._build(session, fingerprint)
                    self.builds += 1
            finally:
                encoder.show_progress = previous_progress
            _release_free_memory()
            return self._index
        finally:
            self.lock.release()

    def _build(self, session: Session, fingerprint: tuple[Any, ...]) -> Index:
        areas = load_areas(session)
        version, weights = active_weights(session)
        # Plain column rows, not ORM objects: 10,000 companies load in a fraction of the time
        # and memory, and the documents are the same as company_document()/challenge_document().
        company_docs = company_documents(session)
        challenge_docs = challenge_documents(session)
        matcher: matching.Matcher | None = None
        if company_docs:
            try:
                # Company texts stay in the database: explanations read the few they show.
                matcher = matching.Matcher(
                    weights=weights, encoder=self.encoder, areas=areas,
                    company_texts=self.company_texts,
                    area_warm_start=self._previous_area_inferrer(areas),
                ).fit(challenge_docs, company_docs)
            except ValueError as exc:
                # e.g. every company text is empty: nothing can be ranked yet.
                log.warning("matcher not fitted: %s", exc)
                matcher = None
        company_ids = [int(d.id) for d in company_docs] if matcher is not None else []
        challenge_ids = [int(d.id) for d in challenge_docs] if matcher is not None else []
        return Index(
            fingerprint=fingerprint,
            matcher=matcher,
            company_ids=company_ids,
            challenge_ids=challenge_ids,
            company_pos={cid: n for n, cid in enumerate(company_ids)},
            challenge_pos={cid: n for n, cid in enumerate(challenge_ids)},
            weights_version=version,
            weights=dict(matcher.weights_) if matcher is not None else dict(weights or {}),
            areas=areas,
        )

    def _updated(self, session: Session, previous: Index | None,
                 fingerprint: tuple[Any, ...]) -> Index | None:
        """``previous`` with the companies saved since it was built taken in, or ``None``
        when only a whole build will do: companies added or removed, challenges, area links,
        the taxonomy or the weights changed, or more than :data:`MAX_UPDATED` companies."""
        if previous is None or previous.matcher is None:
            return None
        before, now = previous.fingerprint, fingerprint
        # Parts: companies (count, newest id, latest update), then everything else.
        if before[1:] != now[1:] or before[0][:2] != now[0][:2] or before[0][2] is None:
            return None
        docs = company_documents(session, updated_since=before[0][2])
        if not docs or len(docs) > MAX_UPDATED:
            return None
        try:
            matcher = previous.matcher.with_companies(docs)
        except ValueError as exc:  # e.g. a region the index has not seen
            log.info("whole index build instead of an update: %s", exc)
            return None
        return replace(previous, fingerprint=fingerprint, matcher=matcher, memo={}, masks={},
                       rankings={})

    def _previous_area_inferrer(self, areas: Sequence[matching.Area]) -> AreaInferrer | None:
        """The area classifiers of the index being replaced, when it had the same areas: a
        rebuild after a save starts from them (half of a rebuild's time at 10,000 companies
        was refitting them from scratch)."""
        previous = self._index
        if previous is None or previous.matcher is None:
            return None
        if [a.id for a in previous.areas] != [a.id for a in areas]:
            return None
        return getattr(previous.matcher, "area_inferrer_", None)


_ENGINE_LOCK = threading.Lock()


def get_engine(app: Flask | None = None) -> MatchingEngine:
    """The app's matching engine, created on first use (never at import or in create_app)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's target; werkzeug does not type it
    engine = app.extensions.get(EXTENSION_KEY)
    if engine is None:
        with _ENGINE_LOCK:
            engine = app.extensions.get(EXTENSION_KEY)
            if engine is None:
                bind = db.engine

                def session_factory() -> Session:
                    return Session(bind=bind, expire_on_commit=False)

                def current_session() -> Session | None:
                    if has_app_context() and db.session.registry.has():
                        return db.session()
                    return None

                engine = MatchingEngine(app.config, session_factory, current_session)
                app.extensions[EXTENSION_KEY] = engine
    return engine


def _release_free_memory() -> None:
    """Give the heap freed by an index build back to the OS (glibc keeps it otherwise, and
    each worker's resident size would carry the build's temporary peak)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass



def model_label(encoder: matching.BaseEncoder) -> str:
    """The model ids behind rankings: the encoder's, and its multilingual companion's when it
    has one (``all-MiniLM-L6-v2/p150o30 + multilingual-e5-small-q4/passage/p150o30``)."""
    companion = getattr(encoder, "multilingual", None)
    return encoder.model_id + (f" + {companion.model_id}" if companion is not None else "")


def current_stamp(session: Session) -> dict[str, str]:
    """The model id and weights version that rankings use now (for pages and exports).

    Does not load the model or build the index.
    """
    version, _ = active_weights(session)
    return {"model": model_label(get_engine().encoder), "weights_version": version}


def reindex(session: Session, progress: bool = True) -> dict[str, float]:
    """Rebuild the index now, encoding every passage not yet in the embedding cache.

    Args:
        session: Database session (read only).
        progress: Show a tqdm progress bar on stderr while encoding.

    Returns:
        ``{"encoded": n, "reused": n, "seconds": s}`` (unique passages, area texts included).
    """
    engine = get_engine()
    with engine.lock:
        engine.cache.reset_counters()
        started = time.perf_counter()
        engine.index(session, force=True, progress=progress)
        return {
            "encoded": engine.cache.misses,
            "reused": engine.cache.hits,
            "seconds": round(time.perf_counter() - started, 3),
        }


def index_all(session: Session) -> dict[str, float]:
    """Warm the embeddings for every company and challenge (the demo seeding calls this)."""
    return reindex(session, progress=False)


def encode_text(text: str) -> dict[str, int]:
    """Encode the passages of ``text`` not yet in the embedding store.

    Returns:
        ``{"encoded": n, "reused": n}`` passages.
    """
    encoder = get_engine().encoder
    encoder.encode_passages(encoder.passages(text))
    stats = encoder.last_stats
    return {"encoded": int(stats.get("encoded", 0)), "reused": int(stats.get("reused", 0))}


def encode_texts(challenge_texts: Sequence[str], company_texts: Sequence[str]) -> dict[str, int]:
    """Encode, in one batch per encoder, the passages the index will need for these texts.

    The passages of every text go through the engine's encoder; with a multilingual companion
    (``minilm+e5``) also the first passages the matcher reads with it, each side with the
    encoder the matcher uses for that side. Only passages missing from the embedding store are
    encoded, and they are stored there. The engine's lock is not taken: a request that needs a
    rebuild meanwhile must neither wait for the worker nor be served the previous index.

    Returns:
        ``{"encoded": n, "reused": n}`` passages, over all encoders.
    """
    engine = get_engine()
    totals = {"encoded": 0, "reused": 0}

    def run(encoder: Any, passages: list[str]) -> None:
        if passages:
            encoder.encode_passages(passages)
            totals["encoded"] += int(encoder.last_stats.get("encoded", 0))
            totals["reused"] += int(encoder.last_stats.get("reused", 0))

    encoder = engine.encoder
    # What the matcher's English encoder reads: a Norwegian text's English gloss.
    run(encoder, [
        p for t in [*challenge_texts, *company_texts]
        for p in english_passages(encoder.passages(t), detect_language(t))
    ])
    # The matcher's own defaults say which encoder reads which side, and how far.
    matcher = matching.Matcher(encoder=encoder)
    pair = matcher.multilingual_encoders()
    if pair is not None:
        cap = matcher.multilingual_passages
        for side, texts in zip(pair, (challenge_texts, company_texts), strict=True):
            run(side, [p for t in texts for p in side.passages(t)[:cap]])
    return totals


def index_company(session: Session, company: Company) -> dict[str, int]:
    """Encode one company's passages now (only those not cached), e.g. after a profile save.

    Returns:
        ``{"encoded": n, "reused": n}`` passages.
    """
    return encode_text(company_text(company_document(company)))


def index_challenge(session: Session, challenge: Challenge) -> dict[str, int]:
    """Encode one challenge's passages now (only those not cached), e.g. after an edit.

    Returns:
        ``{"encoded": n, "reused": n}`` passages.
    """
    return encode_text(challenge_text(challenge_document(challenge)))

