"""The shortlist of a challenge and the narrowing filters of its matches page.

Scores come from the same ranking as the matches page (``matching.rank_companies``), so a
company shows the same score on both pages.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Challenge, Company, Conversation, Interest, Shortlist, User
from portal.services import matching

PAGE_SIZE = 20
# The most rows the matches page shows ("show more" stops here) and the most it ranks when a
# filter narrows the list to shortlisted or interested companies.
MAX_SHOWN = 500


@dataclass
class ShortlistEntry:
    """One shortlisted company with its match (None when it is no longer ranked for the
    challenge, say after its vetting was revoked), its interest and its conversation."""

    company: Company
    match: matching.MatchItem | None
    interest: Interest | None
    conversation_id: int | None


def shown_count(raw: str | None) -> int:
    """The number of ranked rows to show: a multiple of PAGE_SIZE up to MAX_SHOWN."""
    try:
        value = int(raw or PAGE_SIZE)
    except ValueError:
        return PAGE_SIZE
    value = max(PAGE_SIZE, min(value, MAX_SHOWN))
    return -(-value // PAGE_SIZE) * PAGE_SIZE


def interested_ids(session: Session, challenge: Challenge) -> set[int]:
    """Ids of the companies that expressed interest in ``challenge``."""
    return set(session.scalars(select(Interest.company_id).where(
        Interest.challenge_id == challenge.id)))


def narrow(items: list[matching.MatchItem], *, shortlisted: set[int] | None = None,
           interested: set[int] | None = None) -> list[matching.MatchItem]:
    """The ranked items whose company is in every given set (None: no condition)."""
    return [item for item in items if item.company is not None
            and (shortlisted is None or item.company.id in shortlisted)
            and (interested is None or item.company.id in interested)]


def shortlist(session: Session, viewer: User, challenge: Challenge) -> list[ShortlistEntry]:
    """The challenge's shortlisted companies, best match first (unranked ones last).

    The caller has checked that ``viewer`` may see the challenge's matches.
    """
    rows = list(session.scalars(
        select(Shortlist).where(Shortlist.challenge_id == challenge.id)
        .options(selectinload(Shortlist.company)).order_by(Shortlist.created_at, Shortlist.id)))
    if not rows:
        return []
    ranked = matching.rank_companies(session, viewer, challenge, top_k=MAX_SHOWN)
    matches = {item.company.id: item for item in ranked.items if item.company is not None}
    interests = {i.company_id: i for i in session.scalars(
        select(Interest).where(Interest.challenge_id == challenge.id))}
    conversations: dict[int, int] = {
        company_id: conversation_id for company_id, conversation_id in session.execute(
            select(Conversation.company_id, Conversation.id)
            .where(Conversation.challenge_id == challenge.id))}
    entries = [ShortlistEntry(company=row.company, match=matches.get(row.company_id),
                              interest=interests.get(row.company_id),
                              conversation_id=conversations.get(row.company_id))
               for row in rows]
    entries.sort(key=lambda e: (e.match is None, e.match.rank if e.match else 0,
                                e.company.name))
    return entries
