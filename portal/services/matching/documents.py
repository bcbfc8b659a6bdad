"""ORM rows as :class:`matching.Document` objects, and the taxonomy and weights the matcher uses.

The only place that says what text, areas, TRL and region of a company or a challenge the
matcher sees.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

import matching
from portal.models import (
    Area,
    Challenge,
    Company,
    MatcherWeights,
    area_links,
    challenge_areas,
    company_areas,
)

log = logging.getLogger(__name__)

DEFAULT_VERSION = "default"


def company_text(name: str, description: str | None) -> str:
    """The text the matcher indexes for a company: its description, else its name."""
    return (description or "").strip() or name


def _company_doc(company_id: int, name: str, description: str | None, trl: int | None,
                 county: str | None, areas: Iterable[str]) -> matching.Document:
    return matching.Document(
        id=str(company_id), text=company_text(name, description), title=name,
        areas=tuple(areas), trl=(trl, trl) if trl else None, region=county or None,
    )


def _challenge_doc(challenge_id: int, title: str, problem: str, context: str | None,
                   effect: str | None, trl_min: int | None, trl_max: int | None,
                   county: str | None, areas: Iterable[str]) -> matching.Document:
    trl = None
    if trl_min is not None or trl_max is not None:
        trl = (trl_min or 1, trl_max or 9)
    return matching.Document(
        id=str(challenge_id), text="\n".join(p for p in (problem, context, effect) if p),
        title=title, areas=tuple(areas), trl=trl, region=county or None,
    )


def company_document(company: Company) -> matching.Document:
    """A company as the matcher sees it (the description is its text)."""
    return _company_doc(company.id, company.name, company.description, company.trl,
                        company.county, (a.slug for a in company.areas))


def challenge_document(challenge: Challenge) -> matching.Document:
    """A challenge as the matcher sees it (problem, context and effect; the title leads)."""
    return _challenge_doc(challenge.id, challenge.title, challenge.problem, challenge.context,
                          challenge.effect, challenge.trl_min, challenge.trl_max,
                          challenge.county, (a.slug for a in challenge.areas))


def _area_slugs_by_owner(
    session: Session, link_table: Table, owner_column: str, owners: Any = None
) -> dict[int, list[str]]:
    """``{owner id: [area slug, ...]}`` in the taxonomy's order (as the ORM relationship),
    for every owner or for the ids the ``owners`` subquery selects."""
    owner = link_table.c[owner_column]
    statement = (select(owner, Area.slug).join(Area, Area.id == link_table.c.area_id)
                 .order_by(owner, Area.position, Area.id))
    if owners is not None:
        statement = statement.where(owner.in_(owners))
    rows = session.execute(statement)
    out: dict[int, list[str]] = {}
    for owner_id, slug in rows:
        out.setdefault(owner_id, []).append(slug)
    return out


def company_documents(session: Session, updated_since: Any = None) -> list[matching.Document]:
    """Every company (or those updated at or after ``updated_since``) as
    :func:`company_document` makes it, read as plain rows."""
    statement = select(Company.id, Company.name, Company.description, Company.trl,
                       Company.county).order_by(Company.id)
    owners = None
    if updated_since is not None:
        statement = statement.where(Company.updated_at >= updated_since)
        # Only their area links: an index update after a save reads a few rows, not all.
        owners = select(Company.id).where(Company.updated_at >= updated_since)
    slugs = _area_slugs_by_owner(session, company_areas, "company_id", owners)
    rows = session.execute(statement)
    return [_company_doc(cid, name, description, trl, county, slugs.get(cid, ()))
            for cid, name, description, trl, county in rows]


def challenge_documents(session: Session) -> list[matching.Document]:
    """Every challenge as :func:`challenge_document` makes it, read as plain rows."""
    slugs = _area_slugs_by_owner(session, challenge_areas, "challenge_id")
    rows = session.execute(
        select(Challenge.id, Challenge.title, Challenge.problem, Challenge.context,
               Challenge.effect, Challenge.trl_min, Challenge.trl_max, Challenge.county)
        .order_by(Challenge.id)
    )
    return [_challenge_doc(cid, title, problem, context, effect, trl_min, trl_max, county,
                           slugs.get(cid, ()))
            for cid, title, problem, context, effect, trl_min, trl_max, county in rows]


def load_areas(session: Session) -> list[matching.Area]:
    """The portal's taxonomy (admins may extend it) as matcher areas, crosswalk included."""
    rows = session.scalars(select(Area).order_by(Area.position, Area.id)).all()
    by_id = {a.id: a for a in rows}
    related: dict[int, list[str]] = {a.id: [] for a in rows}
    for emerging_id, priority_id in session.execute(
        select(area_links.c.emerging_id, area_links.c.priority_id)
    ):
        if emerging_id in by_id and priority_id in by_id:
            related[emerging_id].append(by_id[priority_id].slug)
            related[priority_id].append(by_id[emerging_id].slug)
    return [
        matching.Area(
            id=a.slug, name=a.name, description=a.description or "", kind=a.kind,
            related=tuple(related[a.id]),
        )
        for a in rows
    ]


def active_weights(session: Session) -> tuple[str, dict[str, float] | None]:
    """``(version, weights)`` of the active ``matcher_weights`` row, or the library defaults."""
    row = session.scalar(
        select(MatcherWeights).where(MatcherWeights.active.is_(True))
        .order_by(MatcherWeights.id.desc()).limit(1)
    )
    if row is None:
        return DEFAULT_VERSION, dict(matching.DEFAULT_WEIGHTS)
    try:
        weights = {str(k): float(v) for k, v in json.loads(row.weights).items()}
    except (ValueError, TypeError, AttributeError):
        log.warning("matcher_weights %s is not a JSON object; using defaults", row.version)
        return DEFAULT_VERSION, dict(matching.DEFAULT_WEIGHTS)
    return row.version, weights

