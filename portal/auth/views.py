"""Signup, login (throttled), logout, and the gate that keeps pending accounts on their page."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from portal.db import db, utcnow
from portal.errors import render_error
from portal.models import User
from portal.models.enums import AccountStatus, Role
from portal.services import accounts
from portal.services.audit import client_ip

from .forms import LoginForm, SignupForm

bp = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_FAILED = "The email or password is not correct."
# Endpoints a pending (not yet approved) account may reach; the account blueprint too.
PENDING_ALLOWED_ENDPOINTS = frozenset({"main.pending", "auth.logout", "language.switch", "static"})
PENDING_ALLOWED_BLUEPRINTS = frozenset({"account"})


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Only a single leading slash is accepted: ``//host``, ``/\\host``, ``https:host``, absolute
    URLs and anything with a backslash or control character are refused, because browsers read
    several of those as another host.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def start_session(user: User) -> None:
    """Log ``user`` into a brand-new session (nothing from the old cookie survives)."""
    session.clear()
    login_user(user)
    now = utcnow().isoformat()
    session["login_at"] = now
    session["last_seen"] = now


def landing_page(user: User) -> str:
    if user.status == AccountStatus.PENDING:
        return url_for("main.pending")
    if user.role == Role.SME:
        return url_for("smes.profile")
    return url_for("main.dashboard")


@bp.before_app_request
def pending_gate():
    """Pending accounts see only the pending page, their account page and logout."""
    if request.endpoint is None or not current_user.is_authenticated:
        return None
    if current_user.status != AccountStatus.PENDING:
        return None
    if (request.endpoint in PENDING_ALLOWED_ENDPOINTS
            or request.blueprint in PENDING_ALLOWED_BLUEPRINTS):
        return None
    if request.path.startswith("/api/"):
        return render_error(403, "Your account is waiting for an administrator's approval.")
    return redirect(url_for("main.pending"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(landing_page(current_user))
    form = SignupForm()
    if form.validate_on_submit():
        is_sme = form.account_type.data == Role.SME
        try:
            user = accounts.register(
                db.session,
                email=form.email.data,
                password=form.password.data,
                full_name=form.full_name.data,
                role=form.account_type.data,
                company_name=form.company_name.data if is_sme else None,
                profile_kind=form.profile_kind.data,
                org_number=form.org_number.data if is_sme else None,
                country=form.country.data if is_sme else None,
                unit=form.unit.data if form.account_type.data == Role.MILITARY else None,
            )
            db.session.commit()
        except accounts.AccountError as exc:
            db.session.rollback()
            _field_error(form, exc.field, exc.message)
        except IntegrityError:
            # Two signups raced past the uniqueness checks: the unique constraints decide.
            db.session.rollback()
            if accounts.email_taken(db.session, form.email.data):
                _field_error(form, "email", "An account with this email already exists. "
                                            "Log in instead.")
            else:
                _field_error(form, "org_number", "A company with this organisation number is "
                                                 "already registered.")
        else:
            start_session(user)
            if user.status == AccountStatus.PENDING:
                flash(_("Your account is created. An administrator will review it."), "success")
            else:
                flash(_("Welcome! Complete your company profile so the matcher can find you."),
                      "success")
            return redirect(landing_page(user))
    return render_template("auth/signup.html", form=form)


def _field_error(form, field: str | None, message: str) -> None:
    target = getattr(form, field, None) if field else None
    if target is None:
        target = form.email
    target.errors = [*target.errors, message]


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(landing_page(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    failed = False
    if form.validate_on_submit():
        result = accounts.attempt_login(db.session, form.email.data, form.password.data,
                                        client_ip())
        db.session.commit()
        if result.throttled:
            minutes = max(1, round(result.retry_after / 60))
            body, status = render_error(
                429, f"Too many failed logins. Wait about {minutes} minute"
                     f"{'s' if minutes != 1 else ''} and try again.",
            )
            return body, status, {"Retry-After": str(result.retry_after)}
        if result.user is not None:
            start_session(result.user)
            if result.user.status == AccountStatus.PENDING:
                return redirect(url_for("main.pending"))
            flash(_("You are logged in."), "success")
            return redirect(safe_next(form.next.data) or landing_page(result.user))
        failed = True
    return render_template("auth/login.html", form=form, failed=failed,
                           failed_message=LOGIN_FAILED)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.record_logout(db.session, current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))
