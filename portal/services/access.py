"""Who may see and change what. Pages, API and exports all ask here."""

from sqlalchemy import Select, and_, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.models import Challenge, Company, User
from portal.models.enums import ChallengeStatus, Role, Visibility
from portal.services.errors import Forbidden, NotFound

PUBLISHED = (ChallengeStatus.OPEN, ChallengeStatus.CLOSED, ChallengeStatus.AWARDED)


def _approved(user: User | None) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_approved:
        return None
    return user


def may_see_vetted(user: User | None) -> bool:
    """Vetted-only challenges: verified SMEs, military users, organisers and admins."""
    user = _approved(user)
    if user is None:
        return False
    if user.role == Role.SME:
        return user.is_vetted_sme
    return True


def challenge_visibility_clause(user: User | None) -> ColumnElement[bool]:
    """SQL condition selecting exactly the challenges ``user`` may see."""
    user = _approved(user)
    if user is None:
        return and_(Challenge.status.in_(PUBLISHED), Challenge.visibility == Visibility.PUBLIC)
    if user.role == Role.ADMIN:
        return true()
    published = Challenge.status.in_(PUBLISHED)
    if user.role == Role.MILITARY:
        return or_(published, Challenge.unit == (user.unit or ""))
    if may_see_vetted(user):
        return published
    return and_(published, Challenge.visibility != Visibility.VETTED)


def visible_challenges(user: User | None) -> Select[tuple[Challenge]]:
    return select(Challenge).where(challenge_visibility_clause(user))


def can_see_challenge(user: User | None, challenge: Challenge) -> bool:
    approved = _approved(user)
    if approved is not None and approved.role == Role.ADMIN:
        return True
    if approved is not None and approved.role == Role.MILITARY and challenge.unit == approved.unit:
        return True
    if challenge.status not in PUBLISHED:
        return False
    if challenge.visibility == Visibility.PUBLIC:
        return True
    if approved is None:
        return False
    if challenge.visibility == Visibility.REGISTERED:
        return True
    return may_see_vetted(approved)


def can_edit_challenge(user: User | None, challenge: Challenge) -> bool:
    """Military users edit their own unit's challenges; admins edit any."""
    user = _approved(user)
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.MILITARY and bool(user.unit) and challenge.unit == user.unit


def can_see_matches(user: User | None, challenge: Challenge) -> bool:
    """Ranked companies for a challenge: its owners, organisers and admins."""
    user = _approved(user)
    if user is None:
        return False
    return user.role in (Role.ADMIN, Role.ORGANISER) or can_edit_challenge(user, challenge)


def get_challenge_for(session: Session, user: User | None, challenge_id: int,
                      *, edit: bool = False) -> Challenge:
    """The challenge ``user`` may see (and, with ``edit``, change).

    Raises:
        NotFound: the challenge does not exist or ``user`` may not see it.
        Forbidden: ``edit`` and ``user`` sees the challenge but may not change it.
    """
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or not can_see_challenge(user, challenge):
        raise NotFound()
    if edit and not can_edit_challenge(user, challenge):
        raise Forbidden()
    return challenge


def company_clause_for_challenge(challenge: Challenge) -> ColumnElement[bool]:
    """SQL condition selecting the companies that may see ``challenge`` once it is published.

    Used as the matching mask: a vetted-only challenge is never scored for an unvetted company.
    """
    # A withdrawn profile (its last user deleted their account) is never matched.
    present = Company.withdrawn_at.is_(None)
    if challenge.visibility == Visibility.VETTED:
        return and_(present, Company.clearance_verified.is_(True))
    return present
