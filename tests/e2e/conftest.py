"""Real-browser fixtures: a migrated SQLite portal served on a local port, and Chromium.

The server is a threaded werkzeug server in a background thread, with CSRF on, exactly as a
browser meets it. Every step of a flow is saved as ``artifacts/e2e/<test>/<nn>-<step>.png``.
Each test gets its own copy of a seeded database and its own app (a cold matcher index and
embedding cache), so any test passes alone and in any order. Tests skip when Debian's Chromium
(/usr/bin/chromium) is missing, unless ``E2E_REQUIRED=1`` (as in CI) turns a skip into an
error: a run that cannot drive a browser must not pass as if it had.
"""

import os
import re
import shutil
import socket
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.db import db
from portal.services import accounts

from .seed import seed_portal

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PORTS = range(5171, 5180)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
ADMIN_EMAIL = "admin@portal.test"
ADMIN_PASSWORD = "a long admin passphrase"

E2E_REQUIRED = os.environ.get("E2E_REQUIRED") == "1"

pytestmark = pytest.mark.e2e


def _cannot_run(reason: str):
    if E2E_REQUIRED:
        pytest.fail(f"E2E_REQUIRED=1, but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
                if E2E_REQUIRED:
                    raise pytest.UsageError(f"E2E_REQUIRED=1, but {reason}")
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed  # read by ``steps`` to save the page at the failure
    return report


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    _cannot_run(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


E2E_CONFIG = {
    "PORTAL_ENV": "testing",
    "SECRET_KEY": "e2e-secret-key-not-for-production-0123456789",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "MATCHER_ENCODER": "hashing",
    "WTF_CSRF_ENABLED": True,
}


def _app(path: Path):
    return create_app({**E2E_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> Path:
    """A migrated SQLite file with an administrator and the seeded world of
    :mod:`tests.e2e.seed` (units, an organiser, open challenges and companies), made once;
    every test serves a copy of it. Nothing is encoded yet: each test starts with a cold
    embedding cache."""
    path = tmp_path_factory.mktemp("e2e-template") / "portal.db"
    app = _app(path)
    with app.app_context():
        upgrade()
        accounts.create_admin(db.session, ADMIN_EMAIL, ADMIN_PASSWORD)
        seed_portal(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def portal_app(seeded_database, tmp_path):
    """This test's own portal: a fresh copy of the seeded database and a new app (its own
    matcher index), so a test never sees what another one wrote or encoded."""
    path = tmp_path / "portal.db"
    shutil.copy(seeded_database, path)
    app = _app(path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class _Dispatcher:
    """The WSGI app the server calls: the current test's portal."""

    def __init__(self) -> None:
        self.app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def _server():
    """One threaded werkzeug server on a free port in 5171-5179 for the whole run."""
    port = _free_port()
    dispatcher = _Dispatcher()
    server = make_server("127.0.0.1", port, dispatcher, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", dispatcher
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def base_url(_server, portal_app):
    """The address that serves this test's portal."""
    url, dispatcher = _server
    dispatcher.app = portal_app
    yield url
    dispatcher.app = None


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        _cannot_run("playwright is not installed")

    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Steps:
    """Numbered screenshots of one test's steps."""

    def __init__(self, page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.number = 0

    def shot(self, step: str, page=None) -> Path:
        """Save the test's page (or ``page``, e.g. a second user's session) as the next step."""
        self.number += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.number:02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower())}.png"
        (page or self.page).screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser, base_url):
    """A fresh browser context (no cookies) whose relative URLs go to the portal."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser, base_url):
    """Open further browser sessions (own cookies) in one test: ``new_page()``."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def steps(page, request):
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    for old in folder.glob("*.png"):
        old.unlink()
    steps = Steps(page, folder)
    yield steps
    if getattr(request.node, "e2e_failed", False):
        steps.shot("failure")
