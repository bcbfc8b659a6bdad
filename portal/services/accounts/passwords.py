"""Password hashing and policy, session tokens, and the password change."""

import functools
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import LazyString, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal.models import User
from portal.services import audit
from portal.services.accounts.emails import normalise_email
from portal.services.accounts.errors import AccountError, ThrottledError
from portal.services.accounts.throttling import password_check_retry_after
from portal.services.tokens import revoke_all_tokens

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = (Path(__file__).resolve().parent.parent.parent / "auth"
                         / "common_passwords.txt")


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def new_session_token() -> str:
    return secrets.token_hex(16)


def rotate_session_token(user: User) -> None:
    """Give ``user`` a new session token: every cookie carrying the old one stops working."""
    user.session_token = new_session_token()


@functools.lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(8), method=method)


def _spend_hashing_time() -> None:
    # Unknown emails still pay for one hash check, so response times do not reveal accounts.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    check_password_hash(_dummy_hash(method), "not the password")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to accept (lower-case)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, email: str | None = None) -> LazyString | None:
    """Why ``password`` is not acceptable, or None when it is.

    Length and a list of common passwords only: no composition rules (ASVS 6.2).

    Args:
        password: the candidate password, as typed.
        email: the account's email; its local part (and the whole address) are refused too.

    Returns:
        A message for the password field, or None.
    """
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _l("Use at least %(count)d characters.", count=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _l("Use at most %(count)d characters.", count=PASSWORD_MAX_LENGTH)
    folded = password.casefold()
    if folded in common_passwords():
        return _l("This password is one of the most common ones; choose a less guessable one.")
    if email:
        address = normalise_email(email)
        local_part = address.partition("@")[0]
        if folded in {address, local_part}:
            return _l("Do not use your email address as your password.")
    return None



def too_many_attempts_message(retry_after: int) -> LazyString:
    minutes = max(1, round(retry_after / 60))
    return lazy_ngettext("Too many wrong passwords. Wait about %(num)d minute and try again.",
                         "Too many wrong passwords. Wait about %(num)d minutes and try again.",
                         minutes)


def check_current_password(session: Session, user: User, password: str, action: str) -> None:
    """Check the signed-in ``user``'s current password before ``action``, throttled like login.

    A wrong password is audited as ``action`` with outcome "failure" (these rows are what the
    throttle counts); a throttled attempt is audited with outcome "throttled" and not checked.

    Raises:
        ThrottledError: too many wrong passwords lately (``retry_after`` seconds to wait).
        AccountError: the password is wrong.
    """
    retry_after = password_check_retry_after(session, user.id)
    if retry_after is not None:
        audit.record(session, action, actor=user, target=user, outcome="throttled",
                     details={"retry_after": retry_after})
        raise ThrottledError(too_many_attempts_message(retry_after), retry_after,
                             "current_password")
    if not verify_password(user.password_hash, password or ""):
        audit.record(session, action, actor=user, target=user, outcome="failure")
        raise AccountError(_l("Your current password is not correct."), "current_password")


def end_all_sessions_and_tokens(session: Session, user: User, reason: str) -> int:
    """End every browser session (the session token rotates) and revoke every API token.

    Returns:
        How many API tokens were revoked.
    """
    rotate_session_token(user)
    return revoke_all_tokens(session, user, reason)


def set_password(session: Session, user: User, new: str, action: str) -> None:
    """Give ``user`` the password ``new`` and end all their sessions and API tokens.

    Raises:
        AccountError: ``new`` breaks the password policy.
    """
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new)
    revoked = end_all_sessions_and_tokens(session, user, action)
    audit.record(session, action, actor=user, target=user, details={"tokens_revoked": revoked})


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change ``user``'s password; all their sessions and API tokens end (the caller logs this
    browser in again).

    Raises:
        ThrottledError: too many wrong current passwords lately.
        AccountError: the current password is wrong, or the new one breaks the policy.
    """
    check_current_password(session, user, current, "password_change")
    set_password(session, user, new, "password_change")


def record_logout(session: Session, user: User) -> None:
    """End every session of ``user`` server-side and audit it."""
    rotate_session_token(user)
    audit.record(session, "logout", actor=user, target=user)
