"""The only bridge between the portal's database and the pure ``matching`` library.

ORM rows become :class:`matching.Document` objects here, and the library's matches become rows
again here. Visibility is applied as a mask *before* ranking, so a company that may not see a
challenge (or a challenge a user may not see) is never scored, returned or counted.

Modules:
    engine: the per-app engine (encoder, fitted index, rebuilds) and reindexing.
    refresh: queueing a saved row's text for encoding, and the failure policy of doing so.
    queue: the encoding jobs (claim, finish, fail, status) and their retry policy.
    worker: the background encoding worker (thread, ``flask encode-worker``).
    freshness: the write generation and the data fingerprint that say when to rebuild.
    store: passage vectors in the ``embeddings`` table (the library's embedding cache).
    documents: rows as matcher documents; the taxonomy and the active weights.
    ranking: visibility masks and explained rankings.
    areas: area suggestions and area coverage.
    teams: team suggestions.
    page: the matches page of a challenge.

Callers import the names below from the package; the tuning of weights on judgements is in
:mod:`portal.services.tuning`.
"""

from portal.services.matching.areas import (
    COVERAGE_WELL,
    accept_suggested_areas,
    area_coverage,
    challenge_area_slugs,
    suggest_areas,
)
from portal.services.matching.engine import (
    current_stamp,
    get_engine,
    index_all,
    index_challenge,
    index_company,
    reindex,
)
from portal.services.matching.page import MatchPage, match_page
from portal.services.matching.queue import QueueStatus
from portal.services.matching.queue import failed_jobs as failed_encodings
from portal.services.matching.queue import status as encoding_status
from portal.services.matching.ranking import (
    MatchItem,
    MatchList,
    best_companies,
    fit_band,
    rank_challenges,
    rank_companies,
)
from portal.services.matching.refresh import refresh_after_commit
from portal.services.matching.worker import BatchReport, EncodingWorker, Settings, worker_mode

__all__ = [
    "COVERAGE_WELL",
    "BatchReport",
    "EncodingWorker",
    "MatchItem",
    "MatchList",
    "MatchPage",
    "QueueStatus",
    "Settings",
    "accept_suggested_areas",
    "area_coverage",
    "best_companies",
    "challenge_area_slugs",
    "current_stamp",
    "encoding_status",
    "failed_encodings",
    "fit_band",
    "get_engine",
    "index_all",
    "index_challenge",
    "index_company",
    "match_page",
    "rank_challenges",
    "rank_companies",
    "refresh_after_commit",
    "reindex",
    "suggest_areas",
    "worker_mode",
]
