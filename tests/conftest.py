"""Shared fixtures: a fresh, migrated database per test on SQLite or PostgreSQL.

The schema always comes from the Alembic migrations. SQLite tests copy a migrated template
file; PostgreSQL tests (``DATABASE_URL=postgresql+psycopg://...``) truncate every table and
restore the seeded taxonomy between tests.
"""

import itertools
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g
from flask_migrate import upgrade
from sqlalchemy import MetaData, insert, select, text

from portal import create_app
from portal.db import Base, db, utcnow
from portal.models import Area, Challenge, Company, User
from portal.models.enums import AccountStatus, Role
from portal.services import accounts

TRANSLATIONS = Path(__file__).resolve().parent.parent / "portal" / "translations"


def _compile_catalogs() -> None:
    """What `make translations` does, for a bare `pytest` run: stale *.mo files are rebuilt."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as target:
            write_mo(target, catalog)


_compile_catalogs()

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
USES_POSTGRES = DATABASE_URL.startswith("postgresql")
SEED_TABLES = ("areas", "area_links")

BASE_CONFIG = {
    "TESTING": True,
    "PORTAL_ENV": "testing",
    "SECRET_KEY": "test-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": False,
    # Tests make many API calls from one address; test_api_rate_limit.py turns limits on.
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "MATCHER_ENCODER": "hashing",
    "SERVER_NAME": "localhost",
    # Existing tests read English; the real default (nb) is exercised in tests/portal/i18n.
    "BABEL_DEFAULT_LOCALE": "en",
}


def _config(uri: str, **extra) -> dict:
    return {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": uri, **extra}


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """Run ``upgrade head`` once; yield (uri, seed rows) for per-test fresh copies."""
    if USES_POSTGRES:
        uri = DATABASE_URL
    else:
        uri = f"sqlite:///{tmp_path_factory.mktemp('db') / 'template.db'}"
    app = create_app(_config(uri))
    with app.app_context():
        if USES_POSTGRES:
            _drop_everything()
        upgrade()
        meta = MetaData()
        meta.reflect(db.engine)
        seed = {name: [dict(r._mapping) for r in db.session.execute(select(meta.tables[name]))]
                for name in SEED_TABLES}
        seed["_tables"] = sorted(name for name in meta.tables if name != "alembic_version")
        db.session.remove()
        db.engine.dispose()
    return uri, seed


def _drop_everything() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def _reset_postgres(seed: dict) -> None:
    tables = seed["_tables"]
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        for name in SEED_TABLES:
            if seed[name]:
                conn.execute(insert(Base.metadata.tables[name]), seed[name])
        conn.execute(text("SELECT setval(pg_get_serial_sequence('areas', 'id'), "
                          "(SELECT MAX(id) FROM areas))"))


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


def _fresh_request_globals() -> None:
    g.__dict__.clear()


@pytest.fixture
def app(migrated_database, tmp_path, app_config):
    uri, seed = migrated_database
    if not USES_POSTGRES:
        template = uri.removeprefix("sqlite:///")
        copy = tmp_path / "portal.db"
        shutil.copy(template, copy)
        uri = f"sqlite:///{copy}"
    application = create_app(_config(uri, **app_config))
    # The test holds an app context open and Flask reuses it for each test request, so `g`
    # would outlive a request (Flask-Login's cached user, the CSRF token). In production every
    # request has its own context; clearing `g` first thing restores that.
    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with application.app_context():
        if USES_POSTGRES:
            _reset_postgres(seed)
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


def add_challenge(
    defaults: dict, *, owner: User | None = None, area_slugs=(), **fields
) -> Challenge:
    """Insert a challenge made of ``defaults`` updated by ``fields`` (the folders' own
    ``make_challenge`` fixtures differ only in their defaults). ``owner`` sets the unit and
    the owner; areas are given by slug, in that order (an unknown slug is an error)."""
    values = dict(defaults)
    if owner is not None:
        values.update(unit=owner.unit, owner_id=owner.id)
    values.update(fields)
    challenge = Challenge(**values)
    if area_slugs:
        found = db.session.scalars(select(Area).where(Area.slug.in_(list(area_slugs))))
        rows = {a.slug: a for a in found}
        challenge.areas = [rows[slug] for slug in area_slugs]
    db.session.add(challenge)
    db.session.commit()
    return challenge


@pytest.fixture
def make_company(app):
    def factory(**fields) -> Company:
        n = next(_counter)
        values = {
            "name": f"Company {n} AS",
            "org_number": None,
            "country": "NO",
            "county": "Oslo",
            "description": "We build sensors and software.",
            "clearance": "none",
        }
        values.update(fields)
        company = Company(**values)
        db.session.add(company)
        db.session.commit()
        return company

    return factory


@pytest.fixture
def make_user(app, make_company):
    """Create a user: ``make_user(role="military", status="active", vetted=False, ...)``."""

    def factory(role: str = Role.SME, *, status: str = AccountStatus.ACTIVE,
                email: str | None = None, password: str = "correct horse battery",
                vetted: bool = False, company: Company | None = None, unit: str | None = None,
                **fields) -> User:
        n = next(_counter)
        if role == Role.SME and company is None:
            company = make_company(clearance="facility" if vetted else "none",
                                   clearance_verified=vetted)
        user = User(
            email=email or f"user{n}@example.test",
            password_hash=accounts.hash_password(password),
            role=role,
            status=status,
            unit=unit if unit is not None else (f"Unit {n}" if role == Role.MILITARY else None),
            company=company,
            session_token=accounts.new_session_token(),
            **{"email_verified_at": utcnow(), **fields},
        )
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client):
    """Log ``user`` in by writing the session cookie the login view would write."""

    def do_login(user: User, test_client=None):
        target = test_client or client
        now = utcnow()
        with target.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["login_at"] = now.isoformat()
            session["last_seen"] = (now - timedelta(seconds=1)).isoformat()
        return target

    return do_login
