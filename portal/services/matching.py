"""The only bridge between the portal's database and the pure ``matching`` library.

ORM rows become :class:`matching.Document` objects here, and the library's matches become rows
again here. Visibility is applied as a mask *before* ranking, so a company that may not see a
challenge (or a challenge a user may not see) is never scored, returned or counted.

One engine per app (``app.extensions["matching"]``) holds the encoder and a fitted
:class:`matching.Matcher` over all companies and all challenges (drafts too: owners preview the
matches of drafts). It is built lazily on first use and rebuilt when a cheap fingerprint of the
data changes; passage vectors live in the ``embeddings`` table, so a rebuild (or a new process)
encodes only text it has never seen.
"""

from __future__ import annotations

import copy
import ctypes
import ctypes.util
import hashlib
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flask import current_app, g, has_request_context
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session, selectinload

import matching
from matching.taxonomy import CROSSWALK_CREDIT
from portal.models import (
    Area,
    Challenge,
    Company,
    Embedding,
    MatcherWeights,
    User,
    area_links,
    challenge_areas,
    company_areas,
)
from portal.models.enums import ChallengeStatus
from portal.services.access import challenge_visibility_clause, company_clause_for_challenge

log = logging.getLogger(__name__)

EXTENSION_KEY = "matching"
DEFAULT_VERSION = "default"
COMPONENT_NAMES: tuple[str, ...] = tuple(matching.COMPONENTS)
EVENT_REGION = "event_region"
# Keys per IN (...) clause: under SQLite's oldest host-parameter limit (999).
_IN_CHUNK = 500
# An area counts as covered "well" by a company at or above this coverage (explicit = 1.0,
# crosswalk only = 0.5, inferred = strength relative to the company's strongest area).
COVERAGE_WELL = 0.6
# Per-index memo of derived results (area scores of texts, visibility masks); cleared when full.
_MEMO_LIMIT = 20_000
_MASK_MEMO_LIMIT = 64
# Explained top-k rankings remembered per index (about 20 kB each).
_RANKING_MEMO_LIMIT = 1000


# --------------------------------------------------------------------------- write generation
# Bumped by every ORM flush and every write statement run through a session, in any thread. A
# request remembers the data fingerprint together with the generation it saw, so the index's
# freshness is checked once per request (one query) unless the request itself writes.
_write_generation = itertools.count(1)
_generation = [0]


def _bump_generation(*_args: Any) -> None:
    _generation[0] = next(_write_generation)


def _bump_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _bump_generation()


event.listen(Session, "after_flush", _bump_generation)
event.listen(Session, "do_orm_execute", _bump_on_write)


# --------------------------------------------------------------------------- embedding cache
class DatabaseEmbeddingCache:
    """The :class:`matching.EmbeddingCache` protocol over the ``embeddings`` table.

    Every call opens its own short session from ``session_factory`` and commits it, so vectors
    persist even when the request that caused the encoding only reads (a GET never commits).
    Writes are insert-if-absent: another worker may have stored the same passage meanwhile.

    Args:
        session_factory: Callable returning a new :class:`~sqlalchemy.orm.Session`.
    """

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self.session_factory = session_factory
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
        with self._session() as session:
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
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
        try:
            with self._session() as session:
                for start in range(0, len(rows), _IN_CHUNK):
                    _insert_ignore(session, rows[start : start + _IN_CHUNK])
                session.commit()
        except DBAPIError as exc:
            log.warning("could not store %d embeddings: %s", len(rows), exc)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()


def _insert_ignore(session: Session, rows: list[dict]) -> None:
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


# --------------------------------------------------------------------------- result types
@dataclass
class MatchItem:
    """One ranked row with its explanation.

    Exactly one of ``company`` (ranking companies for a challenge) and ``challenge`` (ranking
    challenges for a company) is set.
    """

    score: float
    components: dict[str, float]
    weights: dict[str, float]
    shared_areas: list[Area]
    top_terms: list[str]
    best_passages: dict[str, Any]
    notes: list[str]
    rank: int
    company: Company | None = None
    challenge: Challenge | None = None
    # Sides ("challenge", "company") whose shared areas were inferred from the text.
    areas_inferred: list[str] = field(default_factory=list)


@dataclass
class MatchList:
    """Ranked matches and the model and weights that produced them.

    ``candidates`` counts only rows the viewer was allowed to have ranked (masked rows are
    never counted).
    """

    items: list[MatchItem] = field(default_factory=list)
    model_id: str = ""
    weights_version: str = DEFAULT_VERSION
    candidates: int = 0


@dataclass
class _Index:
    fingerprint: tuple
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

    def remember(self, store: dict, key: Any, value: Any, limit: int = _MEMO_LIMIT) -> Any:
        if len(store) >= limit:
            store.clear()
        store[key] = value
        return value


# --------------------------------------------------------------------------- engine
class MatchingEngine:
    """Per-app holder of the encoder and the fitted matcher; thread-safe rebuilds.

    Args:
        config: The app's config mapping (read once).
        session_factory: Callable returning a new session (for the embedding cache).
    """

    def __init__(self, config: Mapping[str, Any], session_factory: Callable[[], Session]) -> None:
        self.config = dict(config)
        self.cache = DatabaseEmbeddingCache(session_factory)
        self.lock = threading.RLock()
        self._encoder: Any = None
        self._index: _Index | None = None
        self.builds = 0
        # How long a data fingerprint read by this process is trusted when this process has
        # not written since: other processes' edits show up within this many seconds. 0 checks
        # on every request (development and tests); production defaults to 2 s.
        default_ttl = "2" if self.config.get("PORTAL_ENV") == "production" else "0"
        self.freshness_seconds = float(self.config.get(
            "MATCHER_FRESHNESS_SECONDS",
            os.environ.get("MATCHER_FRESHNESS_SECONDS", default_ttl)))
        self._shared_fingerprint: tuple[int, float, tuple] | None = None

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

    @staticmethod
    def company_texts(ids: Sequence[str]) -> dict[str, str]:
        """``{company id: text}`` as :func:`company_document` makes it, read in one query
        through the current request's (or command's) session."""
        from portal.extensions import db

        rows = db.session.execute(
            select(Company.id, Company.name, Company.description)
            .where(Company.id.in_([int(i) for i in ids]))
        )
        return {str(cid): _company_text(name, description) for cid, name, description in rows}

    def index(self, session: Session, *, force: bool = False, progress: bool = False) -> _Index:
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
                self._index = self._build(session, fingerprint)
            finally:
                encoder.show_progress = previous_progress
            self.builds += 1
            _release_free_memory()
            return self._index
        finally:
            self.lock.release()

    def _build(self, session: Session, fingerprint: tuple) -> _Index:
        areas = load_areas(session)
        version, weights = active_weights(session)
        # Plain column rows, not ORM objects: 10,000 companies load in a fraction of the time
        # and memory, and the documents are the same as company_document()/challenge_document().
        company_docs = _company_documents(session)
        challenge_docs = _challenge_documents(session)
        matcher: matching.Matcher | None = None
        if company_docs:
            try:
                # Company texts stay in the database: explanations read the few they show.
                matcher = matching.Matcher(
                    weights=weights, encoder=self.encoder, areas=areas,
                    company_texts=self.company_texts,
                ).fit(challenge_docs, company_docs)
            except ValueError as exc:
                # e.g. every company text is empty: nothing can be ranked yet.
                log.warning("matcher not fitted: %s", exc)
                matcher = None
        company_ids = [int(d.id) for d in company_docs] if matcher is not None else []
        challenge_ids = [int(d.id) for d in challenge_docs] if matcher is not None else []
        return _Index(
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


def get_engine(app: Any = None) -> MatchingEngine:
    """The app's matching engine, created on first use (never at import or in create_app)."""
    from portal.extensions import db

    app = app or current_app._get_current_object()
    engine = app.extensions.get(EXTENSION_KEY)
    if engine is None:
        with _ENGINE_LOCK:
            engine = app.extensions.get(EXTENSION_KEY)
            if engine is None:
                bind = db.engine

                def session_factory() -> Session:
                    return Session(bind=bind, expire_on_commit=False)

                engine = MatchingEngine(app.config, session_factory)
                app.extensions[EXTENSION_KEY] = engine
    return engine


_ENGINE_LOCK = threading.Lock()


# --------------------------------------------------------------------------- rows -> documents
def _company_text(name: str, description: str | None) -> str:
    return (description or "").strip() or name


def _company_doc(company_id: int, name: str, description: str | None, trl: int | None,
                 county: str | None, areas) -> matching.Document:
    return matching.Document(
        id=str(company_id), text=_company_text(name, description), title=name,
        areas=tuple(areas), trl=(trl, trl) if trl else None, region=county or None,
    )


def _challenge_doc(challenge_id: int, title: str, problem: str, context: str | None,
                   effect: str | None, trl_min: int | None, trl_max: int | None,
                   county: str | None, areas) -> matching.Document:
    trl = None
    if trl_min is not None or trl_max is not None:
        trl = (trl_min or 1, trl_max or 9)
    return matching.Document(
        id=str(challenge_id), text="\n".join(p for p in (problem, context, effect) if p),
        title=title, areas=tuple(areas), trl=trl, region=county or None,
    )


def company_document(company: Company) -> matching.Document:
    """A company as the matcher sees it (the description is its text)."""
    return _company_doc(company.id, company.name, company.description, company.trl,
                        company.county, (a.slug for a in company.areas))


def challenge_document(challenge: Challenge) -> matching.Document:
    """A challenge as the matcher sees it (problem, context and effect; the title leads)."""
    return _challenge_doc(challenge.id, challenge.title, challenge.problem, challenge.context,
                          challenge.effect, challenge.trl_min, challenge.trl_max,
                          challenge.county, (a.slug for a in challenge.areas))


def _area_slugs_by_owner(session: Session, link_table, owner_column: str) -> dict[int, list[str]]:
    """``{owner id: [area slug, ...]}`` in the taxonomy's order (as the ORM relationship)."""
    owner = link_table.c[owner_column]
    rows = session.execute(
        select(owner, Area.slug).join(Area, Area.id == link_table.c.area_id)
        .order_by(owner, Area.position, Area.id)
    )
    out: dict[int, list[str]] = {}
    for owner_id, slug in rows:
        out.setdefault(owner_id, []).append(slug)
    return out


def _company_documents(session: Session) -> list[matching.Document]:
    """Every company as :func:`company_document` makes it, read as plain rows."""
    slugs = _area_slugs_by_owner(session, company_areas, "company_id")
    rows = session.execute(
        select(Company.id, Company.name, Company.description, Company.trl, Company.county)
        .order_by(Company.id)
    )
    return [_company_doc(cid, name, description, trl, county, slugs.get(cid, ()))
            for cid, name, description, trl, county in rows]


def _challenge_documents(session: Session) -> list[matching.Document]:
    """Every challenge as :func:`challenge_document` makes it, read as plain rows."""
    slugs = _area_slugs_by_owner(session, challenge_areas, "challenge_id")
    rows = session.execute(
        select(Challenge.id, Challenge.title, Challenge.problem, Challenge.context,
               Challenge.effect, Challenge.trl_min, Challenge.trl_max, Challenge.county)
        .order_by(Challenge.id)
    )
    return [_challenge_doc(*row, slugs.get(row[0], ())) for row in rows]


def load_areas(session: Session) -> list[matching.Area]:
    """The portal's taxonomy (admins may extend it) as matcher areas, crosswalk included."""
    rows = session.scalars(select(Area).order_by(Area.position, Area.id)).all()
    by_id = {a.id: a for a in rows}
    related: dict[int, list[str]] = {a.id: [] for a in rows}
    for emerging_id, priority_id in session.execute(
        select(area_links.c.emerging_id, area_links.c.priority_id)
    ):
        if emerging_id in by_id and priority_id in by_id:
            related[emerging_id].append(by_id[priority_id].slug)
            related[priority_id].append(by_id[emerging_id].slug)
    return [
        matching.Area(
            id=a.slug, name=a.name, description=a.description or "", kind=a.kind,
            related=tuple(related[a.id]),
        )
        for a in rows
    ]


def active_weights(session: Session) -> tuple[str, dict[str, float] | None]:
    """``(version, weights)`` of the active ``matcher_weights`` row, or the library defaults."""
    row = session.scalar(
        select(MatcherWeights).where(MatcherWeights.active.is_(True))
        .order_by(MatcherWeights.id.desc()).limit(1)
    )
    if row is None:
        return DEFAULT_VERSION, dict(matching.DEFAULT_WEIGHTS)
    try:
        weights = {str(k): float(v) for k, v in json.loads(row.weights).items()}
    except (ValueError, TypeError, AttributeError):
        log.warning("matcher_weights %s is not a JSON object; using defaults", row.version)
        return DEFAULT_VERSION, dict(matching.DEFAULT_WEIGHTS)
    return row.version, weights


def data_fingerprint(session: Session) -> tuple:
    """A cheap summary that changes whenever the matcher's inputs change (one query).

    Counts, newest ids and ``max(updated_at)`` of companies and challenges catch inserts,
    deletes and edits; counts and id sums of the area links catch tag changes (which do not
    touch ``updated_at``); the taxonomy size and the active weights version complete it. All
    parts are scalar subqueries of one statement: one round trip to the database.
    """
    def sub(*columns, table=None, where=None):
        statement = select(*columns)
        if table is not None:
            statement = statement.select_from(table)
        if where is not None:
            statement = statement.where(where)
        return statement.scalar_subquery()

    parts = (
        sub(func.count(Company.id)), sub(func.max(Company.id)), sub(func.max(Company.updated_at)),
        sub(func.count(Challenge.id)), sub(func.max(Challenge.id)),
        sub(func.max(Challenge.updated_at)),
        sub(func.count(), table=company_areas),
        sub(func.sum(company_areas.c.company_id * 97 + company_areas.c.area_id)),
        sub(func.count(), table=challenge_areas),
        sub(func.sum(challenge_areas.c.challenge_id * 97 + challenge_areas.c.area_id)),
        sub(func.count(Area.id)), sub(func.max(Area.id)),
        sub(func.count(), table=area_links),
        select(MatcherWeights.version).where(MatcherWeights.active.is_(True))
        .order_by(MatcherWeights.id.desc()).limit(1).scalar_subquery(),
    )
    row = tuple(session.execute(select(*parts)).one())
    return (row[0:3], row[3:6], row[6:8], row[8:10], row[10:12], row[12],
            row[13] or DEFAULT_VERSION)


def request_fingerprint(session: Session) -> tuple:
    """:func:`data_fingerprint`, computed at most once per request unless the request writes.

    With ``MATCHER_FRESHNESS_SECONDS`` > 0 (production: 2 s) a fingerprint is also shared by
    the process's requests for that long, as long as nothing in this process wrote since; a
    write here is seen at once, another worker's within the interval. Outside a request (CLI,
    tests calling services) it is computed every time.
    """
    if not has_request_context():
        return data_fingerprint(session)
    generation = _generation[0]
    memo = g.get("_matching_fingerprint")
    if memo is not None and memo[0] is session and memo[1] == generation:
        return memo[2]
    engine = get_engine()
    shared = engine._shared_fingerprint
    now = time.monotonic()
    if (engine.freshness_seconds > 0 and shared is not None and shared[0] == generation
            and now - shared[1] < engine.freshness_seconds):
        fingerprint = shared[2]
    else:
        fingerprint = data_fingerprint(session)
        engine._shared_fingerprint = (generation, now, fingerprint)
    g._matching_fingerprint = (session, generation, fingerprint)
    return fingerprint


def _release_free_memory() -> None:
    """Give the heap freed by an index build back to the OS (glibc keeps it otherwise, and
    each worker's resident size would carry the build's temporary peak)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


# --------------------------------------------------------------------------- public services
def current_stamp(session: Session) -> dict[str, str]:
    """The model id and weights version that rankings use now (for pages and exports).

    Does not load the model or build the index.
    """
    version, _ = active_weights(session)
    return {"model": get_engine().encoder.model_id, "weights_version": version}


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


def _encode_text(text: str) -> dict[str, int]:
    encoder = get_engine().encoder
    encoder.encode_passages(encoder.passages(text))
    stats = encoder.last_stats
    return {"encoded": int(stats.get("encoded", 0)), "reused": int(stats.get("reused", 0))}


def index_company(session: Session, company: Company) -> dict[str, int]:
    """Encode one company's passages now (only those not cached), e.g. after a profile save.

    Returns:
        ``{"encoded": n, "reused": n}`` passages.
    """
    from matching.matcher import company_text

    return _encode_text(company_text(company_document(company)))


def index_challenge(session: Session, challenge: Challenge) -> dict[str, int]:
    """Encode one challenge's passages now (only those not cached), e.g. after an edit.

    Returns:
        ``{"encoded": n, "reused": n}`` passages.
    """
    from matching.matcher import challenge_text

    return _encode_text(challenge_text(challenge_document(challenge)))


def _ids(session: Session, statement) -> set[int]:
    return set(session.scalars(statement))


def allowed_company_ids(
    session: Session,
    challenge: Challenge,
    *,
    county: str | None = None,
    min_trl: int | None = None,
    vetted_only: bool = False,
) -> set[int]:
    """Ids of the companies that may see ``challenge`` and pass the filters (in SQL)."""
    statement = select(Company.id).where(company_clause_for_challenge(challenge))
    if county:
        statement = statement.where(Company.county == county)
    if min_trl is not None:
        statement = statement.where(Company.trl >= min_trl)
    if vetted_only:
        statement = statement.where(Company.clearance_verified.is_(True))
    return _ids(session, statement)


def allowed_challenge_ids(session: Session, viewer: User | None, company: Company) -> set[int]:
    """Open challenges the viewer may see and that may be shown to ``company`` (in SQL)."""
    statement = select(Challenge.id).where(
        challenge_visibility_clause(viewer), Challenge.status == ChallengeStatus.OPEN
    )
    ids = _ids(session, statement)
    if not company.clearance_verified:
        # The company side of the rule: a vetted-only challenge is never scored for it, even
        # when the viewer (an organiser, say) may see the challenge.
        ids -= _ids(session, select(Challenge.id).where(Challenge.visibility == "vetted"))
    return ids


def _mask(ids: Sequence[int], allowed: set[int]) -> np.ndarray:
    return np.fromiter((i in allowed for i in ids), dtype=bool, count=len(ids))


def _company_mask(
    session: Session,
    index: _Index,
    challenge: Challenge,
    *,
    county: str | None = None,
    min_trl: int | None = None,
    vetted_only: bool = False,
) -> tuple[np.ndarray, frozenset[int]]:
    """The mask over ``index.company_ids`` of the companies that may see ``challenge`` and
    pass the filters, and their ids.

    Which companies pass depends only on the challenge's visibility, the filters and company
    columns covered by the index's fingerprint, so it is remembered per index. A remembered
    mask is used only while the index matches the database (never from a stale index that
    another thread is replacing). The vetted-only rule is a security rule, so it is always
    evaluated in SQL (a revoked clearance counts at once); it selects few companies.
    """
    key = (challenge.visibility == "vetted", county, min_trl, bool(vetted_only))
    current = not key[0] and index.fingerprint == request_fingerprint(session)
    if current and key in index.masks:
        return index.masks[key]
    allowed = frozenset(allowed_company_ids(
        session, challenge, county=county, min_trl=min_trl, vetted_only=vetted_only))
    value = (_mask(index.company_ids, allowed), allowed)
    if current:
        index.remember(index.masks, key, value, limit=_MASK_MEMO_LIMIT)
    return value


def _areas_by_slug(session: Session, slugs: Sequence[str]) -> list[Area]:
    if not slugs:
        return []
    rows = {a.slug: a for a in session.scalars(select(Area).where(Area.slug.in_(list(slugs))))}
    return [rows[s] for s in slugs if s in rows]


def _area_rows(session: Session, matches: Sequence[matching.Match]) -> dict[str, Area]:
    """The shared areas of all ``matches`` in one query (not one per match)."""
    slugs = sorted({slug for m in matches for slug in m.shared_areas})
    if not slugs:
        return {}
    return {a.slug: a for a in session.scalars(select(Area).where(Area.slug.in_(slugs)))}


def _item(session: Session, match: matching.Match, rank: int, *,
          areas: Mapping[str, Area] | None = None, **row: Any) -> MatchItem:
    if areas is None:
        areas = _area_rows(session, [match])
    return MatchItem(
        score=float(match.score),
        components={k: float(v) for k, v in match.components.items()},
        weights={k: float(v) for k, v in match.weights.items()},
        shared_areas=[areas[slug] for slug in match.shared_areas if slug in areas],
        top_terms=list(match.top_shared_terms),
        best_passages=dict(match.best_passages),
        notes=list(match.notes),
        rank=rank,
        areas_inferred=list(match.areas_inferred),
        **row,
    )


def rank_companies(
    session: Session,
    viewer: User | None,
    challenge: Challenge,
    *,
    top_k: int = 20,
    county: str | None = None,
    min_trl: int | None = None,
    vetted_only: bool = False,
    boost_county: str | None = None,
    boost: float = 0.0,
) -> MatchList:
    """Rank companies for a challenge, explained; masked before ranking.

    Only companies that may see the challenge (vetted-only challenges: verified companies) and
    that pass the filters are scored. The caller checks that ``viewer`` may see matches.

    Args:
        session: Database session.
        viewer: The user asking (kept for audit and future per-viewer rules).
        challenge: The challenge to rank companies for.
        top_k: Number of matches returned.
        county: Only companies in this county.
        min_trl: Only companies at this TRL or higher.
        vetted_only: Only companies with verified security clearance.
        boost_county: Companies in this county get ``boost`` added (event matchmaking); shown
            as the component ``event_region``; the score is clipped to [0, 1].
        boost: The regional boost.

    Returns:
        A :class:`MatchList` of companies, best first.
    """
    engine = get_engine()
    index = engine.index(session)
    result = MatchList(model_id=engine.encoder.model_id, weights_version=index.weights_version)
    if index.matcher is None or challenge.id not in index.challenge_pos:
        return result
    mask, allowed = _company_mask(
        session, index, challenge, county=county, min_trl=min_trl, vetted_only=vetted_only
    )
    result.candidates = int(mask.sum())
    if not result.candidates or top_k <= 0:
        return result
    m = index.matcher
    key = str(challenge.id)
    boosting = bool(boost_county) and boost > 0
    if not boosting:
        # The explained ranking depends only on the index, the challenge and the filters:
        # remembered while the index is current (vetted-only challenges are always ranked
        # afresh, as their mask is).
        memo_key = ("companies", challenge.id, county, min_trl, bool(vetted_only), top_k)
        cacheable = (challenge.visibility != "vetted"
                     and index.fingerprint == request_fingerprint(session))
        matches = index.rankings.get(memo_key) if cacheable else None
        if matches is None:
            matches = m.rank_companies(key, top_k=top_k, mask=mask)
            if cacheable:
                index.remember(index.rankings, memo_key, matches, limit=_RANKING_MEMO_LIMIT)
        boosts: dict[str, float] = {}
    else:
        positions = np.flatnonzero(mask)
        counties = _company_counties(session, [index.company_ids[p] for p in positions])
        scores = _scores(m, key, mask)
        bonus = np.array(
            [boost if counties.get(index.company_ids[p]) == boost_county else 0.0
             for p in positions]
        )
        boosted = np.clip(scores + bonus, 0.0, 1.0)
        order = np.lexsort((positions, -boosted))[:top_k]
        matches = [m.explain(key, str(index.company_ids[positions[o]]), mask=mask)
                   for o in order]
        boosts = {str(index.company_ids[positions[o]]): float(bonus[o]) for o in order}
    companies = _rows_by_id(session, Company, [int(x.company_id) for x in matches])
    areas = _area_rows(session, matches)
    for rank, match in enumerate(matches, start=1):
        company = companies.get(int(match.company_id))
        if company is None or company.id not in allowed:
            continue
        item = _item(session, match, rank, company=company, areas=areas)
        if boosting:
            applied = boosts.get(match.company_id, 0.0) > 0
            item.components[EVENT_REGION] = 1.0 if applied else 0.0
            item.weights[EVENT_REGION] = float(boost)
            item.score = float(min(1.0, max(0.0, item.score + (boost if applied else 0.0))))
        result.items.append(item)
    return result


def best_companies(
    session: Session, challenges: Sequence[Challenge]
) -> dict[int, tuple[float | None, Company | None, int]]:
    """The best allowed company of each challenge, without explanations (dashboards).

    Masked exactly as :func:`rank_companies` (unfiltered); the best companies are loaded in
    one query for all challenges.

    Returns:
        ``{challenge_id: (best score or None, best company or None, candidates)}``.
    """
    index = get_engine().index(session)
    found: dict[int, tuple[float | None, int | None, int]] = {}
    for challenge in challenges:
        found[challenge.id] = (None, None, 0)
        if index.matcher is None or challenge.id not in index.challenge_pos:
            continue
        mask, _ = _company_mask(session, index, challenge)
        positions = np.flatnonzero(mask)
        if not len(positions):
            continue
        scores = _scores(index.matcher, str(challenge.id), mask)
        best = int(np.argmax(scores))
        found[challenge.id] = (float(scores[best]), index.company_ids[positions[best]],
                               len(positions))
    companies = _rows_by_id(session, Company, [cid for _, cid, _ in found.values() if cid])
    return {ch: (score, companies.get(cid) if cid else None, n)
            for ch, (score, cid, n) in found.items()}


def _scores(m: matching.Matcher, key: str, mask: np.ndarray) -> np.ndarray:
    """Blended scores of the allowed companies, in the order of their mask positions."""
    return np.asarray(m.score_companies(key, mask=mask), dtype=float)


def _company_counties(session: Session, ids: list[int]) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        out.update(session.execute(
            select(Company.id, Company.county).where(Company.id.in_(chunk))
        ).tuples().all())
    return out


def _rows_by_id(session: Session, model: type, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    statement = select(model).where(model.id.in_(ids)).options(selectinload(model.areas))
    return {row.id: row for row in session.scalars(statement)}


def rank_challenges(
    session: Session, viewer: User | None, company: Company, *, top_k: int = 20
) -> MatchList:
    """Recommend open challenges for a company, explained; masked before ranking.

    Only open challenges that ``viewer`` may see (evaluated in SQL) and that may be shown to
    ``company`` are scored: an unvetted company never gets a vetted-only challenge.

    Args:
        session: Database session.
        viewer: The user asking (an SME user of ``company``, or an organiser/admin).
        company: The company to recommend challenges for.
        top_k: Number of matches returned.

    Returns:
        A :class:`MatchList` of challenges, best first.
    """
    engine = get_engine()
    index = engine.index(session)
    result = MatchList(model_id=engine.encoder.model_id, weights_version=index.weights_version)
    allowed = allowed_challenge_ids(session, viewer, company)
    if index.matcher is None or company.id not in index.company_pos:
        return result
    mask = _mask(index.challenge_ids, allowed)
    result.candidates = int(mask.sum())
    if not result.candidates or top_k <= 0:
        return result
    # Remembered per index, company and exact set of allowed challenges (viewer and vetting).
    allowed_digest = hashlib.sha256(
        np.array(sorted(allowed), dtype=np.int64).tobytes()).hexdigest()
    memo_key = ("challenges", company.id, allowed_digest, top_k)
    cacheable = index.fingerprint == request_fingerprint(session)
    matches = index.rankings.get(memo_key) if cacheable else None
    if matches is None:
        matches = index.matcher.rank_challenges(str(company.id), top_k=top_k, mask=mask)
        if cacheable:
            index.remember(index.rankings, memo_key, matches, limit=_RANKING_MEMO_LIMIT)
    challenges = _rows_by_id(session, Challenge, [int(x.challenge_id) for x in matches])
    areas = _area_rows(session, matches)
    for rank, match in enumerate(matches, start=1):
        challenge = challenges.get(int(match.challenge_id))
        if challenge is None or challenge.id not in allowed:
            continue
        result.items.append(_item(session, match, rank, challenge=challenge, areas=areas))
    return result


def suggest_areas(session: Session, text: str, top_k: int = 5) -> list[tuple[Area, float]]:
    """Technology areas a text is most likely about, with scores in [0, 1], best first."""
    if not (text or "").strip():
        return []
    index = get_engine().index(session)
    suggestions = _area_scores(index, text)[:top_k]
    rows = {a.slug: a for a in session.scalars(select(Area))}
    return [(rows[slug], float(score)) for slug, score in suggestions if slug in rows]


def _area_scores(index: _Index, text: str) -> list[tuple[str, float]]:
    """Every area's inferred score for ``text``, best first; remembered per index and text
    (the match page asks for the same ten company texts on every view)."""
    key = ("areas", hashlib.sha256(text.encode("utf-8")).hexdigest())
    found = index.memo.get(key)
    if found is not None:
        return found
    matcher = index.matcher or matching.Matcher(encoder=get_engine().encoder, areas=index.areas)
    scores = [(slug, float(score))
              for slug, score in matcher.suggest_areas(text, top_k=max(len(index.areas), 1))]
    return index.remember(index.memo, key, scores)


# --------------------------------------------------------------------------- coverage (teams)
def challenge_area_slugs(session: Session, challenge: Challenge, limit: int = 4) -> list[str]:
    """The areas a challenge needs: its explicit areas, else the strongest inferred ones."""
    if challenge.areas:
        return [a.slug for a in challenge.areas]
    from matching.matcher import challenge_text

    # The indexed text, so its passage vectors come from the cache.
    text = challenge_text(challenge_document(challenge))
    return [a.slug for a, score in suggest_areas(session, text, top_k=limit) if score >= 0.2]


def area_coverage(
    session: Session, company: Company, needed: Sequence[str]
) -> dict[str, float]:
    """How well ``company`` covers each needed area, in [0, 1].

    Explicit areas give 1.0; areas reached only through the crosswalk give the library's
    crosswalk credit; areas inferred from the description give their strength relative to
    the company's strongest inferred area. The best of the three counts.
    """
    engine = get_engine()
    index = engine.index(session)
    own = {a.slug for a in company.areas}
    related = {a.id: set(a.related) for a in index.areas}
    inferred: dict[str, float] = {}
    text = (company.description or "").strip()
    if text and index.areas:
        scores = dict(_area_scores(index, text))
        strongest = max(scores.values(), default=0.0)
        if strongest > 0:
            inferred = {slug: score / strongest for slug, score in scores.items()}
    coverage = {}
    for slug in needed:
        value = inferred.get(slug, 0.0)
        if slug in own:
            value = 1.0
        elif own & related.get(slug, set()) or any(slug in related.get(o, ()) for o in own):
            value = max(value, CROSSWALK_CREDIT)
        coverage[slug] = round(min(1.0, value), 4)
    return coverage


# --------------------------------------------------------------------------- feedback support
def judged_scores(
    session: Session, challenge_ids: Sequence[int], weights: Mapping[str, float] | None = None
) -> dict[int, list[tuple[int, float]]]:
    """Scores of every allowed company for each challenge under ``weights``, best first.

    Components come from the fitted index (normalised over all companies, as when weights are
    fitted); only companies that may see the challenge are scored.

    Args:
        session: Database session.
        challenge_ids: Challenges to rank for.
        weights: Blend weights; ``None`` uses the active weights.

    Returns:
        ``{challenge_id: [(company_id, score), ...]}``, best first.
    """
    index = get_engine().index(session)
    out: dict[int, list[tuple[int, float]]] = {}
    if index.matcher is None:
        return out
    use = _normalised(weights or index.weights)
    for challenge_id in challenge_ids:
        challenge = session.get(Challenge, challenge_id)
        if challenge is None or challenge_id not in index.challenge_pos:
            continue
        allowed = allowed_company_ids(session, challenge)
        ids = [cid for cid in index.company_ids if cid in allowed]
        if not ids:
            out[challenge_id] = []
            continue
        X = _pair_components(index.matcher, challenge_id, ids, allowed, index.company_ids)
        vector = np.array([use.get(name, 0.0) for name in COMPONENT_NAMES])
        scores = X @ vector
        order = np.lexsort((np.array(ids), -scores))
        out[challenge_id] = [(ids[k], float(scores[k])) for k in order]
    return out


def _pair_components(m: matching.Matcher, challenge_id: int, ids: list[int], allowed: set[int],
                     company_ids: list[int]) -> np.ndarray:
    """``(len(ids), 5)`` component values (columns in :data:`COMPONENT_NAMES` order)."""
    if hasattr(m, "components_for_pairs"):
        return np.asarray(
            m.components_for_pairs([(str(challenge_id), str(cid)) for cid in ids]), dtype=float
        )
    mask = _mask(company_ids, allowed)
    ranked = {x.company_id: x for x in
              m.rank_companies(str(challenge_id), top_k=len(ids), mask=mask)}
    return np.array([[ranked[str(cid)].components.get(name, 0.0) if str(cid) in ranked else 0.0
                      for name in COMPONENT_NAMES] for cid in ids], dtype=float)


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(max(0.0, float(v)) for v in weights.values())
    if total <= 0:
        return dict(matching.DEFAULT_WEIGHTS)
    return {k: max(0.0, float(v)) / total for k, v in weights.items()}


def fit_weights(
    session: Session, judgements: Sequence[tuple[int, int, bool]]
) -> dict[str, float]:
    """Blend weights learned from ``(challenge_id, company_id, relevant)`` judgements.

    The shared matcher is not changed: a shallow copy learns the weights.

    Raises:
        ValueError: the judgements do not contain both relevant and non-relevant pairs, or
            none of the pairs is in the index.
    """
    index = get_engine().index(session)
    if index.matcher is None:
        raise ValueError("There are no companies to fit weights on.")
    usable = [
        (str(ch), str(co), bool(rel)) for ch, co, rel in judgements
        if ch in index.challenge_pos and co in index.company_pos
    ]
    if not usable:
        raise ValueError("None of the judged pairs exists any more.")
    clone = copy.copy(index.matcher)
    clone.fit_weights(usable)
    return {k: float(v) for k, v in clone.weights_.items()}


def accept_suggested_areas(
    session: Session, user: User, company: Company, accepted: Sequence[str],
    rejected: Sequence[str] = (),
) -> list[Area]:
    """Add the accepted area slugs to the company's areas (unknown slugs are ignored).

    Rejected suggestions change nothing but are noted in the audit trail.

    Returns:
        The areas newly added.
    """
    wanted = [s for s in dict.fromkeys(accepted) if s]
    rows = list(session.scalars(select(Area).where(Area.slug.in_(wanted)))) if wanted else []
    have = {a.id for a in company.areas}
    added = [a for a in rows if a.id not in have]
    company.areas.extend(added)
    session.flush()
    from portal.services import audit

    audit.record(session, "company_areas_accepted", actor=user, target=company,
                 details={"added": [a.slug for a in added], "rejected": list(rejected)})
    return added
