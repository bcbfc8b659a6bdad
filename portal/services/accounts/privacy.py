"""Privacy rights: download everything held about you, and delete your account.

Deletion erases or anonymises personal data while keeping what belongs to others:

* the account row stays (other rows point at it) but loses its email, name, password, unit and
  company; it is disabled for good and its sessions and API tokens end;
* audit entries stay, in order and complete, with the person replaced by a stable pseudonym
  (``deleted-user-<hmac>``): in ``actor_email``, and inside ``details`` wherever the email or
  name appeared; the deletion itself is audited under the same pseudonym;
* notifications, API tokens and e-mail addressed to the person are deleted; interests,
  feedback and shortlists they made stay with their company or challenge, unattributed;
* a military user's challenges stay with the unit (any approved user of the unit edits them);
  an organiser's events stay, managed by administrators;
* when the last user of a company leaves, the profile is withdrawn: out of matching, its event
  registrations declined, its contact details erased.
"""

import hashlib
import hmac
import json
import secrets
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import (
    ApiToken,
    AuditEntry,
    Challenge,
    Event,
    EventPair,
    EventRegistration,
    Interest,
    MatchFeedback,
    Meeting,
    Notification,
    OutboxMessage,
    Shortlist,
    User,
)
from portal.models.enums import AccountStatus, RegistrationStatus
from portal.services import audit
from portal.services.accounts.passwords import (
    check_current_password,
    end_all_sessions_and_tokens,
)

EXPORT_FORMAT = "portal-personal-data/1"
# Never exported: secrets, even hashed.
SECRET_COLUMNS = frozenset({"password_hash", "session_token", "token_hash"})


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def _row(obj: Any) -> dict[str, Any]:
    return {column.name: _value(getattr(obj, column.key))
            for column in obj.__mapper__.columns if column.name not in SECRET_COLUMNS}


def _audit_about(user: User) -> ColumnElement[bool]:
    return or_(AuditEntry.actor_id == user.id,
               AuditEntry.actor_email == user.email,
               (AuditEntry.target_type == "user") & (AuditEntry.target_id == user.id))


def export_data(session: Session, user: User) -> dict[str, Any]:
    """Everything the portal holds about ``user``, as one JSON-ready mapping.

    The account, the company profile (with its areas), the interests and match feedback the
    user gave, the company's event registrations and meetings, the user's notifications and
    API tokens (names and prefixes, never the secrets), e-mail addressed to them, and every
    audit entry by or about them.
    """
    company = user.company
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": utcnow().isoformat(),
        "account": _row(user),
        "company": None,
        "interests": [_row(i) for i in session.scalars(
            select(Interest).where(Interest.user_id == user.id).order_by(Interest.id))],
        "feedback": [_row(f) for f in session.scalars(
            select(MatchFeedback).where(MatchFeedback.user_id == user.id)
            .order_by(MatchFeedback.id))],
        "shortlists": [_row(s) for s in session.scalars(
            select(Shortlist).where(Shortlist.user_id == user.id).order_by(Shortlist.id))],
        "event_registrations": [],
        "meetings": [],
        "notifications": [_row(n) for n in session.scalars(
            select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.id))],
        "api_tokens": [_row(t) for t in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))],
        "emails": [_row(m) for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == user.email)
            .order_by(OutboxMessage.id))],
        "audit": [_row(a) for a in session.scalars(
            select(AuditEntry).where(_audit_about(user)).order_by(AuditEntry.id))],
    }
    if company is not None:
        data["company"] = {**_row(company), "areas": [a.slug for a in company.areas]}
        data["event_registrations"] = [_row(r) for r in session.scalars(
            select(EventRegistration).where(EventRegistration.company_id == company.id)
            .order_by(EventRegistration.id))]
        data["meetings"] = [_row(m) for m in session.scalars(
            select(Meeting).join(EventPair, Meeting.pair_id == EventPair.id)
            .where(EventPair.company_id == company.id).order_by(Meeting.id))]
    return data


def export_json(session: Session, user: User) -> bytes:
    """:func:`export_data` as UTF-8 JSON (the download)."""
    return json.dumps(export_data(session, user), ensure_ascii=False, indent=2,
                      sort_keys=True).encode("utf-8")


def pseudonym(user_id: int) -> str:
    """The stable pseudonym that replaces a deleted user in the audit log.

    A keyed hash of the account id: the same person always gets the same pseudonym (so the
    trail still reads as one actor), and nobody without the secret key can reverse it.
    """
    key = current_app.config["SECRET_KEY"]
    key = key.encode("utf-8") if isinstance(key, str) else key
    digest = hmac.new(key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"deleted-user-{digest[:12]}"


def _scrub(text: str, needles: list[str], replacement: str) -> str:
    for needle in needles:
        if needle:
            text = text.replace(needle, replacement)
            # json.dumps escapes non-ASCII characters in details.
            escaped = json.dumps(needle)[1:-1]
            if escaped != needle:
                text = text.replace(escaped, replacement)
    return text


def _pseudonymise_audit(session: Session, user: User, alias: str) -> None:
    needles = sorted({user.email, (user.full_name or "").strip()} - {""}, key=len, reverse=True)
    # Only rows the person acted in (or typed their email into) name them as the actor; rows
    # where an administrator acted on them keep that administrator.
    session.execute(update(AuditEntry).where(or_(
        AuditEntry.actor_id == user.id, AuditEntry.actor_email == user.email))
        .values(actor_email=alias))
    for needle in needles:
        escaped = json.dumps(needle)[1:-1]
        rows = session.scalars(select(AuditEntry).where(or_(
            AuditEntry.details.contains(needle), AuditEntry.details.contains(escaped),
            AuditEntry.actor_email == needle)))
        for entry in rows:
            entry.details = _scrub(entry.details, needles, alias)
            if entry.actor_email == needle:
                entry.actor_email = alias


def _withdraw_company(session: Session, user: User) -> bool:
    """Withdraw the user's company when they are its last user; erase their contact details."""
    company = user.company
    if company is None:
        return False
    if company.contact_email == user.email:
        company.contact_email = None
    if (company.contact_name or "").strip() and company.contact_name.strip() == (
            user.full_name or "").strip():
        company.contact_name = None
    others = session.scalar(select(func.count(User.id)).where(
        User.company_id == company.id, User.id != user.id,
        User.status != AccountStatus.DISABLED)) or 0
    if others:
        return False
    company.withdrawn_at = utcnow()
    company.contact_name = company.contact_email = company.contact_phone = None
    session.execute(update(EventRegistration).where(EventRegistration.company_id == company.id)
                    .values(status=RegistrationStatus.DECLINED))
    return True


def delete_account(session: Session, user: User, password: str) -> str:
    """Delete ``user``'s account after checking their password; returns the audit pseudonym.

    Raises:
        ThrottledError: too many wrong passwords lately (shared with the password change).
        AccountError: the password is wrong.
    """
    check_current_password(session, user, password, "account_delete")
    alias = pseudonym(user.id)
    old_email = user.email
    withdrawn = _withdraw_company(session, user)
    end_all_sessions_and_tokens(session, user, "account_delete")
    session.flush()
    _pseudonymise_audit(session, user, alias)
    session.execute(delete(Notification).where(Notification.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == old_email))
    for model in (Interest, MatchFeedback, Shortlist):
        session.execute(update(model).where(model.user_id == user.id).values(user_id=None))
    session.execute(update(Challenge).where(Challenge.owner_id == user.id).values(owner_id=None))
    session.execute(update(Event).where(Event.organiser_id == user.id)
                    .values(organiser_id=None))
    user.email = f"{alias}@deleted.invalid"
    user.full_name = ""
    user.password_hash = "!deleted$" + secrets.token_hex(16)  # never matches any password
    user.status = AccountStatus.DISABLED
    user.unit = None
    user.company = None
    user.last_login_at = None
    user.email_verified_at = None
    audit.record(session, "account_delete", actor_email=alias, target=user,
                 details={"company_withdrawn": withdrawn})
    return alias
