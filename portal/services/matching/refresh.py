"""Refreshing the index after a save, with one failure policy.

A service that saves a challenge or a company profile calls :func:`refresh_after_commit`. The
saved text is queued for encoding in the caller's transaction (:mod:`.queue`): a rolled-back
save queues nothing, a committed one is never lost, and the save does not wait for the model.
The background worker (:mod:`.worker`) encodes the text's passages into the embedding store
soon after the commit, so the next rebuild of the index finds them there.

Failure policy: the save never fails because the index could not refresh. An encoding error is
the worker's, recorded on the job and retried a few times (:mod:`.queue`); and whatever is not
encoded when a request ranks is encoded by the rebuild that request makes (the changed data
fingerprint says so), so rankings are never wrong, only the save no longer waits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from matching.matcher import challenge_text, company_text
from portal.models import Challenge, Company
from portal.services.matching import queue
from portal.services.matching.documents import challenge_document, company_document


def refresh_after_commit(session: Session, row: Challenge | Company) -> None:
    """Queue ``row``'s text for the encoding worker, in ``session``'s transaction.

    The text is taken now, as the save left it (the row must have its id: flushed). A second
    save of the same row before the worker ran replaces the queued text.
    """
    if isinstance(row, Challenge):
        queue.enqueue(session, "challenge", row.id, challenge_text(challenge_document(row)))
    else:
        queue.enqueue(session, "company", row.id, company_text(company_document(row)))
