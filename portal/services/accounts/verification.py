"""E-mail verification: the account works at once, but mail only goes to verified addresses.

The link carries a token signed with the app's secret key, naming the account and the address
it was sent to (a link for an old address cannot verify a new one). It expires after
``VERIFY_LINK_MAX_AGE``; the owner can ask for a new one from the account page (throttled).
"""

from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.i18n import recipient_locale
from portal.models import AuditEntry, OutboxMessage, User
from portal.services import audit, mail
from portal.services.accounts.errors import AccountError, ThrottledError
from portal.services.accounts.throttling import attempt_times, longest, wait_seconds

VERIFY_SALT = "portal.email-verification"
VERIFY_PROBLEM = _l("This verification link has expired or is not valid. Log in and send a "
                    "new one from your account page.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=VERIFY_SALT)


def send_verification(session: Session, user: User,
                      link_for: Callable[[str], str]) -> OutboxMessage:
    """Queue a verification e-mail for ``user``'s address (the caller commits and delivers).

    Raises:
        AccountError: the address is already verified.
        ThrottledError: three messages in the last hour already.
    """
    if user.email_verified_at is not None:
        raise AccountError(_l("Your email address is already verified."))
    window = current_app.config["RESET_WINDOW"]
    now = utcnow()
    sent = attempt_times(session, "email_verification_sent", ("success",), now - window,
                         AuditEntry.target_type == "user", AuditEntry.target_id == user.id)
    retry_after = longest([wait_seconds(sent, 3, window, now)])
    if retry_after is not None:
        raise ThrottledError(_l("A verification e-mail was sent a moment ago; check your inbox "
                                "(and spam folder) or try again later."), retry_after)
    token = _serializer().dumps({"u": user.id, "e": user.email})
    with force_locale(recipient_locale(user)):
        subject = gettext("Confirm your email address")
        body = "\n".join([
            gettext("Hello %(name)s,", name=user.full_name or user.email),
            "",
            gettext("Please confirm that this is your address on the SME challenge portal by "
                    "opening this link:"),
            "",
            link_for(token),
            "",
            gettext("Until you do, the portal sends you no invitations or notices by e-mail. If "
                    "you did not create an account, ignore this message."),
        ])
    message = mail.queue(session, recipient=user.email, subject=subject, body=body)
    audit.record(session, "email_verification_sent", target=user,
                 details={"email": user.email})
    return message


def verify_email(session: Session, token: str) -> User:
    """Mark the address a verification link was sent to as verified.

    Raises:
        AccountError: the link is malformed, expired, or for an address the account no longer
            has.
    """
    max_age = current_app.config["VERIFY_LINK_MAX_AGE"]
    try:
        data = _serializer().loads(token or "", max_age=int(max_age.total_seconds()))
    except (SignatureExpired, BadSignature):
        raise AccountError(VERIFY_PROBLEM) from None
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("e"):
        raise AccountError(VERIFY_PROBLEM)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        audit.record(session, "email_verified", actor=user, target=user)
    return user


def mail_recipient(user: User) -> str | None:
    """Where to e-mail ``user``: their address once verified, else nowhere."""
    return user.email if user.email_verified_at is not None and user.is_active else None
