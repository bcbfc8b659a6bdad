"""Outgoing e-mail: every message is stored in ``outbox_messages``; when ``SMTP_HOST`` is set it
is also delivered with :mod:`smtplib` (after the composing transaction has committed)."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import OutboxMessage


def queue(
    session: Session, *, recipient: str, subject: str, body: str, event_id: int | None = None
) -> OutboxMessage:
    """Add a composed message to the outbox (the caller commits).

    Args:
        session: Database session.
        recipient: One e-mail address.
        subject: Subject line (newlines are flattened: they would forge headers).
        body: Plain-text body.
        event_id: The event the message belongs to, shown on its outbox page.

    Returns:
        The unsent :class:`OutboxMessage`.
    """
    message = OutboxMessage(
        event_id=event_id,
        recipient=recipient.strip(),
        subject=" ".join(subject.split())[:300],
        body=body,
    )
    session.add(message)
    return message


def smtp_configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("SMTP_HOST"))


def deliver(session: Session, config: Mapping[str, Any], message_ids: Sequence[int]) -> int:
    """Send the given unsent outbox messages through SMTP; marks ``sent_at`` or ``error``.

    Does nothing without ``SMTP_HOST``. The caller commits afterwards.

    Returns:
        How many messages were sent.
    """
    if not smtp_configured(config) or not message_ids:
        return 0
    messages = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.id.in_(message_ids), OutboxMessage.sent_at.is_(None)
        )
    ).all()
    sent = 0
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT", 587), timeout=20) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            for message in messages:
                email = EmailMessage()
                email["From"] = config.get("SMTP_SENDER", "portal@localhost")
                email["To"] = message.recipient
                email["Subject"] = message.subject
                email.set_content(message.body)
                try:
                    smtp.send_message(email)
                except (smtplib.SMTPException, ValueError) as exc:
                    message.error = str(exc)[:500]
                else:
                    message.sent_at = utcnow()
                    message.error = None
                    sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        for message in messages:
            if message.sent_at is None:
                message.error = f"SMTP unavailable: {exc}"[:500]
    return sent


def account_messages(session: Session, *, limit: int = 200) -> list[OutboxMessage]:
    """The newest messages not tied to an event (account e-mail), for administrators."""
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.event_id.is_(None))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ))


def unsent_account_message_ids(session: Session) -> list[int]:
    """Ids of account messages (not tied to an event) never sent nor failed yet."""
    return list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.event_id.is_(None), OutboxMessage.sent_at.is_(None),
        OutboxMessage.error.is_(None))))
