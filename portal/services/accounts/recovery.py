"""Forgotten passwords: single-use, time-limited reset links sent by e-mail (checklist 29).

A reset link carries a token signed with the app's secret key (itsdangerous). It names the
account and a fingerprint of its current password hash, so it stops working as soon as the
password changes: after one successful reset, or a password change in between. It expires
after ``RESET_LINK_MAX_AGE``. Nothing about the token is stored.

The answer to a reset request is the same whether or not an account has the address; requests
are throttled per typed email and per client address (``throttling``), and every step is
audited: ``password_reset_request``, ``password_reset`` (success, or failure with a reason).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.i18n import recipient_locale
from portal.models import OutboxMessage, User
from portal.services import audit, mail
from portal.services.accounts.emails import find_user_by_email, normalise_email
from portal.services.accounts.errors import AccountError, ThrottledError
from portal.services.accounts.passwords import set_password
from portal.services.accounts.throttling import reset_request_retry_after

RESET_SALT = "portal.password-reset"
LINK_PROBLEM = _l("This reset link has expired or has already been used. Ask for a new one "
                  "below.")


@dataclass(frozen=True)
class ResetRequest:
    """What a reset request queued: the message (None for unknown or disabled accounts)."""

    message: OutboxMessage | None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:24]


def make_reset_token(user: User) -> str:
    """A signed reset token for ``user``'s current password."""
    return _serializer().dumps({"u": user.id, "p": _fingerprint(user)})


def request_reset(session: Session, email: str, ip: str | None,
                  link_for: Callable[[str], str]) -> ResetRequest:
    """Queue a reset e-mail when an active account has ``email``; audit the request either way.

    Args:
        session: the database session (not committed here).
        email: the address as typed.
        ip: the client address, for throttling.
        link_for: builds the absolute reset URL from a token.

    Returns:
        The queued message, if any (the caller delivers it after committing).

    Raises:
        ThrottledError: too many requests for this email or from this address lately.
    """
    email = normalise_email(email)[:254]
    retry_after = reset_request_retry_after(session, email, ip)
    if retry_after is not None:
        audit.record(session, "password_reset_request", actor_email=email, outcome="throttled",
                     ip=ip, details={"retry_after": retry_after})
        minutes = max(1, round(retry_after / 60))
        raise ThrottledError(lazy_ngettext(
            "Too many reset requests. Wait about %(num)d minute and try again.",
            "Too many reset requests. Wait about %(num)d minutes and try again.",
            minutes), retry_after)
    user = find_user_by_email(session, email) if email else None
    known = user is not None and user.is_active
    audit.record(session, "password_reset_request", actor_email=email, ip=ip,
                 target=user if known else None, details={"known": known})
    if user is None or not known:
        return ResetRequest(message=None)
    max_age = current_app.config["RESET_LINK_MAX_AGE"]
    minutes = int(max_age.total_seconds() // 60)
    # Written in the account owner's saved language (else the portal's default).
    with force_locale(recipient_locale(user)):
        subject = gettext("Reset your portal password")
        body = "\n".join([
            gettext("Hello %(name)s,", name=user.full_name or user.email),
            "",
            gettext("Someone (we hope you) asked to reset the password of your account on the "
                    "SME challenge portal. Open this link to choose a new password:"),
            "",
            link_for(make_reset_token(user)),
            "",
            gettext("The link works once and expires in %(minutes)d minutes. Setting a new "
                    "password logs you out everywhere and revokes your API tokens.",
                    minutes=minutes),
            "",
            gettext("If you did not ask for this, ignore this message: your password stays as "
                    "it is."),
        ])
    message = mail.queue(session, recipient=user.email, subject=subject, body=body)
    return ResetRequest(message=message)


def user_for_reset_token(session: Session, token: str) -> User:
    """The account a reset token is good for now.

    Raises:
        AccountError: the token is malformed, expired, already used or for no active account
            (one message for all, so nothing is revealed about which).
    """
    max_age = current_app.config["RESET_LINK_MAX_AGE"]
    try:
        data = _serializer().loads(token or "", max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise AccountError(LINK_PROBLEM, "expired") from None
    except BadSignature:
        raise AccountError(LINK_PROBLEM, "invalid") from None
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("p") != _fingerprint(user):
        raise AccountError(LINK_PROBLEM, "used")
    return user


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set a new password through a reset link; every session and API token of the user ends.

    Following the link also proves the address works, so an unverified email becomes verified.

    Raises:
        AccountError: the link is no longer good (``field`` says why: "expired", "invalid",
            "used"), or the new password breaks the policy (``field`` "new_password").
    """
    try:
        user = user_for_reset_token(session, token)
    except AccountError as exc:
        audit.record(session, "password_reset", outcome="failure", details={"reason": exc.field})
        raise
    set_password(session, user, new_password, "password_reset")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user
