"""Portable backups: every table's rows as JSON lines, restorable on SQLite and PostgreSQL.

No external binaries (``pg_dump`` must match the server's version; ``sqlite3`` may be absent),
and a backup taken on one backend restores on the other. The file is UTF-8 JSON lines,
gzip-compressed when its name ends in ``.gz`` (the reader recognises gzip by its magic bytes):

1. a header object: ``{"format", "version", "revision", "dialect", "created_at", "tables"}``;
2. per table, in foreign-key dependency order: ``{"table", "columns", "kinds"}``, then one JSON
   array per row (bytes as base64, datetimes/dates/times as ISO 8601: see ``kinds``);
3. a footer ``{"end": true, "rows": {table: count}}``, so a truncated file is refused.

The schema is not in the file: restore needs a database migrated (``flask db upgrade``) to the
backup's Alembic revision, and empty apart from what the migrations seed.
"""

import base64
import gzip
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, Table, and_, func, select, text, update
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import Session
from sqlalchemy.schema import sort_tables_and_constraints

from portal.db import Base
from portal.services import audit

FORMAT = "sme-portal-backup"
VERSION = 1
VERSION_TABLE = "alembic_version"
# Rows the migrations themselves write (the technology taxonomy). A freshly migrated database
# holds them; restore replaces them with the backup's copy, which may have been edited since.
SEEDED_BY_MIGRATIONS = frozenset({"areas", "area_links"})
INSERT_BATCH = 500
GZIP_MAGIC = b"\x1f\x8b"


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why and what to do."""


@dataclass
class BackupSummary:
    """What a backup holds (or a restore wrote)."""

    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    created_at: str = ""
    dialect: str = ""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# --- Schema helpers ----------------------------------------------------------------------------


def _use_alter_keys() -> set[tuple[str, tuple[str, ...]]]:
    """(table, columns) of the foreign keys the models create after both tables exist."""
    return {
        (table.name, tuple(column.name for column in constraint.columns))
        for table in Base.metadata.tables.values()
        for constraint in table.foreign_key_constraints
        if constraint.use_alter
    }


def _reflect(connection: Connection) -> tuple[list[Table], dict[str, set[str]]]:
    """The data tables in insert order, and per table the columns to fill in last.

    Those columns are foreign keys that close a cycle (companies.verified_by_id -> users while
    users.company_id -> companies) or point into their own table: rows go in with NULL there,
    and the values follow once every row exists.
    """
    metadata = MetaData()
    metadata.reflect(bind=connection)
    tables = [t for name, t in metadata.tables.items() if name != VERSION_TABLE]
    alter_keys = _use_alter_keys()

    def prefer_late(constraint: Any) -> bool | None:
        key = (constraint.parent.name, tuple(column.name for column in constraint.columns))
        return True if key in alter_keys else None

    ordered: list[Table] = []
    deferred: dict[str, set[str]] = {}
    late: list[Any] = []
    # SQLAlchemy leaves this public helper unannotated.
    for table, constraints in sort_tables_and_constraints(  # type: ignore[no-untyped-call]
            tables, filter_fn=prefer_late):
        if table is None:
            late.extend(constraints)  # the final entry: foreign keys that close a cycle
            continue
        ordered.append(table)
        late.extend(c for c in table.foreign_key_constraints if c.referred_table is table)
    for constraint in late:
        nullable = [column.name for column in constraint.columns if column.nullable]
        if nullable:
            deferred.setdefault(constraint.parent.name, set()).update(nullable)
    return ordered, deferred


def _kind(column_type: sqltypes.TypeEngine[Any]) -> str:
    if isinstance(column_type, sqltypes.LargeBinary):
        return "binary"
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime"
    if isinstance(column_type, sqltypes.Date):
        return "date"
    if isinstance(column_type, sqltypes.Time):
        return "time"
    return "plain"


def _encode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind in ("datetime", "date", "time"):
        return value.isoformat()
    return value


def _decode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "binary":
        return base64.b64decode(value)
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    return value


def current_revision(connection: Connection) -> str | None:
    """The database's Alembic revision, or None when it was never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def _primary_key_order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


# --- Backup ------------------------------------------------------------------------------------


def _begin_snapshot(session: Session) -> Connection:
    """A connection whose reads all see one consistent state of the database."""
    if session.get_bind().dialect.name == "postgresql":
        return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    connection = session.connection()
    dbapi_connection = connection.connection.dbapi_connection
    if (connection.dialect.name == "sqlite" and dbapi_connection is not None
            and not dbapi_connection.in_transaction):
        # pysqlite opens transactions only before writes; without BEGIN each SELECT would see
        # whatever was committed between them.
        connection.exec_driver_sql("BEGIN")
    return connection


def write_backup(session: Session, stream: IO[str]) -> BackupSummary:
    """Write every table's rows to ``stream`` (text), from one consistent snapshot.

    Args:
        session: database session; it is only read. End its transaction afterwards.
        stream: a text stream to write JSON lines to.

    Returns:
        The revision and the row count per table.

    Raises:
        BackupError: the database has no Alembic revision (it was never migrated).
    """
    connection = _begin_snapshot(session)
    revision = current_revision(connection)
    if revision is None:
        raise BackupError("This database has no Alembic revision; run `flask db upgrade` first.")
    tables, _deferred = _reflect(connection)
    summary = BackupSummary(
        revision=revision,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dialect=connection.dialect.name,
    )
    header = {"format": FORMAT, "version": VERSION, "revision": revision,
              "dialect": summary.dialect, "created_at": summary.created_at,
              "tables": [table.name for table in tables]}
    stream.write(json.dumps(header) + "\n")
    for table in tables:
        columns = list(table.columns)
        kinds = {column.name: _kind(column.type) for column in columns}
        stream.write(json.dumps({"table": table.name, "columns": [c.name for c in columns],
                                 "kinds": {k: v for k, v in kinds.items() if v != "plain"}})
                     + "\n")
        count = 0
        result = connection.execution_options(yield_per=1000).execute(
            select(*columns).order_by(*_primary_key_order(table))
        )
        for row in result:
            encoded = [_encode(value, kinds[column.name]) for column, value in zip(columns, row,
                                                                                   strict=True)]
            stream.write(json.dumps(encoded, ensure_ascii=False) + "\n")
            count += 1
        summary.rows[table.name] = count
    stream.write(json.dumps({"end": True, "rows": summary.rows}) + "\n")
    return summary


def backup_to_file(session: Session, path: Path) -> BackupSummary:
    """Write a backup to ``path`` atomically (gzip when the name ends in ``.gz``), mode 0600.

    The file holds password hashes and contact data: it is created readable by its owner only,
    and appears under its final name only once it is complete.
    """
    path = Path(path)
    directory = path.resolve().parent
    if not directory.is_dir():
        raise BackupError(f"The folder {directory} does not exist.")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                         dir=directory)
    try:
        with os.fdopen(handle, "wb") as raw:
            if path.name.endswith(".gz"):
                with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as zipped, \
                        io.TextIOWrapper(zipped, encoding="utf-8", newline="\n") as stream:
                    summary = write_backup(session, stream)
            else:
                with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as stream:
                    summary = write_backup(session, stream)
                    stream.flush()
                    os.fsync(raw.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return summary


# --- Restore -----------------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    with open(path, "rb") as probe:
        zipped = probe.read(2) == GZIP_MAGIC
    opener = gzip.open if zipped else open
    try:
        with opener(path, "rt", encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    try:
                        yield number, json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise BackupError(f"Line {number} of the backup is not valid JSON "
                                          f"({exc.msg}); the file is damaged.") from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise BackupError(f"The backup file cannot be read: {exc}") from None


def read_header(path: Path) -> BackupSummary:
    """The header of the backup at ``path`` (its revision, dialect and creation time)."""
    for _number, header in _lines(Path(path)):
        return _check_header(header)
    raise BackupError("The backup file is empty.")


def _check_header(header: Any) -> BackupSummary:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("This is not a portal backup file.")
    if header.get("version") != VERSION:
        raise BackupError(f"Backup format version {header.get('version')!r} is not supported "
                          f"(this portal reads version {VERSION}).")
    return BackupSummary(revision=header["revision"], created_at=header.get("created_at", ""),
                         dialect=header.get("dialect", ""))


def occupied_tables(session: Session) -> list[str]:
    """Tables holding rows a fresh ``flask db upgrade`` would not have written."""
    connection = session.connection()
    tables, _deferred = _reflect(connection)
    return [
        table.name for table in tables
        if table.name not in SEEDED_BY_MIGRATIONS
        and connection.execute(select(func.count()).select_from(table)).scalar_one() > 0
    ]


def _clear(connection: Connection, tables: list[Table], deferred: dict[str, set[str]]) -> None:
    by_name = {table.name: table for table in tables}
    for name, columns in deferred.items():
        table = by_name[name]
        connection.execute(update(table).values({column: None for column in columns}))
    for table in reversed(tables):
        connection.execute(table.delete())


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Move PostgreSQL sequences past the restored ids (explicit ids do not advance them)."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the next rowid from MAX(rowid).
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sqltypes.Integer):
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": keys[0].name},
        ).scalar_one()
        if sequence is None:
            continue
        highest = connection.execute(select(func.max(keys[0]))).scalar_one()
        connection.execute(text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
                           {"sequence": sequence, "value": highest or 1,
                            "called": highest is not None})


def restore_backup(session: Session, path: Path, *, force: bool = False,
                   actor_email: str | None = None) -> BackupSummary:
    """Load the backup at ``path`` into the (migrated, empty) database, with an audit row.

    Everything happens in the session's transaction: on any error the caller rolls back and
    the database is as it was. The caller commits.

    Args:
        session: database session.
        path: the backup file (plain or gzip JSON lines).
        force: delete every row already in the database first, instead of refusing.
        actor_email: who asked for the restore, for the audit row (the CLI has no user).

    Returns:
        The backup's revision, creation time and the rows restored per table.

    Raises:
        BackupError: not a backup, damaged or incomplete, another Alembic revision than the
            database's, columns that differ, or a database that already holds data (without
            ``force``).
    """
    path = Path(path)
    connection = session.connection()
    target_revision = current_revision(connection)
    if target_revision is None:
        raise BackupError("This database is not migrated. Run `flask db upgrade` (to the "
                          "backup's revision) first, then restore.")
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        raise BackupError("The backup file is empty.")
    summary = _check_header(first[1])
    if summary.revision != target_revision:
        raise BackupError(
            f"The backup was taken at migration revision {summary.revision}, but this database "
            f"is at {target_revision}. Restore into a database migrated to the same revision "
            f"(`flask db upgrade {summary.revision}` on an empty database), then upgrade it."
        )
    tables, deferred = _reflect(connection)
    by_name = {table.name: table for table in tables}
    unknown = [name for name in first[1].get("tables", []) if name not in by_name]
    if unknown:
        raise BackupError(f"The backup has tables this database lacks: {', '.join(unknown)}.")
    if not force:
        occupied = occupied_tables(session)
        if occupied:
            raise BackupError(
                "The database already holds data (in " + ", ".join(occupied) + "). Restore "
                "into a freshly migrated database, or pass --force to delete everything first."
            )
    _clear(connection, tables, deferred)

    late_values: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    table: Table | None = None
    columns: list[str] = []
    kinds: dict[str, str] = {}
    batch: list[dict[str, Any]] = []
    footer = None

    def flush() -> None:
        if batch and table is not None:
            connection.execute(table.insert(), batch)
            batch.clear()

    for number, item in lines:
        if footer is not None:
            raise BackupError(f"Line {number}: data after the end of the backup.")
        if isinstance(item, list):
            if table is None or len(item) != len(columns):
                raise BackupError(f"Line {number}: a row that does not fit its table.")
            row = {name: _decode(value, kinds.get(name, "plain"))
                   for name, value in zip(columns, item, strict=True)}
            late = {name: row[name] for name in deferred.get(table.name, ())
                    if row[name] is not None}
            if late:
                keys = {column.name: row[column.name] for column in table.primary_key.columns}
                late_values.setdefault(table.name, []).append((keys, late))
                row.update(dict.fromkeys(late))
            summary.rows[table.name] += 1
            batch.append(row)
            if len(batch) >= INSERT_BATCH:
                flush()
        elif isinstance(item, dict) and "table" in item:
            flush()
            table = by_name.get(item["table"])
            if table is None:
                raise BackupError(f"Line {number}: unknown table {item['table']!r}.")
            columns = list(item.get("columns", []))
            if set(columns) != {column.name for column in table.columns}:
                raise BackupError(
                    f"The columns of {table.name} in the backup differ from this database's; "
                    "is it really at the same revision?"
                )
            kinds = dict(item.get("kinds", {}))
            summary.rows[table.name] = 0
        elif isinstance(item, dict) and item.get("end") is True:
            flush()
            footer = item
        else:
            raise BackupError(f"Line {number} is not part of a portal backup.")
    if footer is None:
        raise BackupError("The backup file is incomplete (no end marker); nothing was restored.")
    if footer.get("rows") != summary.rows:
        raise BackupError("The backup's row counts do not match its rows; the file is damaged.")

    for name, updates in late_values.items():
        late_table = by_name[name]
        for keys, values in updates:
            connection.execute(
                update(late_table)
                .where(and_(*(late_table.c[key] == value for key, value in keys.items())))
                .values(values)
            )
    _reset_sequences(connection, tables)
    audit.record(session, "backup_restore", actor_email=actor_email, target_type="database",
                 details={"file": path.name, "revision": summary.revision,
                          "backup_created_at": summary.created_at,
                          "source_dialect": summary.dialect, "rows": summary.total_rows,
                          "forced": force})
    return summary
