"""Test helpers: a fast, deterministic encoder with the :class:`matching.Encoder` interface."""

from __future__ import annotations

import numpy as np

from matching.encoders import BaseEncoder, l2_normalise
from matching.lexical import tokenize
from matching.text import text_hash


class HashingEncoder(BaseEncoder):
    """Bag-of-words hashing vectors: similar words give similar vectors, no model needed.

    Each token adds a pseudo-random unit-variance vector derived from its hash, so texts that
    share words have positive cosine similarity. Deterministic across processes.

    Args:
        dim: Vector dimension.
        **kwargs: As for :class:`matching.encoders.BaseEncoder`.
    """

    model_name = "hashing"

    def __init__(self, dim: int = 64, **kwargs) -> None:
        super().__init__(**kwargs)
        self._dim = dim
        self.calls = 0
        self.embedded = 0

    @property
    def model_id(self) -> str:
        """Includes the dimension, which changes the vectors."""
        return f"hashing-{self._dim}/p{self.window}o{self.overlap}"

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return self._dim

    def _token_vector(self, token: str) -> np.ndarray:
        seed = int(text_hash(token)[:16], 16)
        return np.random.default_rng(seed).standard_normal(self._dim).astype(np.float32)

    def _embed(self, passages: list[str]) -> np.ndarray:
        self.calls += 1
        self.embedded += len(passages)
        out = np.zeros((len(passages), self._dim), dtype=np.float32)
        for n, p in enumerate(passages):
            for tok in tokenize(p):
                out[n] += self._token_vector(tok)
            if not out[n].any():
                out[n] = self._token_vector("<empty>")
        return l2_normalise(out)
