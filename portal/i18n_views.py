"""The language switch in every page's header."""

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from portal.auth.views import safe_next
from portal.db import db
from portal.i18n import COOKIE_MAX_AGE, COOKIE_NAME, normalise
from portal.services import preferences

bp = Blueprint("language", __name__)


@bp.post("/language")
def switch():
    locale = normalise(request.form.get("locale"))
    if locale is None:
        abort(400)
    if current_user.is_authenticated:
        preferences.set_locale(db.session, current_user._get_current_object(), locale)
        db.session.commit()
    response = redirect(safe_next(request.form.get("next")) or url_for("main.index"))
    # The cookie keeps the choice after logout and for visitors; it holds only a language code.
    response.set_cookie(COOKIE_NAME, locale, max_age=COOKIE_MAX_AGE, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    return response
