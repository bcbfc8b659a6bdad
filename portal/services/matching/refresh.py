"""Refreshing the index after a save, with one failure policy.

A service that saves a challenge or a company profile calls :func:`refresh_after_commit`. The
saved text's passages are encoded once the caller commits (never for a rolled-back save), so the
next ranking finds their vectors in the embedding store.

Failure policy: the save never fails because the index could not refresh. An error while
encoding is logged and dropped; the next request that ranks sees the changed data fingerprint,
rebuilds the index and encodes whatever is missing.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from matching.matcher import challenge_text, company_text
from portal.models import Challenge, Company
from portal.services.matching.documents import challenge_document, company_document
from portal.services.matching.engine import encode_text

log = logging.getLogger(__name__)

_PENDING = "matching_refresh"


def refresh_after_commit(session: Session, row: Challenge | Company) -> None:
    """Encode ``row``'s text once ``session`` commits (see the module's failure policy).

    The text is taken now, as the save left it: after the commit the row's attributes are
    expired and the session may not read again inside the commit hook.
    """
    if isinstance(row, Challenge):
        text = challenge_text(challenge_document(row))
    else:
        text = company_text(company_document(row))
    pending: dict[tuple[str, int], str] = session.info.setdefault(_PENDING, {})
    pending[(type(row).__name__, row.id)] = text


def _refresh(session: Session) -> None:
    pending: dict[tuple[str, int], str] | None = session.info.pop(_PENDING, None)
    for (kind, row_id), text in (pending or {}).items():
        try:
            encode_text(text)
        except Exception:  # the failure policy above: a refresh never fails the save
            log.exception("could not refresh the index for %s %s", kind, row_id)


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING, None)


event.listen(Session, "after_commit", _refresh)
event.listen(Session, "after_rollback", _forget)
