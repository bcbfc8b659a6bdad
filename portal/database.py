"""Engine-level settings: SQLite pragmas, and which database errors mean "briefly unavailable".

The error pages themselves live in :mod:`portal.errors`; this module decides what counts as an
outage (a dropped or killed connection, a locked SQLite file, an exhausted pool) so that those
become a 503 with ``Retry-After`` instead of a 500.
"""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

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


def init_app(app: Flask) -> None:
    from portal.extensions import db

    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_timeout_ms = int(
            app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_SQLITE_BUSY_TIMEOUT_MS)
        )
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
