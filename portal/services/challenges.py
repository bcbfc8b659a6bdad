"""Challenges: search, create, edit, and the reads behind the front page and dashboards.

Every read starts from :func:`portal.services.access.visible_challenges`, so a challenge the user
may not see never reaches a list, a count or a search result.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal import search
from portal.models import Area, Challenge, Company, Event, Interest, User
from portal.models.enums import ChallengeStatus, Role, Visibility, label
from portal.services import audit
from portal.services.access import visible_challenges
from portal.services.matching import refresh_after_commit
from portal.services.notifications import notify
from portal.services.validation import validate_trl_range

STATUS_FILTERS = ("open", "closed", "awarded", "draft", "all")
# Statuses after which interested companies hear that the call has ended.
ENDED = (ChallengeStatus.CLOSED, ChallengeStatus.AWARDED)


@dataclass(frozen=True)
class ChallengeFilters:
    """Search parameters for the challenge list; empty values mean "any"."""

    area: str | None = None  # area slug
    county: str | None = None
    trl: int | None = None
    deadline_after: date | None = None
    deadline_before: date | None = None
    q: str | None = None
    status: str = "open"

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for pagination links)."""
        values = {
            "area": self.area,
            "county": self.county,
            "trl": self.trl,
            "deadline_after": self.deadline_after.isoformat() if self.deadline_after else None,
            "deadline_before": self.deadline_before.isoformat() if self.deadline_before else None,
            "q": self.q,
            "status": self.status,
        }
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


@dataclass
class Page:
    """One page of results with the total over all pages."""

    items: Sequence[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class ChallengeData:
    """The user-editable fields of a challenge (never unit, owner or timestamps)."""

    title: str
    problem: str
    context: str = ""
    effect: str = ""
    area_ids: list[int] = field(default_factory=list)
    trl_min: int | None = None
    trl_max: int | None = None
    deadline: date | None = None
    contract_model: str | None = None
    county: str | None = None
    status: str = ChallengeStatus.DRAFT
    visibility: str = Visibility.REGISTERED


@dataclass(frozen=True)
class UnitChallengeRow:
    challenge: Challenge
    interests: int
    new_interests: int



def apply_filters(statement: Select[Any], filters: ChallengeFilters) -> Select[Any]:
    """Narrow a challenge query by ``filters`` (the visibility clause must already be in it)."""
    if filters.status != "all":
        statement = statement.where(Challenge.status == filters.status)
    if filters.area:
        statement = statement.where(Challenge.areas.any(Area.slug == filters.area))
    if filters.county:
        statement = statement.where(Challenge.county == filters.county)
    if filters.trl is not None:
        statement = statement.where(
            or_(Challenge.trl_min.is_(None), Challenge.trl_min <= filters.trl),
            or_(Challenge.trl_max.is_(None), Challenge.trl_max >= filters.trl),
        )
    if filters.deadline_after:
        statement = statement.where(Challenge.deadline >= filters.deadline_after)
    if filters.deadline_before:
        statement = statement.where(Challenge.deadline <= filters.deadline_before)
    columns = (Challenge.title, Challenge.problem, Challenge.context, Challenge.effect)
    clause = search.matches(filters.q or "", Challenge.search_text, columns)
    if clause is not None:
        statement = statement.where(clause)
    return statement


def search_challenges(session: Session, user: User | None, filters: ChallengeFilters,
                      page: int = 1, per_page: int = 20) -> Page:
    """One page of the challenges ``user`` may see that match ``filters``, newest first.

    Args:
        session: database session.
        user: the viewer (anonymous users pass None or an anonymous user object).
        filters: search parameters.
        page: 1-based page number (clamped to at least 1).
        per_page: page size.

    Returns:
        A :class:`Page` whose ``total`` counts only visible, matching challenges.
    """
    statement = apply_filters(visible_challenges(user), filters)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = max(1, page)
    items = session.scalars(
        statement.options(selectinload(Challenge.areas))
        .order_by(Challenge.created_at.desc(), Challenge.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def list_areas(session: Session) -> list[Area]:
    """All technology areas, priority areas first, in taxonomy order."""
    return list(session.scalars(select(Area).order_by(Area.kind.desc(), Area.position)))


def _areas_by_id(session: Session, area_ids: Sequence[int]) -> list[Area]:
    if not area_ids:
        return []
    return list(session.scalars(select(Area).where(Area.id.in_(list(area_ids)))))


def _apply(session: Session, challenge: Challenge, data: ChallengeData) -> None:
    trl_min, trl_max = validate_trl_range(data.trl_min, data.trl_max)
    challenge.title = data.title.strip()
    challenge.problem = data.problem.strip()
    challenge.context = (data.context or "").strip()
    challenge.effect = (data.effect or "").strip()
    challenge.trl_min, challenge.trl_max = trl_min, trl_max
    challenge.deadline = data.deadline
    challenge.contract_model = data.contract_model or None
    challenge.county = data.county or None
    challenge.status = ChallengeStatus(data.status)
    challenge.visibility = Visibility(data.visibility)
    challenge.areas = _areas_by_id(session, data.area_ids)


def create_challenge(session: Session, owner: User, data: ChallengeData) -> Challenge:
    """Create a challenge owned by ``owner`` on behalf of their unit.

    Its text is queued for the matcher's encoding worker in this transaction, and encoded after
    the caller commits (a failure to do so never fails the save: see
    :mod:`portal.services.matching.refresh`).

    Args:
        session: database session.
        owner: an approved military user with a unit.
        data: the form fields; ``status`` must be draft or open.

    Returns:
        The new challenge (flushed, so it has an id).

    Raises:
        PermissionError: ``owner`` is not an approved military user with a unit.
        ValueError: a new challenge may only start as draft or open, or the TRL range is invalid.
    """
    if not owner.has_role(Role.MILITARY) or not owner.unit:
        raise PermissionError(_l("Only approved military users with a unit create challenges."))
    if data.status not in (ChallengeStatus.DRAFT, ChallengeStatus.OPEN):
        raise ValueError(_l("A new challenge starts as a draft or open."))
    challenge = Challenge(unit=owner.unit, owner_id=owner.id)
    _apply(session, challenge, data)
    session.add(challenge)
    session.flush()
    audit.record(session, "challenge_create", actor=owner, target=challenge,
                 details={"status": challenge.status, "visibility": challenge.visibility})
    refresh_after_commit(session, challenge)
    return challenge


def update_challenge(session: Session, actor: User, challenge: Challenge,
                     data: ChallengeData) -> Challenge:
    """Apply an edit; the caller has checked ``can_edit_challenge``.

    The challenge's text is queued for the matcher's encoding worker in this transaction
    (:func:`portal.services.matching.refresh_after_commit`; a failure never fails the save).

    When the status moves to closed or awarded, the users of every company that expressed interest
    are notified.
    """
    before = {"status": challenge.status, "visibility": challenge.visibility}
    _apply(session, challenge, data)
    after = {"status": challenge.status, "visibility": challenge.visibility}
    audit.record(session, "challenge_update", actor=actor, target=challenge,
                 details={"before": before, "after": after} if before != after else None)
    if before["status"] != after["status"] and challenge.status in ENDED:
        _notify_interested(session, challenge)
    refresh_after_commit(session, challenge)
    return challenge


class _StatusLabel:
    """A challenge status put into the recipient's language when the message is rendered."""

    def __init__(self, status: str) -> None:
        self.status = status

    def __str__(self) -> str:
        return str(label(self.status)).lower()


def _notify_interested(session: Session, challenge: Challenge) -> None:
    link = f"/challenges/{challenge.id}"
    users = session.scalars(
        select(User).join(Interest, Interest.company_id == User.company_id)
        .where(Interest.challenge_id == challenge.id)
    ).all()
    for user in users:
        notify(session, user, _l("The challenge “%(title)s” is now %(status)s.",
                                 title=challenge.title, status=_StatusLabel(challenge.status)),
               link)


def record_restricted_view(session: Session, user: User | None, challenge: Challenge) -> None:
    """Audit a view of a vetted-only challenge (committed with the request's transaction)."""
    if challenge.visibility == Visibility.VETTED:
        audit.record(session, "view_restricted_challenge", actor=user, target=challenge)


def days_left(challenge: Challenge, today: date | None = None) -> int | None:
    """Whole days until the deadline (negative once passed), or None without a deadline."""
    if challenge.deadline is None:
        return None
    return (challenge.deadline - (today or date.today())).days


def unit_challenges(session: Session, user: User) -> list[UnitChallengeRow]:
    """The user's unit's challenges, drafts included, with interest counts; newest first."""
    if not user.unit:
        return []
    interests = func.count(Interest.id)
    new = func.count(Interest.id).filter(Interest.status == "new")
    rows = session.execute(
        select(Challenge, interests, new)
        .outerjoin(Interest, Interest.challenge_id == Challenge.id)
        .where(Challenge.unit == user.unit)
        .group_by(Challenge.id)
        .order_by(Challenge.created_at.desc(), Challenge.id.desc())
    ).all()
    return [UnitChallengeRow(challenge, count, fresh) for challenge, count, fresh in rows]


def latest_open(session: Session, user: User | None, limit: int = 5) -> list[Challenge]:
    """The newest open challenges ``user`` may see."""
    return list(session.scalars(
        visible_challenges(user).where(Challenge.status == ChallengeStatus.OPEN)
        .options(selectinload(Challenge.areas))
        .order_by(Challenge.created_at.desc(), Challenge.id.desc()).limit(limit)
    ))


def count_open_visible(session: Session, user: User | None) -> int:
    statement = visible_challenges(user).where(Challenge.status == ChallengeStatus.OPEN)
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def front_page_stats(session: Session, user: User | None) -> dict[str, int]:
    """Counts for the front page; the challenge count covers only what ``user`` may see."""
    return {
        "open_challenges": count_open_visible(session, user),
        "companies": session.scalar(select(func.count(Company.id))) or 0,
        "areas": session.scalar(select(func.count(Area.id))) or 0,
    }


def organiser_overview(session: Session, user: User) -> dict[str, Any]:
    """Counts for an organiser's dashboard: open challenges, participants, coming events."""
    by_county = session.execute(
        select(Company.county, func.count(Company.id))
        .where(Company.county.is_not(None))
        .group_by(Company.county).order_by(func.count(Company.id).desc(), Company.county)
    ).all()
    return {
        "open_challenges": count_open_visible(session, user),
        "companies": session.scalar(
            select(func.count(Company.id)).where(Company.kind == "company")) or 0,
        "research": session.scalar(
            select(func.count(Company.id)).where(Company.kind == "research")) or 0,
        "upcoming_events": session.scalar(
            select(func.count(Event.id)).where(Event.date >= date.today())) or 0,
        "companies_by_county": [(county, count) for county, count in by_county],
    }
