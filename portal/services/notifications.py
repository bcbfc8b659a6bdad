"""In-app notifications.

A notification that names a challenge remembers it (``challenge_id``), and is checked against
its reader's access when it is shown, not when it was written (security checklist 28): if the
reader may no longer see the challenge, neither its title nor its link are shown.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.db import db, utcnow
from portal.i18n import recipient_locale
from portal.models import Challenge, Notification, User
from portal.services.access import can_see_challenge

WITHHELD_MESSAGE = _l("An update about a challenge that is no longer available to you.")
_CHALLENGE_LINK = re.compile(r"^/challenges/(\d+)(?:[/#?]|$)")


@dataclass(frozen=True)
class ShownNotification:
    """A notification as its reader may see it now."""

    id: int
    message: str
    link: str | None
    created_at: datetime
    read_at: datetime | None
    withheld: bool = False


def notify(session: Session, user: User, message: object, link: str | None = None, *,
           challenge: Challenge | None = None) -> Notification:
    """Add a notification for ``user`` (the caller commits).

    Args:
        session: the database session.
        user: the reader.
        message: the text; at most 500 characters are kept. It may be a lazy gettext string:
            it is rendered in the recipient's language (their saved choice, else the portal's
            default), not the language of whoever caused it.
        link: a path on this site to follow, if any.
        challenge: the challenge the message names, if any; a link to ``/challenges/<id>``
            names it too. Its visibility to ``user`` is checked each time the note is shown.
    """
    with force_locale(recipient_locale(user)):
        text = str(message)
    challenge_id = challenge.id if challenge is not None else None
    if challenge_id is None and link:
        found = _CHALLENGE_LINK.match(link)
        challenge_id = int(found.group(1)) if found else None
    note = Notification(user_id=user.id, message=text[:500], link=link,
                        challenge_id=challenge_id)
    session.add(note)
    return note


def unread_count(user: User, session: Session | None = None) -> int:
    active = session if session is not None else cast(Session, db.session)
    return active.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def recent(session: Session, user: User, *, limit: int = 100) -> list[ShownNotification]:
    """The user's newest notifications first, each checked against what ``user`` may see now."""
    notes = session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()
    ids = {note.challenge_id for note in notes if note.challenge_id is not None}
    challenges = ({c.id: c for c in session.scalars(select(Challenge).where(Challenge.id.in_(ids)))}
                  if ids else {})
    shown = []
    for note in notes:
        challenge = challenges.get(note.challenge_id) if note.challenge_id else None
        hidden = note.challenge_id is not None and (
            challenge is None or not can_see_challenge(user, challenge))
        shown.append(ShownNotification(
            id=note.id,
            message=str(WITHHELD_MESSAGE) if hidden else note.message,
            link=None if hidden else note.link,
            created_at=note.created_at,
            read_at=note.read_at,
            withheld=hidden,
        ))
    return shown


def mark_all_read(session: Session, user: User) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
