"""Front page, dashboard, notifications, taxonomy, about page and health check."""

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.db import db
from portal.models import Area
from portal.models.enums import Role
from portal.services import matching
from portal.services import notifications as notes
from portal.services.challenges import (
    front_page_stats,
    latest_open,
    organiser_overview,
    unit_challenges,
)
from portal.services.interests import interests_of_company
from portal.services.profiles import admin_counts, profile_checklist

bp = Blueprint("main", __name__)

NOTIFICATIONS_SHOWN = 100
DASHBOARD_RECOMMENDATIONS = 3


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.get("/")
def index():
    viewer = _viewer()
    return render_template("main/index.html",
                           stats=front_page_stats(db.session, viewer),
                           latest=latest_open(db.session, viewer, limit=5))


@bp.get("/dashboard")
@login_required
def dashboard():
    viewer = _viewer()
    context: dict = {}
    if viewer.role == Role.SME:
        context["checklist"] = profile_checklist(viewer.company)
        context["interests"] = interests_of_company(db.session, viewer)
        if viewer.company is not None:
            context["recommended"] = matching.rank_challenges(
                db.session, viewer, viewer.company, top_k=DASHBOARD_RECOMMENDATIONS)
    elif viewer.role == Role.MILITARY:
        context["rows"] = unit_challenges(db.session, viewer)
    elif viewer.role == Role.ORGANISER:
        context["overview"] = organiser_overview(db.session, viewer)
    elif viewer.role == Role.ADMIN:
        context["counts"] = admin_counts(db.session)
        context["overview"] = organiser_overview(db.session, viewer)
    return render_template("main/dashboard.html", **context)


@bp.get("/notifications")
@login_required
def notifications():
    return render_template("main/notifications.html",
                           notifications=notes.recent(db.session, _viewer(),
                                                      limit=NOTIFICATIONS_SHOWN))


@bp.post("/notifications/read")
@login_required
def notifications_read():
    notes.mark_all_read(db.session, _viewer())
    db.session.commit()
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for("main.notifications"))


@bp.get("/taxonomy")
def taxonomy():
    areas = db.session.scalars(select(Area).order_by(Area.kind.desc(), Area.position)).all()
    return render_template("main/taxonomy.html", areas=areas)


@bp.get("/about")
def about():
    return render_template("main/about.html")


# When the accessibility statement was last prepared (shown in the page's language).
STATEMENT_DATE = date(2026, 11, 30)


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement (WCAG 2.1 AA, in the format Uutilsynet asks for)."""
    contact = current_app.config.get("ACCESSIBILITY_CONTACT", "portal@localhost")
    return render_template("main/accessibility.html", contact=contact,
                           statement_date=STATEMENT_DATE)


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/pending")
@login_required
def pending():
    return render_template("main/pending.html", user=current_user)
