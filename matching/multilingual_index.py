"""The multilingual encoder's part of the matcher's index (see :mod:`matching.multilingual`)."""

from __future__ import annotations

from matching import scoring
from matching.documents import challenge_text, company_text, mean_vectors
from matching.encoders import BaseEncoder
from matching.fitted import MatcherState


class MultilingualIndex(MatcherState):
    """Vectors of the multilingual encoder; mixed into :class:`matching.Matcher`."""

    def multilingual_encoders(self) -> tuple[BaseEncoder, BaseEncoder] | None:
        """``(challenge side, company side)`` multilingual encoders, or ``None``."""
        enc = self.multilingual_encoder
        if enc is None:
            enc = getattr(getattr(self, "encoder_", None) or self._encoder(), "multilingual", None)
        if enc is None:
            return None
        prefix = self.multilingual_query_prefix
        query = enc.with_prefix(prefix) if prefix and hasattr(enc, "with_prefix") else enc
        return query, enc

    def _fit_multilingual(self, stats: dict) -> None:
        """Encode both sides with the multilingual encoder (first passages only)."""
        self.multilingual_ = None
        encoders = self.multilingual_encoders()
        if encoders is None:
            return
        query, enc = encoders
        cap = self.multilingual_passages
        companies = enc.encode_documents(
            [company_text(d) for d in self.companies_], dtype=self.vector_dtype, max_passages=cap
        )
        stats["multilingual_companies"] = dict(enc.last_stats)
        challenges = query.encode_documents(
            [challenge_text(d) for d in self.challenges_],
            dtype=self.vector_dtype,
            max_passages=cap,
        )
        stats["multilingual_challenges"] = dict(query.last_stats)
        self.multilingual_ = {
            "companies": companies,
            "company_norms": scoring.pooled_norms(
                companies.vectors, companies.offsets, scales=companies.scales
            ),
            "challenges": challenges,
            "challenge_pooled": mean_vectors(challenges),
        }
