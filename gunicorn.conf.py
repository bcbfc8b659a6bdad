"""Production serving: ``make serve`` (gunicorn behind a reverse proxy)."""

import os

import gunicorn.http.wsgi as _http_wsgi

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# The app is created in each worker after fork: database pools and the matcher index are
# per process and never shared across a fork.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Responses do not name the server software or its version (a free hint to attackers).
_http_wsgi.SERVER = "portal"
_http_wsgi.SERVER_SOFTWARE = "portal"
