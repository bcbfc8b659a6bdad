"""Expressions of interest: an SME's pitch for a challenge, and the owner's verdict on it."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Challenge, Interest, User
from portal.models.enums import ChallengeStatus, InterestStatus, Role
from portal.services import audit
from portal.services.access import can_see_challenge, challenge_visibility_clause
from portal.services.errors import Conflict, Invalid
from portal.services.notifications import notify
from portal.services.schemas.interest import PITCH_MAX_LENGTH, PITCH_MIN_LENGTH


class InterestError(Invalid):
    """The interest cannot be recorded; the message is fit to show the user."""


class DuplicateInterestError(Conflict, InterestError):
    """The company has already expressed interest in this challenge."""


DUPLICATE_MESSAGE = _l("Your company has already expressed interest in this challenge. "
                       "You can follow its status under “My interests”.")


def interest_of(session: Session, company_id: int | None, challenge: Challenge) -> Interest | None:
    """The company's interest in ``challenge``, if any."""
    if company_id is None:
        return None
    return session.scalar(select(Interest).where(Interest.challenge_id == challenge.id,
                                                 Interest.company_id == company_id))


def express_interest(session: Session, user: User, challenge: Challenge, pitch: str) -> Interest:
    """Record the interest of ``user``'s company in an open challenge the user may see.

    Args:
        session: database session.
        user: an approved SME user with a company profile.
        challenge: the challenge (already loaded through ``get_challenge_for``).
        pitch: 20-2000 characters on why the company fits.

    Returns:
        The new interest (flushed). A concurrent duplicate still fails on the unique constraint
        at flush or commit: callers treat that IntegrityError as :class:`DuplicateInterestError`.

    Raises:
        InterestError: not an SME with a company, challenge not open or not visible, bad pitch.
        DuplicateInterestError: the company already expressed interest.
    """
    if not user.has_role(Role.SME) or user.company_id is None:
        raise InterestError(_l("Only SME users with a company profile can express interest."))
    if not can_see_challenge(user, challenge):
        raise InterestError(_l("This challenge is not available."))
    if challenge.status != ChallengeStatus.OPEN:
        raise InterestError(_l("This challenge is no longer open for expressions of interest."))
    pitch = (pitch or "").strip()
    if not PITCH_MIN_LENGTH <= len(pitch) <= PITCH_MAX_LENGTH:
        raise InterestError(_l("The pitch must be %(min)d-%(max)d characters.",
                                min=PITCH_MIN_LENGTH, max=PITCH_MAX_LENGTH))
    if interest_of(session, user.company_id, challenge) is not None:
        raise DuplicateInterestError(DUPLICATE_MESSAGE)
    interest = Interest(challenge_id=challenge.id, company_id=user.company_id, user_id=user.id,
                        pitch=pitch, status=InterestStatus.NEW)
    session.add(interest)
    session.flush()
    audit.record(session, "interest_create", actor=user, target=interest,
                 details={"challenge_id": challenge.id})
    if challenge.owner is not None and user.company is not None:
        notify(session, challenge.owner,
               _l("%(company)s expressed interest in “%(title)s”.", company=user.company.name,
                  title=challenge.title),
               f"/challenges/{challenge.id}#interests")
    return interest


def _own_open_interest(session: Session, user: User, challenge: Challenge) -> Interest:
    """The interest of ``user``'s company in ``challenge``, if it may still be changed."""
    if not user.has_role(Role.SME) or user.company_id is None:
        raise InterestError(_l("Only SME users with a company profile can change an interest."))
    if not can_see_challenge(user, challenge):
        raise InterestError(_l("This challenge is not available."))
    interest = interest_of(session, user.company_id, challenge)
    if interest is None:
        raise InterestError(_l("Your company has not expressed interest in this challenge."))
    if challenge.status != ChallengeStatus.OPEN:
        raise InterestError(_l("The challenge is closed: the interest can no longer be changed."))
    return interest


def edit_interest(session: Session, user: User, challenge: Challenge, pitch: str) -> Interest:
    """Replace the pitch of the company's interest while the challenge is open.

    The owner's verdict (shortlisted, declined) stays; the owner is told of the new pitch.

    Raises:
        InterestError: not the company's interest, challenge not open, or a bad pitch.
    """
    interest = _own_open_interest(session, user, challenge)
    pitch = (pitch or "").strip()
    if not PITCH_MIN_LENGTH <= len(pitch) <= PITCH_MAX_LENGTH:
        raise InterestError(_l("The pitch must be %(min)d-%(max)d characters.",
                                 min=PITCH_MIN_LENGTH, max=PITCH_MAX_LENGTH))
    if pitch == interest.pitch:
        return interest
    interest.pitch = pitch
    audit.record(session, "interest_edit", actor=user, target=interest,
                 details={"challenge_id": challenge.id})
    if challenge.owner is not None:
        notify(session, challenge.owner,
               _l("%(company)s updated its interest in “%(title)s”.",
                  company=interest.company.name, title=challenge.title),
               f"/challenges/{challenge.id}#interests")
    return interest


def withdraw_interest(session: Session, user: User, challenge: Challenge) -> None:
    """Withdraw the company's interest while the challenge is open (the row is removed; the
    audit log keeps that it existed).

    Raises:
        InterestError: not the company's interest, or the challenge is not open.
    """
    interest = _own_open_interest(session, user, challenge)
    audit.record(session, "interest_withdraw", actor=user, target=interest,
                 details={"challenge_id": challenge.id, "status": interest.status})
    session.delete(interest)
    if challenge.owner is not None:
        notify(session, challenge.owner,
               _l("%(company)s withdrew its interest in “%(title)s”.",
                  company=interest.company.name, title=challenge.title),
               f"/challenges/{challenge.id}#interests")


def set_interest_status(session: Session, actor: User, interest: Interest,
                        status: str) -> Interest:
    """Shortlist, decline or reset an interest and tell the company's users.

    The caller has checked that ``actor`` may edit the interest's challenge.

    Raises:
        InterestError: ``status`` is not a known interest status.
    """
    try:
        new_status = InterestStatus(status)
    except ValueError:
        raise InterestError(_l("Unknown status.")) from None
    old_status = interest.status
    if old_status == new_status:
        return interest
    interest.status = new_status
    audit.record(session, "interest_status", actor=actor, target=interest,
                 details={"before": old_status, "after": new_status,
                          "challenge_id": interest.challenge_id})
    challenge = interest.challenge
    if new_status == InterestStatus.SHORTLISTED:
        message = _l("Your interest in “%(title)s” was shortlisted by %(unit)s.",
                     title=challenge.title, unit=challenge.unit)
    elif new_status == InterestStatus.DECLINED:
        message = _l("Your interest in “%(title)s” was declined by %(unit)s.",
                     title=challenge.title, unit=challenge.unit)
    else:
        message = _l("Your interest in “%(title)s” is back under review.", title=challenge.title)
    for user in interest.company.users:
        notify(session, user, message, f"/challenges/{challenge.id}")
    return interest


def interests_for_challenge(session: Session, challenge: Challenge) -> list[Interest]:
    """All interests in a challenge, oldest first (for its owners only)."""
    return list(session.scalars(
        select(Interest).where(Interest.challenge_id == challenge.id)
        .options(selectinload(Interest.company))
        .order_by(Interest.created_at, Interest.id)
    ))


def interests_of_company(session: Session, user: User) -> list[Interest]:
    """The interests of ``user``'s company in challenges ``user`` may still see, newest first."""
    if user.company_id is None:
        return []
    return list(session.scalars(
        select(Interest).join(Challenge, Interest.challenge_id == Challenge.id)
        .where(Interest.company_id == user.company_id, challenge_visibility_clause(user))
        .options(selectinload(Interest.challenge))
        .order_by(Interest.created_at.desc(), Interest.id.desc())
    ))
