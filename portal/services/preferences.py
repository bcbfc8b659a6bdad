"""A person's saved preferences (today: the language pages are shown in)."""

from sqlalchemy.orm import Session

from portal.i18n import LANGUAGES
from portal.models import User


class PreferenceError(ValueError):
    """The preference asked for does not exist."""


def set_locale(session: Session, user: User, locale: str) -> None:
    """Save ``locale`` as ``user``'s language; raises :class:`PreferenceError` for others."""
    if locale not in LANGUAGES:
        raise PreferenceError(locale)
    user.locale = locale
    session.add(user)
