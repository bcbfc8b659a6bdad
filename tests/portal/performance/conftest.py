"""Fixtures for the N+1 guard: synthetic data of a chosen size and a SQL statement counter."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import event, select

from portal.db import db
from portal.models import Challenge, User
from portal.models.enums import Role
from portal.services import matching, synthetic
from portal.services.tokens import create_token


@dataclass
class Dataset:
    """Users and ids of a seeded synthetic dataset."""

    military: User
    owned_challenge_id: int
    sme: User
    organiser: User
    event_id: int
    api_token: str
    public_challenge_id: int


@dataclass
class StatementCounter:
    """Counts SQL statements sent to the database while active."""

    count: int = 0
    statements: list[str] | None = None


@contextmanager
def count_statements() -> Iterator[StatementCounter]:
    """Count every statement executed on ``db.engine`` inside the block."""
    counter = StatementCounter(statements=[])

    def before(_conn, _cursor, statement, _params, _context, _executemany):
        counter.count += 1
        counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def seed_dataset(app):
    """``seed_dataset(companies, challenges)``: synthetic rows, index, event, API token."""

    def seed(companies: int, challenges: int) -> Dataset:
        synthetic.seed_synthetic(db.session, companies=companies, challenges=challenges,
                                 seed=3, sme_users=3)
        db.session.commit()
        matching.reindex(db.session, progress=False)
        fixture = synthetic.prepare_load_fixture(db.session, seed=3, sme_users=3,
                                                 event_challenges=3, top_n=4)
        email, owned = next(iter(fixture.military.items()))
        military = db.session.scalar(select(User).where(User.email == email))
        _, raw = create_token(db.session, military, "performance test")
        db.session.commit()
        return Dataset(
            military=military,
            owned_challenge_id=owned[0],
            sme=db.session.scalar(select(User).where(User.email == fixture.sme_emails[0])),
            organiser=db.session.scalar(select(User).where(User.role == Role.ORGANISER)),
            event_id=fixture.event_id,
            api_token=raw,
            public_challenge_id=db.session.scalar(
                select(Challenge.id).where(Challenge.status == "open",
                                           Challenge.visibility == "public")
                .order_by(Challenge.id)),
        )

    return seed
