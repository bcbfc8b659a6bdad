"""Signup, login (throttled), logout, and the gate that keeps pending accounts on their page."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from portal.db import db, utcnow
from portal.errors import render_error, too_many_requests
from portal.models import User
from portal.models.enums import AccountStatus, Role
from portal.services import accounts, mail
from portal.services.audit import client_ip

from .forms import ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm

bp = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_FAILED = "The email or password is not correct."
# Endpoints a pending (not yet approved) account may reach; the account blueprint too.
PENDING_ALLOWED_ENDPOINTS = frozenset({"main.pending", "auth.logout", "language.switch", "static",
                                       "main.privacy", "auth.verify_email"})
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


def verification_link(token: str) -> str:
    return url_for("auth.verify_email", token=token, _external=True)


def deliver_now(message_ids: list[int]) -> None:
    """Send committed outbox messages through SMTP when it is configured (else they wait in
    the outbox for an administrator)."""
    if mail.smtp_configured(current_app.config):
        mail.deliver(db.session, current_app.config, message_ids)
        db.session.commit()


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
            accounts.check_signup_throttle(db.session, form.email.data, client_ip())
        except accounts.ThrottledError as exc:
            db.session.commit()
            return too_many_requests(exc.message, exc.retry_after)
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
            accounts.record_signup_refusal(db.session, form.email.data, exc.field, client_ip())
            db.session.commit()
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
            message = accounts.send_verification(db.session, user, verification_link)
            db.session.commit()
            deliver_now([message.id])
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
            return too_many_requests(f"Too many failed logins. Wait about {minutes} minute"
                                     f"{'s' if minutes != 1 else ''} and try again.",
                                     result.retry_after)
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


RESET_SENT = _l("If an account uses this address, we have sent it a link to choose a new "
                "password. The link works once and expires in 30 minutes. Check your spam folder "
                "if nothing arrives.")


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            result = accounts.request_reset(
                db.session, form.email.data, client_ip(),
                lambda token: url_for("auth.reset_password", token=token, _external=True))
        except accounts.ThrottledError as exc:
            db.session.commit()
            return too_many_requests(exc.message, exc.retry_after)
        db.session.commit()
        if result.message is not None:
            deliver_now([result.message.id])
        # The same answer whether or not an account has this address.
        flash(str(RESET_SENT), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
def reset_password():
    form = ResetPasswordForm()
    if request.method == "GET":
        form.token.data = request.args.get("token", "")
    token = form.token.data or ""
    try:
        accounts.user_for_reset_token(db.session, token)
    except accounts.AccountError as exc:
        return render_template("auth/reset.html", form=None, problem=exc.message), 400
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(db.session, token, form.new_password.data)
        except accounts.AccountError as exc:
            db.session.rollback()
            form.new_password.errors = [*form.new_password.errors, exc.message]
            return render_template("auth/reset.html", form=form, problem=None), 400
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Your password is changed. Log in with it now (%(email)s); other devices "
                "were logged out and your API tokens revoked.", email=user.email), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, problem=None)


@bp.get("/verify")
def verify_email():
    try:
        accounts.verify_email(db.session, request.args.get("token", ""))
    except accounts.AccountError as exc:
        return render_template("auth/verify_failed.html", problem=exc.message), 400
    db.session.commit()
    flash(_("Thank you: your email address is verified."), "success")
    return redirect(url_for("account.index") if current_user.is_authenticated
                    else url_for("auth.login"))
