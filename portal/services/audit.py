"""The audit trail: append-only rows written in the same transaction as the change."""

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from portal.models import AuditEntry, User


def client_ip() -> str | None:
    """The client's address as seen by this app (ProxyFix handles trusted proxies)."""
    return request.remote_addr if has_request_context() else None


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    actor_email: str | None = None,
    target: Any = None,
    target_type: str | None = None,
    target_id: int | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Add an audit row to ``session``; it commits with the caller's transaction.

    ``ip`` defaults to the current request's client address. Never pass secrets in ``details``.
    """
    if target is not None:
        target_type = target_type or type(target).__name__.lower()
        target_id = target_id or target.id
    if actor is not None and getattr(actor, "is_authenticated", False) is False:
        actor = None
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else actor_email,
        ip=ip if ip is not None else client_ip(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        outcome=outcome,
        details=json.dumps(details, sort_keys=True, default=str) if details else "",
    )
    session.add(entry)
    return entry


def search_query(
    *,
    actor_email: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select[tuple[AuditEntry]]:
    """Audit rows matching the admin filters, newest first.

    Args:
        actor_email: part of the actor's email (case-insensitive).
        action: exact action name.
        outcome: exact outcome ("success", "failure", "throttled", "denied").
        date_from: first UTC day included.
        date_to: last UTC day included.
    """
    query = select(AuditEntry)
    if actor_email:
        pattern = actor_email.strip().lower()
        pattern = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(AuditEntry.actor_email).like(f"%{pattern}%", escape="\\"))
    if action:
        query = query.where(AuditEntry.action == action)
    if outcome:
        query = query.where(AuditEntry.outcome == outcome)
    if date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.where(
            AuditEntry.created_at < datetime.combine(date_to + timedelta(days=1), time.min)
        )
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def known_actions(session: Session) -> list[str]:
    """Every action name in the log, for the filter menu."""
    return sorted(session.scalars(select(AuditEntry.action).distinct()))


def known_outcomes(session: Session) -> list[str]:
    """Every outcome in the log, for the filter menu."""
    return sorted(session.scalars(select(AuditEntry.outcome).distinct()))
