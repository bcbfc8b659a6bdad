"""Database faults: killed PostgreSQL connections and a locked SQLite file give clean 503s."""

import sqlite3

import pytest
from flask import jsonify
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from portal.db import db
from portal.models import AuditEntry, Company, User
from tests.conftest import DATABASE_URL, USES_POSTGRES

needs_postgres = pytest.mark.skipif(not USES_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
needs_sqlite = pytest.mark.skipif(USES_POSTGRES, reason="SQLite-specific behaviour")

SIGNUP = {
    "email": "kari@example.com", "password": "lingonberry jam on waffles",
    "confirm": "lingonberry jam on waffles", "full_name": "Kari Nordmann",
    "account_type": "sme", "company_name": "Fjord Sensors AS", "profile_kind": "company",
    "country": "NO", "org_number": "923609016", "unit": "",
}


def assert_clean_503(response, *, json_body: bool = False) -> str:
    """A styled (or JSON) 503 with Retry-After and an error id, and no traceback."""
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    error_id = response.headers["X-Error-Id"]
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "OperationalError" not in body and "sqlalchemy" not in body
    if json_body:
        assert response.is_json and response.json["error"] == {
            "code": 503, "id": error_id, "message": response.json["error"]["message"]}
    else:
        assert response.mimetype == "text/html"
        assert 'class="error-page"' in body and "portal.css" in body  # the styled page
        assert error_id in body and "briefly unavailable" in body
    return error_id


def _register_probe_routes(app) -> None:
    """A page and an API route that read the database (registered before the first request)."""

    def count_users():
        return jsonify(users=db.session.scalar(select(func.count()).select_from(User)))

    app.add_url_rule("/test/count-users", "test_count_users", count_users)
    app.add_url_rule("/api/test/count-users", "test_api_count_users", count_users)


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture
def pg_admin():
    engine = create_engine(DATABASE_URL, poolclass=NullPool)
    yield engine
    engine.dispose()


def _terminate(engine, pid: int | None = None) -> int:
    """Terminate backend ``pid``, or (None) every other backend of the test database."""
    with engine.begin() as conn:
        return len(conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND (CAST(:pid AS integer) IS NULL OR pid = :pid)"
        ), {"pid": pid}).all())


@needs_postgres
@pytest.mark.parametrize("path", ["/test/killed-mid-request", "/api/test/killed-mid-request"])
def test_connection_killed_mid_request_gives_503_then_recovers(app, client, login, make_user,
                                                               pg_admin, path):
    user = make_user("military", email="officer@example.test")

    def killed_mid_request():
        # The request has its connection; a second connection kills it, then the view reads.
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        assert _terminate(pg_admin, pid) == 1
        db.session.scalar(select(func.count()).select_from(User))
        return "unreachable"

    app.add_url_rule(path, "killed", killed_mid_request)
    _register_probe_routes(app)
    login(user)
    db.session.remove()

    assert_clean_503(client.get(path), json_body=path.startswith("/api/"))
    # The broken connection was discarded: the very next requests work, logged in as before.
    for _ in range(3):
        response = client.get("/account/")
        assert response.status_code == 200
        assert "officer@example.test" in response.get_data(as_text=True)
        assert client.get("/test/count-users").json == {"users": 1}


@needs_postgres
def test_server_restart_costs_at_most_one_failed_request(app, client, login, make_user,
                                                         pg_admin):
    """Terminating every backend of the app's database simulates a server restart."""
    user = make_user("sme", email="kari@example.com")
    _register_probe_routes(app)
    login(user)
    assert client.get("/account/").status_code == 200
    db.session.remove()
    assert _terminate(pg_admin) >= 1

    statuses = [client.get(path).status_code
                for path in ("/account/", "/test/count-users", "/api/test/count-users") * 3]
    assert statuses.count(503) <= 1, statuses
    assert set(statuses) <= {200, 503} and statuses[-3:] == [200, 200, 200]


@needs_postgres
def test_a_killed_connection_during_a_write_leaves_nothing_half_written(app, client, pg_admin,
                                                                      monkeypatch):
    """Signup writes a user, a company and an audit row; a kill before commit keeps none."""
    from portal.services import accounts

    real_register = accounts.register

    def register_then_lose_the_connection(session, **fields):
        user = real_register(session, **fields)
        session.flush()
        pid = session.scalar(text("SELECT pg_backend_pid()"))
        _terminate(pg_admin, pid)
        return user

    monkeypatch.setattr(accounts, "register", register_then_lose_the_connection)
    assert_clean_503(client.post("/auth/signup", data=SIGNUP))
    monkeypatch.setattr(accounts, "register", real_register)
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0
    assert client.post("/auth/signup", data=SIGNUP).status_code == 302


def test_pool_pre_ping_is_on(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert db.engine.pool._pre_ping is True


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture
def app_config():
    return {"SQLITE_BUSY_TIMEOUT_MS": 50}


@needs_sqlite
def test_sqlite_runs_in_wal_mode_with_the_configured_busy_timeout(app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 50
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


@needs_sqlite
def test_sqlite_busy_timeout_defaults_to_five_seconds(migrated_database, tmp_path):
    from portal import create_app
    from tests.conftest import _config

    other = create_app(_config(f"sqlite:///{tmp_path / 'other.db'}"))
    with other.app_context():
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def exclusive_lock(app):
    """Another connection holding ``BEGIN EXCLUSIVE`` on the app's SQLite file."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    db.session.remove()
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    yield holder
    holder.rollback()
    holder.close()


@needs_sqlite
def test_locked_sqlite_gives_503_and_nothing_half_written(app, client, exclusive_lock):
    def write_audit_row():
        db.session.add(AuditEntry(action="probe"))
        db.session.commit()
        return jsonify(ok=True)

    app.add_url_rule("/api/test/write", "test_write", write_audit_row, methods=["POST"])

    assert_clean_503(client.post("/auth/signup", data=SIGNUP))
    assert_clean_503(client.post("/api/test/write"), json_body=True)
    # WAL: readers are not blocked by the writer's lock.
    assert client.get("/auth/login").status_code == 200

    exclusive_lock.rollback()
    db.session.remove()
    for model in (User, Company, AuditEntry):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
    # Once the lock is gone the same submission goes through.
    response = client.post("/auth/signup", data=SIGNUP)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
