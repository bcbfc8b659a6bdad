"""Judgements of matches (relevant / not relevant) and shortlists.

Tuning the matcher on the judgements lives in :mod:`portal.services.tuning`.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import Challenge, Company, MatchFeedback, Shortlist, User
from portal.services import audit
from portal.services.schemas.feedback import COMMENT_MAX_LENGTH

SOURCE_MATCH_PAGE = "match_page"

# --------------------------------------------------------------------------- writes
def record_feedback(
    session: Session,
    user: User,
    challenge: Challenge,
    company: Company,
    *,
    relevant: bool,
    comment: str = "",
    source: str = SOURCE_MATCH_PAGE,
) -> MatchFeedback:
    """Store ``user``'s judgement of a pair: one row per user, pair and source, updated on change.

    The caller has checked that ``user`` may see the challenge's matches and that the company
    may see the challenge.

    Returns:
        The new or updated row (flushed).
    """
    comment = (comment or "").strip()[:COMMENT_MAX_LENGTH]
    key = {"challenge_id": challenge.id, "company_id": company.id, "user_id": user.id,
           "source": source}
    row = session.scalar(select(MatchFeedback).filter_by(**key))
    if row is None:
        row = MatchFeedback(**key, relevant=relevant, comment=comment)
        try:
            # A double-click may race us to the unique row; then update the winner's row.
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = session.scalars(select(MatchFeedback).filter_by(**key)).one()
            row.relevant, row.comment = relevant, comment
    else:
        row.relevant, row.comment = relevant, comment
    session.flush()
    audit.record(session, "match_feedback", actor=user, target=challenge,
                 details={"company_id": company.id, "relevant": relevant, "source": source})
    return row


def toggle_shortlist(session: Session, user: User, challenge: Challenge, company: Company) -> bool:
    """Add the company to the challenge's shortlist, or remove it if it is there.

    Returns:
        True when the company is shortlisted afterwards.
    """
    existing = session.scalar(
        select(Shortlist).filter_by(challenge_id=challenge.id, company_id=company.id)
    )
    if existing is not None:
        session.execute(delete(Shortlist).where(Shortlist.id == existing.id))
        shortlisted = False
    else:
        try:
            with session.begin_nested():
                session.add(Shortlist(challenge_id=challenge.id, company_id=company.id,
                                      user_id=user.id))
        except IntegrityError:
            pass  # someone shortlisted it at the same moment: it is shortlisted
        shortlisted = True
    audit.record(session, "shortlist_add" if shortlisted else "shortlist_remove", actor=user,
                 target=challenge, details={"company_id": company.id})
    return shortlisted


# --------------------------------------------------------------------------- reads
def shortlisted_ids(session: Session, challenge: Challenge) -> set[int]:
    """Ids of the companies shortlisted for ``challenge``."""
    return set(session.scalars(
        select(Shortlist.company_id).where(Shortlist.challenge_id == challenge.id)
    ))


def user_feedback(session: Session, user: User, challenge: Challenge,
                  source: str = SOURCE_MATCH_PAGE) -> dict[int, MatchFeedback]:
    """``user``'s judgements on ``challenge``'s matches, by company id."""
    rows = session.scalars(select(MatchFeedback).filter_by(
        challenge_id=challenge.id, user_id=user.id, source=source))
    return {row.company_id: row for row in rows}


def judgements(session: Session) -> list[tuple[int, int, bool]]:
    """Every recorded judgement as ``(challenge_id, company_id, relevant)``, in id order."""
    rows = session.execute(
        select(MatchFeedback.challenge_id, MatchFeedback.company_id, MatchFeedback.relevant)
        .order_by(MatchFeedback.id)
    )
    return [(ch, co, bool(rel)) for ch, co, rel in rows]
