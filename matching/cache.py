"""Embedding caches keyed by model id and the sha256 of the passage text."""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

# sqlite's default limit on host parameters is 999 on old builds.
_CHUNK = 900


@runtime_checkable
class EmbeddingCache(Protocol):
    """Storage for passage vectors; the portal implements it over its database.

    Keys are :func:`matching.text_hash` digests of passage texts; values are float32 vectors.
    """

    def get_many(self, model_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors for those ``keys`` that are present."""
        ...

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store (or overwrite) vectors by key."""
        ...


class MemoryCache:
    """An in-process :class:`EmbeddingCache` (a dict per model id)."""

    def __init__(self) -> None:
        self._store: dict[str, dict[str, np.ndarray]] = {}

    def get_many(self, model_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors for those ``keys`` that are present."""
        store = self._store.get(model_id, {})
        return {k: store[k] for k in keys if k in store}

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store vectors by key (copied as float32)."""
        store = self._store.setdefault(model_id, {})
        for k, v in vectors.items():
            store[k] = np.asarray(v, dtype=np.float32).copy()

    def __len__(self) -> int:
        return sum(len(s) for s in self._store.values())


def _slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("_") or "model"


class DiskCache:
    """An on-disk :class:`EmbeddingCache`: one sqlite3 file per model id under ``path``.

    Args:
        path: Directory for the cache files (created when missing).
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path).expanduser()
        self._conns: dict[str, sqlite3.Connection] = {}
        self._lock = threading.Lock()

    def _conn(self, model_id: str) -> sqlite3.Connection:
        conn = self._conns.get(model_id)
        if conn is None:
            self.path.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path / f"{_slug(model_id)}.sqlite3", check_same_thread=False
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)"
            )
            self._conns[model_id] = conn
        return conn

    def get_many(self, model_id: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the stored vectors for those ``keys`` that are present."""
        out: dict[str, np.ndarray] = {}
        keys = list(dict.fromkeys(keys))
        with self._lock:
            conn = self._conn(model_id)
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    # Only "?" placeholders are interpolated; the keys are bound parameters.
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                ).fetchall()
                for key, blob in rows:
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store (or overwrite) vectors by key."""
        rows = []
        for k, v in vectors.items():
            arr = np.ascontiguousarray(v, dtype=np.float32)
            rows.append((k, int(arr.shape[-1]), arr.tobytes()))
        with self._lock:
            conn = self._conn(model_id)
            with conn:
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        """Close the open database files."""
        with self._lock:
            for conn in self._conns.values():
                conn.close()
            self._conns.clear()
