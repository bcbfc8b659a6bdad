"""The audit trail: append-only rows written in the same transaction as the change."""

import json
from typing import Any

from flask import has_request_context, request
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
    details: dict | None = None,
) -> AuditEntry:
    """Add an audit row to ``session``; it commits with the caller's transaction.

    Never pass secrets in ``details``.
    """
    if target is not None:
        target_type = target_type or type(target).__name__.lower()
        target_id = target_id or target.id
    if actor is not None and getattr(actor, "is_authenticated", False) is False:
        actor = None
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else actor_email,
        ip=client_ip(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        outcome=outcome,
        details=json.dumps(details, sort_keys=True, default=str) if details else "",
    )
    session.add(entry)
    return entry
