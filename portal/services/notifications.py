"""In-app notifications."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.db import db
from portal.models import Notification, User


def notify(session: Session, user: User, message: str, link: str | None = None) -> Notification:
    note = Notification(user_id=user.id, message=message[:500], link=link)
    session.add(note)
    return note


def unread_count(user: User, session: Session | None = None) -> int:
    session = session or db.session
    return session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0
