"""Template filters and globals shared by every page."""

from flask import Flask
from flask_login import current_user

from portal.models.enums import COUNTIES, label
from portal.services.companies import is_staff
from portal.services.exports import score_points
from portal.services.matching import fit_band


def _may_start_conversation(challenge) -> bool:
    """Whether the viewer may offer "Start conversation" for ``challenge``."""
    if not current_user.is_authenticated:
        return False
    from portal.db import db
    from portal.services.conversations import may_start

    return may_start(db.session, current_user, challenge)


def _conversation_company_ids(challenge) -> set[int]:
    """Ids of the companies that already have a conversation about ``challenge``."""
    from portal.db import db
    from portal.services.conversations import company_ids_with_conversation

    return company_ids_with_conversation(db.session, challenge)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = label
    # One score scale for pages and exports: whole points from 0 to 100.
    app.jinja_env.filters["score_points"] = score_points
    app.jinja_env.filters["fit_band"] = fit_band
    app.jinja_env.globals["COUNTIES"] = COUNTIES
    # A function, not a context variable: imported macros (company_link) see globals only.
    app.jinja_env.globals["staff_viewer"] = lambda: is_staff(current_user)
    app.jinja_env.globals["may_start_conversation"] = _may_start_conversation
    app.jinja_env.globals["conversation_company_ids"] = _conversation_company_ids

    @app.context_processor
    def _nav():
        unread = messages = 0
        if current_user.is_authenticated:
            from portal.db import db
            from portal.services.conversations import unread_total
            from portal.services.notifications import unread_count

            unread = unread_count(current_user)
            messages = unread_total(db.session, current_user)
        return {"unread_notifications": unread, "unread_messages": messages}
