"""Login (throttled) and logout."""

import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import AuditEntry, User
from portal.services import audit
from portal.services.accounts.emails import find_user_by_email, normalise_email
from portal.services.accounts.passwords import (
    _spend_hashing_time,
    verify_password,
)


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to: a user, a refusal, or throttling (``retry_after`` set)."""

    user: User | None = None
    retry_after: int | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


def _failure_times(session: Session, clause, since: datetime) -> list[datetime]:
    return list(
        session.scalars(
            select(AuditEntry.created_at)
            .where(
                AuditEntry.action == "login",
                AuditEntry.outcome == "failure",
                AuditEntry.created_at >= since,
                clause,
            )
            .order_by(AuditEntry.created_at)
        )
    )


def login_retry_after(
    session: Session, email: str, ip: str | None, *, now: datetime | None = None
) -> int | None:
    """Seconds until a login for ``email`` from ``ip`` may be tried again, or None if it may now.

    The failures live in the audit table, so the limit holds across worker processes. An
    account's count restarts at its last successful login; an address's count never does
    (logging into one's own account must not reset an attacker's budget).

    Args:
        session: the database session.
        email: the normalised email typed into the form.
        ip: the client address, or None outside a request.
        now: the current UTC time (tests pass it).

    Returns:
        Seconds until enough counted failures leave the window, or None when not throttled.
    """
    now = now or utcnow()
    limit = current_app.config["LOGIN_FAILURES_PER_WINDOW"]
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    since = now - window
    last_success = session.scalar(
        select(func.max(AuditEntry.created_at)).where(
            AuditEntry.action == "login",
            AuditEntry.outcome == "success",
            AuditEntry.actor_email == email,
        )
    )
    account_since = max(since, last_success) if last_success else since
    waits: list[float] = []
    candidates = [_failure_times(session, AuditEntry.actor_email == email, account_since)]
    if ip:
        candidates.append(_failure_times(session, AuditEntry.ip == ip, since))
    for times in candidates:
        if len(times) >= limit:
            # Below the limit again once this many of the oldest failures have left the window.
            freed_at = times[len(times) - limit] + window
            waits.append((freed_at - now).total_seconds())
    if not waits:
        return None
    return max(1, math.ceil(max(waits)))


def attempt_login(session: Session, email: str, password: str, ip: str | None) -> LoginResult:
    """Check a login and audit it (success, failure or throttled); never reveals which part failed.

    Args:
        session: the database session (not committed here).
        email: the email as typed.
        password: the password as typed (never stored or audited).
        ip: the client address, for throttling.

    Returns:
        ``LoginResult(user=...)`` on success, ``LoginResult(retry_after=...)`` when throttled,
        ``LoginResult()`` for a wrong email, wrong password or disabled account alike.
    """
    email = normalise_email(email)[:254]
    retry_after = login_retry_after(session, email, ip)
    if retry_after is not None:
        audit.record(session, "login", actor_email=email, outcome="throttled", ip=ip,
                     details={"retry_after": retry_after})
        return LoginResult(retry_after=retry_after)
    user = find_user_by_email(session, email) if email else None
    if user is None:
        _spend_hashing_time()
        reason = "unknown_email"
    elif not verify_password(user.password_hash, password or ""):
        reason = "wrong_password"
    elif not user.is_active:
        reason = "disabled"
    else:
        reason = None
    if reason is not None:
        audit.record(session, "login", actor_email=email, outcome="failure", ip=ip,
                     target=user, details={"reason": reason})
        return LoginResult()
    user.last_login_at = utcnow()
    audit.record(session, "login", actor=user, target=user, ip=ip)
    return LoginResult(user=user)
