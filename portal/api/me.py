"""API routes: me."""

from portal.api import bp  # noqa: F401

PATHS: dict = {}
