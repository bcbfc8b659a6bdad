"""Matching of defence innovation challenges and companies (a pure library).

Heavy dependencies (torch, sentence-transformers) are imported only when a model is first
used.
"""

from matching.cache import DiskCache, EmbeddingCache, MemoryCache
from matching.calibration import BANDS, EVIDENCE, band
from matching.encoders import BaseEncoder, Encoder, PassageVectors
from matching.factory import ENCODER_KINDS, make_encoder
from matching.matcher import Matcher, default_encoder
from matching.scoring import COMPONENTS, DEFAULT_WEIGHTS, learn_weights
from matching.taxonomy import Area, load_default_areas
from matching.text import split_passages, text_hash
from matching.types import Document, Match

__all__ = [
    "BANDS",
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "ENCODER_KINDS",
    "EVIDENCE",
    "Area",
    "BaseEncoder",
    "DiskCache",
    "Document",
    "EmbeddingCache",
    "Encoder",
    "Match",
    "Matcher",
    "MemoryCache",
    "PassageVectors",
    "band",
    "default_encoder",
    "learn_weights",
    "load_default_areas",
    "make_encoder",
    "split_passages",
    "text_hash",
]
