"""What the matcher reads from a document: its text, pooled vectors, TRL, region, areas."""

from __future__ import annotations

from typing import cast

import numpy as np

from matching import scoring
from matching.encoders import PassageVectors, l2_normalise
from matching.types import Document


def challenge_text(doc: Document) -> str:
    """Text matched for a challenge: the title leads, as it names the need most precisely."""
    return f"{doc.title}. {doc.text}" if doc.title else doc.text


def company_text(doc: Document) -> str:
    """Text matched for a company: its description (a company name says little about what it
    does, and would make name look-alikes match)."""
    return doc.text


def mean_vectors(pv: PassageVectors, chunk: int = 4096) -> np.ndarray:
    """Mean passage vector per document, L2-normalised, computed in chunks to bound memory."""
    out = np.empty((len(pv), pv.vectors.shape[1]), dtype=np.float32)
    for s in range(0, len(pv), chunk):
        e = min(s + chunk, len(pv))
        lo, hi = pv.offsets[s], pv.offsets[e]
        out[s:e] = np.add.reduceat(pv.rows(lo, hi), pv.offsets[s:e] - lo, axis=0)
    return l2_normalise(out)


def trl_pair(trl: object) -> tuple[int, int] | None:
    """A TRL as ``(min, max)``; a single level ``n`` becomes ``(n, n)``."""
    if trl is None:
        return None
    if isinstance(trl, (int, np.integer)):
        return int(trl), int(trl)
    lo, hi = cast("tuple[int, int]", trl)  # otherwise a (min, max) pair
    return int(lo), int(hi)


def region_key(region: str | None) -> str | None:
    """Case- and space-insensitive key of a region name (``None`` when empty)."""
    return region.strip().casefold() if region and region.strip() else None


def company_level(trl: object) -> int:
    """A company's single TRL (0 when unknown)."""
    pair = trl_pair(trl)
    return 0 if pair is None else round((pair[0] + pair[1]) / 2)


def areas_fit(coverage: np.ndarray, explicit: np.ndarray) -> np.ndarray:
    """Area coverage where at least one side chose its areas, neutral elsewhere.

    Two inferred profiles only restate the text similarity (and measurably add noise), so
    they are not counted twice.
    """
    return np.where(explicit, coverage, scoring.NEUTRAL).astype(np.float64)


def overlap_many(challenge_areas: np.ndarray, company_area: np.ndarray) -> np.ndarray:
    """Share of each challenge's area weight that one company covers."""
    totals = challenge_areas.sum(axis=1)
    covered = np.minimum(challenge_areas, company_area[None, :]).sum(axis=1)
    return np.where(totals > 0, covered / np.maximum(totals, 1e-12), 0.0).astype(np.float32)
