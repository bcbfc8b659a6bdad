"""The database: declarative base, the shared SQLAlchemy handle (the one import path for
``db``), engine-level settings, and which database errors mean "briefly unavailable".

The error pages themselves live in :mod:`portal.errors`; :func:`is_outage` decides what counts
as an outage (a dropped or killed connection, a locked SQLite file, an exhausted pool) so that
those become a 503 with ``Retry-After`` instead of a 500.
"""

from datetime import UTC, datetime

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names make Alembic migrations reviewable and reversible on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


# Ids are 32-bit INTEGER columns; a larger number can never name a row.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """Naive UTC timestamp; every datetime column in the portal stores UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(busy_timeout_ms: int):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers proceed while one writer commits; busy_timeout waits out short locks
        # (and replaces pysqlite's own 5 s default, so tests can make lock waits short).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return on_connect


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` means the database is (briefly) unreachable rather than a bug.

    Covers a dropped, terminated or refused connection (``OperationalError``/``InterfaceError``,
    or any DBAPI error SQLAlchemy flagged as a disconnect), a locked SQLite database, and a pool
    that had no free connection in time.
    """
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def configure_engine(app: Flask) -> None:
    """Engine settings for ``app``'s database (SQLite: WAL, foreign keys, busy timeout)."""
    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_timeout_ms = int(
            app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_SQLITE_BUSY_TIMEOUT_MS)
        )
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
