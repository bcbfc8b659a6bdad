"""Encoders by name, for configuration (``MATCHER_ENCODER``) and the command line."""

from __future__ import annotations

import os
from typing import Any

from matching.cache import EmbeddingCache
from matching.encoders import BaseEncoder, Encoder

# "sentence-transformers" is the historical name of "minilm".
ENCODER_KINDS = ("minilm", "e5", "minilm+e5", "hashing", "sentence-transformers")


def make_encoder(
    kind: str = "minilm",
    cache: EmbeddingCache | None = None,
    device: str = "cpu",
    model_path: str | os.PathLike | None = None,
    show_progress: bool | None = None,
) -> BaseEncoder:
    """Build the encoder a configuration names.

    Args:
        kind: ``"minilm"`` (all-MiniLM-L6-v2, English), ``"e5"`` (multilingual-e5-small
            alone), ``"minilm+e5"`` (MiniLM, with e5 as its ``multilingual`` companion: a
            :class:`matching.Matcher` then blends both per language pairing), or
            ``"hashing"`` (deterministic test vectors).
        cache: Embedding cache shared by the encoders (their model ids keep them apart).
        device: Device of the MiniLM model.
        model_path: Another sentence-transformers model instead of MiniLM.
        show_progress: Progress bars (``None``: only for long runs).
    """
    if kind not in ENCODER_KINDS:
        raise ValueError(f"unknown encoder {kind!r}; expected one of {ENCODER_KINDS}")
    if kind == "hashing":
        from matching.testing import HashingEncoder

        return HashingEncoder(cache=cache)
    if kind == "e5":
        from matching.e5 import E5Encoder

        return E5Encoder(cache=cache, show_progress=show_progress)
    enc: Any = Encoder(
        model_path=model_path, device=device, cache=cache, show_progress=show_progress
    )
    if kind == "minilm+e5":
        from matching.e5 import E5Encoder

        enc.multilingual = E5Encoder(cache=cache, show_progress=show_progress)
    return enc
