"""Throttling of guessable steps (login, password checks, signup, reset requests).

Attempts are counted in the audit table, so every limit holds across worker processes and
survives restarts; nothing here needs a shared cache. The policy is documented in
``docs/security.md`` ("Throttling").

Login, per attempt of ``email`` from address ``ip`` (all within ``LOGIN_FAILURE_WINDOW``):

* pair: at most ``LOGIN_FAILURES_PER_WINDOW`` failures for this account from this address,
  counted from the account's last successful login;
* address ceiling: at most ``LOGIN_FAILURES_PER_ADDRESS`` failures from this address for any
  accounts (never reset by a success: logging into one's own account must not refill an
  attacker's budget);
* account ceiling: at most ``LOGIN_FAILURES_PER_ACCOUNT`` failures for this account from all
  addresses together, counted from its last success, except from addresses this account has
  logged in from before, so guessing from many addresses is bounded but nobody can lock the
  owner out of their usual places.
"""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import AuditEntry

# Audited steps that check the current password of a signed-in user.
PASSWORD_CHECK_ACTIONS = ("password_change", "account_delete")
# How far back a successful login makes an address "known" for the account ceiling.
KNOWN_ADDRESS_AGE = timedelta(days=90)


def attempt_times(session: Session, action: str | Sequence[str], outcomes: Sequence[str],
                  since: datetime, *clauses: ColumnElement[bool]) -> list[datetime]:
    """Times of audited ``action`` rows with one of ``outcomes`` since ``since``, oldest first."""
    actions = [action] if isinstance(action, str) else list(action)
    return list(session.scalars(
        select(AuditEntry.created_at)
        .where(AuditEntry.action.in_(actions), AuditEntry.outcome.in_(list(outcomes)),
               AuditEntry.created_at >= since, *clauses)
        .order_by(AuditEntry.created_at)
    ))


def wait_seconds(times: Sequence[datetime], limit: int, window: timedelta,
                 now: datetime) -> float | None:
    """Seconds until fewer than ``limit`` of ``times`` lie in the window, or None if already."""
    if limit <= 0 or len(times) < limit:
        return None
    # Below the limit again once this many of the oldest attempts have left the window.
    freed_at = times[len(times) - limit] + window
    return (freed_at - now).total_seconds()


def longest(waits: Sequence[float | None]) -> int | None:
    """The longest of the waits that apply, in whole seconds (at least 1), or None."""
    applying = [w for w in waits if w is not None]
    if not applying:
        return None
    return max(1, math.ceil(max(applying)))


def _last_login(session: Session, email: str, ip: str | None = None) -> datetime | None:
    clauses = [AuditEntry.action == "login", AuditEntry.outcome == "success",
               AuditEntry.actor_email == email]
    if ip is not None:
        clauses.append(AuditEntry.ip == ip)
    return session.scalar(select(func.max(AuditEntry.created_at)).where(*clauses))


def login_retry_after(
    session: Session, email: str, ip: str | None, *, now: datetime | None = None
) -> int | None:
    """Seconds until a login for ``email`` from ``ip`` may be tried again, or None if it may now.

    Args:
        session: the database session.
        email: the normalised email typed into the form.
        ip: the client address, or None outside a request (then only the account ceiling).
        now: the current UTC time (tests pass it).

    Returns:
        Seconds until the binding limit frees up, or None when not throttled.
    """
    config = current_app.config
    now = now or utcnow()
    window = config["LOGIN_FAILURE_WINDOW"]
    since = now - window
    last_success = _last_login(session, email)
    account_since = max(since, last_success) if last_success else since
    fail = ("failure",)
    waits = []
    if ip:
        pair = attempt_times(session, "login", fail, account_since,
                             AuditEntry.actor_email == email, AuditEntry.ip == ip)
        waits.append(wait_seconds(pair, config["LOGIN_FAILURES_PER_WINDOW"], window, now))
        address = attempt_times(session, "login", fail, since, AuditEntry.ip == ip)
        waits.append(wait_seconds(address, config["LOGIN_FAILURES_PER_ADDRESS"], window, now))
    known = ip is not None and (_last_login(session, email, ip) or datetime.min) >= (
        now - KNOWN_ADDRESS_AGE)
    if not known:
        account = attempt_times(session, "login", fail, account_since,
                                AuditEntry.actor_email == email)
        waits.append(wait_seconds(account, config["LOGIN_FAILURES_PER_ACCOUNT"], window, now))
    return longest(waits)


def password_check_retry_after(session: Session, user_id: int, *,
                               now: datetime | None = None) -> int | None:
    """Seconds until ``user_id`` may try their current password again (password change,
    account deletion), or None: the login pair limit, counted per account."""
    config = current_app.config
    now = now or utcnow()
    window = config["LOGIN_FAILURE_WINDOW"]
    times = attempt_times(session, PASSWORD_CHECK_ACTIONS, ("failure",), now - window,
                          AuditEntry.actor_id == user_id)
    return longest([wait_seconds(times, config["LOGIN_FAILURES_PER_WINDOW"], window, now)])


def signup_retry_after(session: Session, ip: str | None, *,
                       now: datetime | None = None) -> int | None:
    """Seconds until another signup may be tried from ``ip``, or None (successes and refusals
    both count: each one can tell whether an email or organisation number is registered)."""
    if not ip:
        return None
    config = current_app.config
    now = now or utcnow()
    window = config["SIGNUP_WINDOW"]
    times = attempt_times(session, "signup", ("success", "failure"), now - window,
                          AuditEntry.ip == ip)
    return longest([wait_seconds(times, config["SIGNUP_ATTEMPTS_PER_ADDRESS"], window, now)])


def reset_request_retry_after(session: Session, email: str, ip: str | None, *,
                              now: datetime | None = None) -> int | None:
    """Seconds until another password-reset e-mail may be asked for ``email`` from ``ip``.

    Counted by the typed email whether or not an account has it, so the limit itself reveals
    nothing about which emails are registered.
    """
    config = current_app.config
    now = now or utcnow()
    window = config["RESET_WINDOW"]
    since = now - window
    outcomes = ("success", "throttled")
    waits = [wait_seconds(
        attempt_times(session, "password_reset_request", ("success",), since,
                      AuditEntry.actor_email == email),
        config["RESET_REQUESTS_PER_EMAIL"], window, now)]
    if ip:
        waits.append(wait_seconds(
            attempt_times(session, "password_reset_request", outcomes, since, AuditEntry.ip == ip),
            config["RESET_REQUESTS_PER_ADDRESS"], window, now))
    return longest(waits)
