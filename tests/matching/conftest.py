"""Fixtures for the matching tests (no Flask: the matcher is a pure library)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: loads the real sentence-transformers model (runs by default)"
    )


@pytest.fixture(scope="session")
def real_encoder():
    """The bundled all-MiniLM-L6-v2 on CPU, loaded once per session."""
    from matching import Encoder, MemoryCache

    return Encoder(cache=MemoryCache())
