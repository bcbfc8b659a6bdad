"""Technology areas: the taxonomy, explicit overlap with a crosswalk, and area inference."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

# Credit for an area reached only through the crosswalk (an emerging technology that
# relates to a priority area, or the reverse): related, not the same.
CROSSWALK_CREDIT = 0.5


@dataclass(frozen=True)
class Area:
    """A technology area.

    Attributes:
        id: Slug.
        name: Display name.
        description: One-paragraph description (used for zero-shot inference).
        kind: ``"priority"`` or ``"emerging"``.
        related: Ids of crosswalked areas.
        name_nb: Norwegian (Bokmål) name ("" when not translated).
        description_nb: Norwegian description (for zero-shot inference on Norwegian text).
    """

    id: str
    name: str
    description: str = ""
    kind: str = "priority"
    related: tuple[str, ...] = ()
    name_nb: str = ""
    description_nb: str = ""


def load_areas(path: str | Path) -> list[Area]:
    """Read areas from a JSON list of objects (``id``, ``name``, ``description``, ``kind``,
    ``related``) or from JSON lines."""
    text = Path(path).read_text(encoding="utf-8")
    rows = (
        json.loads(text)
        if text.lstrip().startswith("[")
        else [json.loads(line) for line in text.splitlines() if line.strip()]
    )
    return [_area(r) for r in rows]


def _area(r: dict) -> Area:
    return Area(
        id=r["id"],
        name=r.get("name", r["id"]),
        description=r.get("description", ""),
        kind=r.get("kind", "priority"),
        related=tuple(r.get("related", ())),
        name_nb=r.get("name_nb", ""),
        description_nb=r.get("description_nb", ""),
    )


def load_default_areas() -> list[Area]:
    """Return the portal's areas from ``matching/data/taxonomy.json`` (priority areas and
    emerging technologies)."""
    raw = resources.files("matching").joinpath("data/taxonomy.json").read_text(encoding="utf-8")
    return [_area(r) for r in json.loads(raw)]


def area_text(area: Area, language: str = "en") -> str:
    """Text that represents an area for zero-shot inference (``language`` ``"nb"``: the
    Norwegian name and description, or the English ones when the area has none)."""
    if language == "nb" and (area.name_nb or area.description_nb):
        return f"{area.name_nb or area.name}. {area.description_nb}".strip()
    return f"{area.name}. {area.description}".strip()


def explicit_profile(ids: Sequence[str], areas: Sequence[Area]) -> np.ndarray:
    """Weight per area for a set of chosen ids: 1 when chosen, ``CROSSWALK_CREDIT`` when only
    a related area is chosen, else 0. Unknown ids are ignored."""
    index = {a.id: i for i, a in enumerate(areas)}
    v = np.zeros(len(areas), dtype=np.float32)
    chosen = [index[i] for i in ids if i in index]
    for i in chosen:
        for rel in areas[i].related:
            j = index.get(rel)
            if j is not None:
                v[j] = max(v[j], CROSSWALK_CREDIT)
    # Crosswalk links are meant both ways; honour links declared on one side only.
    for j, a in enumerate(areas):
        if any(areas[i].id in a.related for i in chosen):
            v[j] = max(v[j], CROSSWALK_CREDIT)
    v[chosen] = 1.0
    return v


def overlap(query: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Fraction of the query's area weight that each candidate covers.

    Args:
        query: ``(n_areas,)`` weights of one side.
        candidates: ``(n, n_areas)`` weights of the other side.

    Returns:
        ``(n,)`` values in [0, 1]; 0 when the query has no areas.
    """
    total = float(query.sum())
    if total <= 0:
        return np.zeros(len(candidates), dtype=np.float32)
    return (np.minimum(candidates, query[None, :]).sum(axis=1) / total).astype(np.float32)


def shared_area_ids(
    challenge_ids: Sequence[str], company_ids: Sequence[str], areas: Sequence[Area]
) -> tuple[str, ...]:
    """Challenge areas the company covers: the same id first, then those via the crosswalk."""
    by_id = {a.id: a for a in areas}
    company = set(company_ids)
    direct = [a for a in challenge_ids if a in company]
    via = [
        a
        for a in challenge_ids
        if a not in company
        and a in by_id
        and (
            company.intersection(by_id[a].related)
            or any(a in by_id[c].related for c in company if c in by_id)
        )
    ]
    return tuple(direct + via)


def _same_shape(inferrer: AreaInferrer | None, coef: np.ndarray) -> bool:
    """Whether ``inferrer`` was fitted on as many areas, in as many dimensions."""
    return inferrer is not None and getattr(inferrer, "coef_", None) is not None and (
        inferrer.coef_.shape == coef.shape)


class AreaInferrer:
    """Infers technology areas from text embeddings.

    Zero-shot: softmax over cosine similarities between a text and each area's name and
    description. Supervised: one-vs-rest logistic regression on the embeddings for every
    area with at least ``min_examples`` labelled positives; other areas stay zero-shot.

    Args:
        temperature: Softmax temperature for zero-shot scores.
        min_examples: Positives (and negatives) an area needs before it is learned.
        C: Inverse regularisation strength of the logistic regressions.
    """

    def __init__(self, temperature: float = 0.05, min_examples: int = 5, C: float = 10.0) -> None:
        self.temperature = temperature
        self.min_examples = min_examples
        self.C = C

    def fit(
        self,
        area_vectors: np.ndarray,
        X: np.ndarray | None = None,
        Y: np.ndarray | None = None,
        warm_start: AreaInferrer | None = None,
    ) -> AreaInferrer:
        """Store area vectors; learn classifiers from labelled examples when given.

        Args:
            area_vectors: ``(n_areas, dim)`` normalised embeddings of the area texts.
            X: ``(n, dim)`` embeddings of labelled texts.
            Y: ``(n, n_areas)`` 0/1 labels.
            warm_start: An inferrer fitted before on the same areas: each classifier starts
                from its coefficients. After a small change of the labelled texts (an index
                rebuild after one profile save) the solver then stops after a few
                iterations instead of a few hundred, within its tolerance of the optimum as a
                cold fit is (probabilities within a few hundredths of each other).

        Returns:
            self
        """
        self.area_vectors_ = np.asarray(area_vectors, dtype=np.float32)
        n_areas = len(self.area_vectors_)
        self.coef_ = np.zeros((n_areas, self.area_vectors_.shape[1]), dtype=np.float32)
        self.intercept_ = np.zeros(n_areas, dtype=np.float32)
        self.supervised_ = np.zeros(n_areas, dtype=bool)
        if X is not None and Y is not None and len(X):
            from sklearn.linear_model import LogisticRegression

            Y = np.asarray(Y) > 0
            # float64 and a loose tolerance: lbfgs converges in a fraction of the iterations
            # it needs on float32 input, so an index rebuild over 10,000 companies stays short;
            # the learned areas are the same at the precision they are shown with.
            X = np.asarray(X, dtype=np.float64)
            start = warm_start if _same_shape(warm_start, self.coef_) else None
            for j in range(n_areas):
                pos = int(Y[:, j].sum())
                if pos >= self.min_examples and len(Y) - pos >= self.min_examples:
                    clf = LogisticRegression(C=self.C, max_iter=1000, tol=1e-3,
                                             class_weight="balanced",
                                             warm_start=start is not None)
                    if start is not None and start.supervised_[j]:
                        clf.coef_ = start.coef_[j : j + 1].astype(np.float64)
                        clf.intercept_ = start.intercept_[j : j + 1].astype(np.float64)
                    clf.fit(X, Y[:, j])
                    self.coef_[j] = clf.coef_[0]
                    self.intercept_[j] = clf.intercept_[0]
                    self.supervised_[j] = True
        return self

    def zero_shot(self, X: np.ndarray) -> np.ndarray:
        """Return ``(n, n_areas)`` zero-shot probabilities (rows sum to 1)."""
        sims = np.asarray(X, dtype=np.float32) @ self.area_vectors_.T
        z = (sims - sims.max(axis=1, keepdims=True)) / self.temperature
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Return ``(n, n_areas)`` scores in [0, 1]: supervised probabilities where learned,
        zero-shot probabilities elsewhere."""
        p = self.zero_shot(X)
        if self.supervised_.any():
            logits = np.asarray(X, dtype=np.float32) @ self.coef_[self.supervised_].T
            logits += self.intercept_[self.supervised_]
            p[:, self.supervised_] = 1.0 / (1.0 + np.exp(-logits))
        return p

    def profile(self, X: np.ndarray) -> np.ndarray:
        """Return area weights scaled so each row's strongest area is 1 (comparable with
        explicit profiles)."""
        p = self.predict_proba(X)
        return (p / np.maximum(p.max(axis=1, keepdims=True), 1e-12)).astype(np.float32)
