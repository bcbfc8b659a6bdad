"""The matches page of one challenge, assembled in one place: ranked companies, team
suggestions, the shortlist and the viewer's own judgements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.models import Challenge, MatchFeedback, User
from portal.services.feedback import shortlisted_ids, user_feedback
from portal.services.matching.ranking import MatchList, rank_companies
from portal.services.matching.teams import TeamSuggestions, suggest_teams


@dataclass
class MatchPage:
    """Everything the matches page of one challenge shows."""

    matches: MatchList
    teams: TeamSuggestions
    shortlisted: set[int]
    feedback: dict[int, MatchFeedback]


def match_page(
    session: Session, viewer: User, challenge: Challenge, *, top_k: int = 20,
    county: str | None = None, min_trl: int | None = None, vetted_only: bool = False,
) -> MatchPage:
    """Ranked companies (masked, filtered), team suggestions, shortlist and the viewer's
    judgements for a challenge. The caller has checked ``can_see_matches``."""
    matches = rank_companies(session, viewer, challenge, top_k=top_k, county=county,
                             min_trl=min_trl, vetted_only=vetted_only)
    return MatchPage(
        matches=matches,
        teams=suggest_teams(session, viewer, challenge, matches=matches),
        shortlisted=shortlisted_ids(session, challenge),
        feedback=user_feedback(session, viewer, challenge),
    )
