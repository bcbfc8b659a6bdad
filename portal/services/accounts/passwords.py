"""Password hashing and policy, session tokens, and the password change."""

import functools
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal.models import User
from portal.services import audit
from portal.services.accounts.emails import normalise_email
from portal.services.accounts.errors import AccountError

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


def password_problem(password: str, email: str | None = None) -> str | None:
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
        return f"Use at least {PASSWORD_MIN_LENGTH} characters."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use at most {PASSWORD_MAX_LENGTH} characters."
    folded = password.casefold()
    if folded in common_passwords():
        return "This password is one of the most common ones; choose a less guessable one."
    if email:
        address = normalise_email(email)
        local_part = address.partition("@")[0]
        if folded in {address, local_part}:
            return "Do not use your email address as your password."
    return None



def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change ``user``'s password and end all their sessions (the caller logs this one in again).

    Raises:
        AccountError: the current password is wrong, or the new one breaks the policy.
    """
    if not verify_password(user.password_hash, current or ""):
        audit.record(session, "password_change", actor=user, target=user, outcome="failure")
        raise AccountError("Your current password is not correct.", "current_password")
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new)
    rotate_session_token(user)
    audit.record(session, "password_change", actor=user, target=user)


def record_logout(session: Session, user: User) -> None:
    """End every session of ``user`` server-side and audit it."""
    rotate_session_token(user)
    audit.record(session, "logout", actor=user, target=user)
