"""Login, throttled by ``throttling.login_retry_after``."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import User
from portal.services import audit
from portal.services.accounts.emails import find_user_by_email, normalise_email
from portal.services.accounts.passwords import _spend_hashing_time, verify_password
from portal.services.accounts.throttling import login_retry_after


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to: a user, a refusal, or throttling (``retry_after`` set)."""

    user: User | None = None
    retry_after: int | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


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
    if user is None or reason is not None:
        audit.record(session, "login", actor_email=email, outcome="failure", ip=ip,
                     target=user, details={"reason": reason})
        return LoginResult()
    user.last_login_at = utcnow()
    audit.record(session, "login", actor=user, target=user, ip=ip)
    return LoginResult(user=user)
