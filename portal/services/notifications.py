"""In-app notifications."""

from typing import cast

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.db import db, utcnow
from portal.models import Notification, User


def notify(session: Session, user: User, message: str, link: str | None = None) -> Notification:
    note = Notification(user_id=user.id, message=message[:500], link=link)
    session.add(note)
    return note


def unread_count(user: User, session: Session | None = None) -> int:
    active = session if session is not None else cast(Session, db.session)
    return active.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def recent(session: Session, user: User, *, limit: int = 100) -> list[Notification]:
    """The user's newest notifications first."""
    return list(session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ))


def mark_all_read(session: Session, user: User) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
