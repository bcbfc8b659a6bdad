"""Front page, dashboard, notifications, taxonomy and health check."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.db import db
from portal.models import Area

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("main/dashboard.html")


@bp.get("/notifications")
@login_required
def notifications():
    return render_template("main/notifications.html", notifications=[])


@bp.get("/taxonomy")
def taxonomy():
    areas = db.session.scalars(select(Area).order_by(Area.kind.desc(), Area.position)).all()
    return render_template("main/taxonomy.html", areas=areas)


@bp.get("/about")
def about():
    return render_template("main/about.html")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/pending")
@login_required
def pending():
    return render_template("main/pending.html", user=current_user)
