"""Template filters and globals shared by every page."""

from flask import Flask
from flask_login import current_user

from portal.models.enums import COUNTIES, label


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["COUNTIES"] = COUNTIES

    @app.context_processor
    def _nav():
        unread = 0
        if current_user.is_authenticated:
            from portal.services.notifications import unread_count

            unread = unread_count(current_user)
        return {"unread_notifications": unread}
