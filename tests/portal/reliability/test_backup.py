"""`flask backup FILE` / `flask restore FILE`: every row comes back, on SQLite and PostgreSQL."""

import gzip
import json
import shutil
import stat

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from portal import create_app
from portal.db import db
from portal.models import AuditEntry, User
from portal.services import accounts
from tests.conftest import DATABASE_URL, USES_POSTGRES, _config

from .conftest import snapshot

# A second database beside the test database (created when missing): "<test db>_restore".
RESTORE_DATABASE = DATABASE_URL.rsplit("/", 1)[-1].split("?")[0] + "_restore"


@pytest.fixture
def fresh_sqlite(migrated_database, tmp_path):
    """A freshly migrated SQLite app (copied from the session's template, or migrated here)."""
    uri, _seed = migrated_database
    if USES_POSTGRES:
        target_uri = f"sqlite:///{tmp_path / 'target.db'}"
        target = create_app(_config(target_uri))
        with target.app_context():
            upgrade()
            db.session.remove()
    else:
        copy = tmp_path / "target.db"
        shutil.copy(uri.removeprefix("sqlite:///"), copy)
        target_uri = f"sqlite:///{copy}"
        target = create_app(_config(target_uri))
    yield target
    with target.app_context():
        db.engine.dispose()


@pytest.fixture
def fresh_postgres():
    """A second PostgreSQL database, dropped to nothing and migrated to head."""
    admin = create_engine(_server_url("postgres"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": RESTORE_DATABASE})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{RESTORE_DATABASE}"'))
    admin.dispose()
    target = create_app(_config(_server_url(RESTORE_DATABASE)))
    with target.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
    yield target
    with target.app_context():
        db.engine.dispose()


def _server_url(database: str) -> str:
    return DATABASE_URL.rsplit("/", 1)[0] + "/" + database


def _snapshot(application) -> dict:
    with application.app_context(), db.engine.connect() as conn:
        return snapshot(conn)


def _without_restore_row(rows: dict) -> dict:
    restored = [row for row in rows["audit_entries"] if "backup_restore" in row]
    assert len(restored) == 1
    return {**rows, "audit_entries": [r for r in rows["audit_entries"] if r not in restored]}


def _restore(application, path, *args):
    # `with_appcontext` reuses whatever app context is current: push the target's own.
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["restore", *args, str(path)])
        db.session.remove()
    return result


@pytest.mark.parametrize("name", ["portal.jsonl.gz", "portal.jsonl"])
def test_backup_restores_every_row_into_a_fresh_sqlite_database(app, runner, populated,
                                                                fresh_sqlite, tmp_path, name):
    before = _snapshot(app)
    assert before["companies"] and before["meetings"] and before["embeddings"]
    path = tmp_path / name
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # password hashes inside
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    assert not list(tmp_path.glob("*.partial"))

    result = _restore(fresh_sqlite, path)
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    after = _snapshot(fresh_sqlite)
    assert _without_restore_row(after) == before


def test_backup_writes_an_audit_row_and_restore_records_one(app, runner, populated,
                                                           fresh_sqlite, tmp_path):
    path = tmp_path / "b.jsonl.gz"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "backup_create"))
    assert entry is not None and json.loads(entry.details)["file"] == "b.jsonl.gz"
    assert _restore(fresh_sqlite, path).exit_code == 0
    with fresh_sqlite.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "backup_restore"))
        details = json.loads(entry.details)
        total = sum(1 for _ in db.session.scalars(select(User)))
        assert details["file"] == "b.jsonl.gz" and details["forced"] is False
        assert details["rows"] > total > 0
        # The id sequence moved past the restored rows: new rows insert normally.
        user = User(email="new@example.test", password_hash=accounts.hash_password("x" * 12),
                    role="sme", status="active", session_token="t")
        db.session.add(user)
        db.session.commit()
        assert user.id > populated["admin"]
        db.session.remove()


@pytest.mark.skipif(not USES_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
def test_backup_restores_every_row_into_a_second_postgres_database(app, runner, populated,
                                                                   fresh_postgres, tmp_path):
    before = _snapshot(app)
    path = tmp_path / "pg.jsonl.gz"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    result = _restore(fresh_postgres, path)
    assert result.exit_code == 0, result.output
    assert _without_restore_row(_snapshot(fresh_postgres)) == before
    with fresh_postgres.app_context():
        # Sequences were reset: a new row gets an id after the restored ones.
        db.session.add(AuditEntry(action="after_restore"))
        db.session.commit()
        ids = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
        assert ids[-1] == max(ids) and len(set(ids)) == len(ids)
        db.session.remove()


@pytest.mark.skipif(not USES_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
def test_a_postgres_backup_restores_into_sqlite(app, runner, populated, fresh_sqlite, tmp_path):
    before = _snapshot(app)
    path = tmp_path / "portable.jsonl"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    assert _restore(fresh_sqlite, path).exit_code == 0
    assert _without_restore_row(_snapshot(fresh_sqlite)) == before


def test_restore_refuses_a_database_with_data_unless_forced(app, runner, populated, tmp_path):
    path = tmp_path / "b.jsonl"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    db.session.remove()
    before = _snapshot(app)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0
    assert "already holds data" in result.output and "--force" in result.output
    assert _snapshot(app) == before

    # --force asks first; answering no changes nothing.
    result = runner.invoke(args=["restore", "--force", str(path)], input="n\n")
    assert result.exit_code != 0
    assert _snapshot(app) == before

    db.session.add(User(email="later@example.test", password_hash="x", role="sme",
                        status="active", session_token="t"))
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["restore", "--force", "--yes", str(path)])
    assert result.exit_code == 0, result.output
    after = _snapshot(app)
    assert all(row[1] != "later@example.test" for row in after["users"])
    assert after["users"] == before["users"]


def _rewrite(path, target, edit):
    lines = path.read_text().splitlines()
    target.write_text("\n".join(edit(lines)) + "\n")


def test_restore_refuses_another_revision_or_a_damaged_file(app, runner, populated,
                                                           fresh_sqlite, tmp_path):
    path = tmp_path / "b.jsonl"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    before = _snapshot(fresh_sqlite)

    def other_revision(lines):
        header = json.loads(lines[0])
        header["revision"] = "0123456789ab"
        return [json.dumps(header), *lines[1:]]

    cases = {
        "other-revision.jsonl": (other_revision, "revision 0123456789ab"),
        "truncated.jsonl": (lambda lines: lines[:-5], "incomplete"),
        "tampered.jsonl": (lambda lines: [*lines[:-2], lines[-1]], "do not match"),
        "not-a-backup.jsonl": (lambda lines: ['{"hello": 1}'], "not a portal backup"),
    }
    for name, (edit, message) in cases.items():
        broken = tmp_path / name
        _rewrite(path, broken, edit)
        result = _restore(fresh_sqlite, broken)
        assert result.exit_code != 0, name
        assert message in result.output, (name, result.output)
        assert "Traceback" not in result.output
        assert _snapshot(fresh_sqlite) == before, name  # nothing half-restored


def test_restore_refuses_an_unmigrated_database(app, runner, populated, tmp_path):
    path = tmp_path / "b.jsonl.gz"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with gzip.open(path, "rt") as stream:
        assert json.loads(stream.readline())["format"] == "sme-portal-backup"
    empty = create_app(_config(f"sqlite:///{tmp_path / 'empty.db'}"))
    result = _restore(empty, path)
    assert result.exit_code != 0 and "flask db upgrade" in result.output
    with empty.app_context():
        db.engine.dispose()
