"""Hole 10: production responses do not name the server software or its version."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import gunicorn
import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=5)  # noqa: S310  (loopback only)
    except urllib.error.HTTPError as exc:
        return exc


def test_gunicorn_with_the_shipped_config_hides_software_and_version(tmp_path):
    port = _free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "PORTAL_ENV": "testing", "SECRET_KEY": "k" * 40,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        response = None
        deadline = time.monotonic() + 90  # the app imports the matcher stack on start
        while time.monotonic() < deadline and server.poll() is None:
            try:
                response = _get(f"http://127.0.0.1:{port}/no-such-page")
                break
            except OSError:
                time.sleep(0.2)
        if response is None:
            pytest.fail("gunicorn did not start")
        server_header = response.headers.get("Server", "")
        assert response.status == 404
        assert "gunicorn" not in server_header.lower()
        assert gunicorn.__version__ not in server_header
        assert "python" not in server_header.lower() and "werkzeug" not in server_header.lower()
    finally:
        server.terminate()
        server.wait(timeout=10)
