"""When the index is stale: a write generation bumped by every write, and a data fingerprint.

The fingerprint is one aggregate query; a request computes it at most once unless the request
itself writes (the write generation says so), and production shares it between a process's
requests for a couple of seconds.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from flask import g, has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from portal.models import (
    Area,
    Challenge,
    Company,
    MatcherWeights,
    area_links,
    challenge_areas,
    company_areas,
)
from portal.services.matching.documents import DEFAULT_VERSION

# Bumped by every ORM flush and every write statement run through a session, in any thread. A
# request remembers the data fingerprint together with the generation it saw, so the index's
# freshness is checked once per request (one query) unless the request itself writes.
_write_generation = itertools.count(1)
_generation = [0]


# A session that has written in its open transaction holds the database's write lock until the
# transaction ends (on SQLite, the one lock of the whole file): the embedding store writes
# through such a session instead of waiting for the lock on a connection of its own.
_WROTE = "matching_wrote"


def _bump_generation(session: Session, *_args: Any) -> None:
    session.info[_WROTE] = True
    _generation[0] = next(_write_generation)


def _bump_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _bump_generation(state.session)


def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


event.listen(Session, "after_flush", _bump_generation)
event.listen(Session, "do_orm_execute", _bump_on_write)
event.listen(Session, "after_transaction_end", _transaction_ended)


def holds_writes(session: Session) -> bool:
    """Whether ``session``'s open transaction has written, or is about to write."""
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return False
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def data_fingerprint(session: Session) -> tuple[Any, ...]:
    """A cheap summary that changes whenever the matcher's inputs change (one query).

    Counts, newest ids and ``max(updated_at)`` of companies and challenges catch inserts,
    deletes and edits; counts and id sums of the area links catch tag changes (which do not
    touch ``updated_at``); the taxonomy size and the active weights version complete it. All
    parts are scalar subqueries of one statement: one round trip to the database.
    """
    def sub(*columns: Any, table: Any = None, where: Any = None) -> Any:
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


def request_fingerprint(session: Session) -> tuple[Any, ...]:
    """:func:`data_fingerprint`, computed at most once per request unless the request writes.

    With ``MATCHER_FRESHNESS_SECONDS`` > 0 (production: 2 s) a fingerprint is also shared by
    the process's requests for that long, as long as nothing in this process wrote since; a
    write here is seen at once, another worker's within the interval. Outside a request (CLI,
    tests calling services) it is computed every time.
    """
    if not has_request_context():
        return data_fingerprint(session)
    generation = _generation[0]
    memo: tuple[Session, int, tuple[Any, ...]] | None = g.get("_matching_fingerprint")
    if memo is not None and memo[0] is session and memo[1] == generation:
        return memo[2]
    from portal.services.matching.engine import get_engine  # the engine module imports this one

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
