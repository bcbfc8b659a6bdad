"""Accounts: passwords, signup, login and throttling, session tokens, approval, roles and vetting.

Every function that changes data adds its audit row to the same session and leaves the commit to
the caller, so a change and its audit row land in one transaction.
"""

import functools
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal import search
from portal.db import utcnow
from portal.models import Area, AuditEntry, Company, User
from portal.models.enums import AccountStatus, ProfileKind, Role
from portal.services import audit

SIGNUP_ROLES: tuple[str, ...] = (Role.SME, Role.MILITARY, Role.ORGANISER)
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
AREA_KINDS: tuple[str, ...] = ("priority", "emerging")
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "auth" / "common_passwords.txt"


class AccountError(ValueError):
    """A rule of the account model forbids this; the message is fit to show to the user.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Passwords and session tokens -------------------------------------------------------------


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


# --- Emails and lookups -----------------------------------------------------------------------


def normalise_email(raw: str | None) -> str:
    """Emails are compared and stored stripped and case-folded."""
    return (raw or "").strip().casefold()


def check_email(raw: str | None) -> str:
    """Validate an email's syntax and return it normalised.

    Raises:
        ValueError: not a usable email address (message fit for the form field).
    """
    email = normalise_email(raw)
    if len(email) > 254:
        raise ValueError(_l("An email address has at most 254 characters."))
    try:
        # test_environment allows the reserved .test domain (demo data) and skips DNS.
        validate_email(email, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(_l("This is not a valid email address: %(reason)s",
                            reason=str(exc))) from None
    return email


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None


def org_number_taken(session: Session, org_number: str) -> bool:
    return session.scalar(select(Company.id).where(Company.org_number == org_number)) is not None


# --- Signup -----------------------------------------------------------------------------------


def register(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    role: str,
    company_name: str | None = None,
    profile_kind: str = ProfileKind.COMPANY,
    org_number: str | None = None,
    country: str | None = None,
    unit: str | None = None,
) -> User:
    """Create a self-registered account (and, for SME users, their company).

    SME users are active at once; military users and organisers wait for an administrator.
    Only the arguments are used, so posted extras (role=admin, clearance_verified...) cannot
    reach the rows.

    Args:
        session: the database session (not committed here).
        email: the address; normalised before the uniqueness check.
        password: the plain password; checked against the password policy, stored hashed.
        full_name: the person's name.
        role: one of ``SIGNUP_ROLES``.
        company_name: SME users: the company or institute name.
        profile_kind: SME users: "company" or "research".
        org_number: SME users: the validated 9-digit organisation number, or None if foreign.
        country: SME users: ISO country code ("NO" for Norwegian companies).
        unit: military users: the unit they act for.

    Returns:
        The new user, flushed (it has an id).

    Raises:
        AccountError: a rule is broken (email taken, organisation number taken, weak password,
            missing company or unit, role not open to signup).
    """
    email = normalise_email(email)
    if role not in SIGNUP_ROLES:
        raise AccountError(_l("Choose SME, military user or organiser."), "account_type")
    if email_taken(session, email):
        raise AccountError(_l("An account with this email already exists. Log in instead."),
                           "email")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem, "password")
    company = None
    if role == Role.SME:
        if not (company_name or "").strip():
            raise AccountError(_l("Give your company's name."), "company_name")
        if not org_number and not country:
            raise AccountError(_l("Give an organisation number or a country."), "org_number")
        if org_number and org_number_taken(session, org_number):
            raise AccountError(
                _l("A company with this organisation number is already registered. "
                   "Ask a colleague who has an account, or contact the administrators."),
                "org_number",
            )
        company = Company(
            name=company_name.strip(),
            kind=profile_kind if profile_kind in tuple(ProfileKind) else ProfileKind.COMPANY,
            org_number=org_number or None,
            country=country or "NO",
            contact_name=full_name.strip(),
            contact_email=email,
        )
        session.add(company)
    elif role == Role.MILITARY and not (unit or "").strip():
        raise AccountError(_l("Give the unit you act for."), "unit")
    user = User(
        email=email,
        password_hash=hash_password(password),
        full_name=full_name.strip(),
        role=role,
        status=AccountStatus.ACTIVE if role == Role.SME else AccountStatus.PENDING,
        unit=((unit or "").strip() or None) if role == Role.MILITARY else None,
        company=company,
        session_token=new_session_token(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "signup",
        actor=user,
        target=user,
        details={"role": role, "status": user.status,
                 "company_id": company.id if company is not None else None},
    )
    return user


# --- Login and throttling ---------------------------------------------------------------------


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


def record_logout(session: Session, user: User) -> None:
    """End every session of ``user`` server-side and audit it."""
    rotate_session_token(user)
    audit.record(session, "logout", actor=user, target=user)


# --- Password change and administrators -------------------------------------------------------


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change ``user``'s password and end all their sessions (the caller logs this one in again).

    Raises:
        AccountError: the current password is wrong, or the new one breaks the policy.
    """
    if not verify_password(user.password_hash, current or ""):
        audit.record(session, "password_change", actor=user, target=user, outcome="failure")
        raise AccountError(_l("Your current password is not correct."), "current_password")
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new)
    rotate_session_token(user)
    audit.record(session, "password_change", actor=user, target=user)


def create_admin(session: Session, email: str, password: str | None) -> tuple[User, bool]:
    """Create an active administrator, or promote the existing account with this email.

    Args:
        session: the database session (not committed here).
        email: the administrator's email.
        password: required for a new account; ignored when promoting (the password stays).

    Returns:
        (user, created): created is False when an existing account was promoted.

    Raises:
        AccountError: invalid email, or a missing or weak password for a new account.
    """
    try:
        email = check_email(email)
    except ValueError as exc:
        raise AccountError(str(exc), "email") from None
    user = find_user_by_email(session, email)
    if user is not None:
        before = {"role": user.role, "status": user.status}
        user.role = Role.ADMIN
        user.status = AccountStatus.ACTIVE
        audit.record(session, "create_admin", target=user,
                     details={"before": before, "created": False, "via": "cli"})
        return user, False
    problem = password_problem(password or "", email)
    if problem:
        raise AccountError(problem, "password")
    user = User(
        email=email,
        password_hash=hash_password(password or ""),
        full_name="",
        role=Role.ADMIN,
        status=AccountStatus.ACTIVE,
        session_token=new_session_token(),
    )
    session.add(user)
    session.flush()
    audit.record(session, "create_admin", target=user, details={"created": True, "via": "cli"})
    return user, True


# --- Administration: users --------------------------------------------------------------------


def users_query(role: str | None = None, status: str | None = None) -> Select[tuple[User]]:
    """Users for the admin list, pending first, newest first within a status."""
    query = select(User)
    if role:
        query = query.where(User.role == role)
    if status:
        query = query.where(User.status == status)
    pending_first = case((User.status == AccountStatus.PENDING, 0), else_=1)
    return query.order_by(pending_first, User.created_at.desc(), User.id.desc())


def _set_status(session: Session, admin: User, user: User, status: str, action: str) -> None:
    before = user.status
    user.status = status
    audit.record(session, action, actor=admin, target=user,
                 details={"before": {"status": before}, "after": {"status": status},
                          "email": user.email})


def approve_user(session: Session, admin: User, user: User) -> None:
    """Approve a pending account.

    Raises:
        AccountError: the account is not pending.
    """
    if user.status != AccountStatus.PENDING:
        raise AccountError(_l("Only pending accounts can be approved."))
    _set_status(session, admin, user, AccountStatus.ACTIVE, "approve_user")


def disable_user(session: Session, admin: User, user: User) -> None:
    """Disable an account; its sessions end on their next request (the token rotates).

    Raises:
        AccountError: the admin targets their own account, or it is already disabled.
    """
    if user.id == admin.id:
        raise AccountError(_l("You cannot disable your own account."))
    if user.status == AccountStatus.DISABLED:
        raise AccountError(_l("This account is already disabled."))
    rotate_session_token(user)
    _set_status(session, admin, user, AccountStatus.DISABLED, "disable_user")


def enable_user(session: Session, admin: User, user: User) -> None:
    """Re-enable a disabled account.

    Raises:
        AccountError: the account is not disabled.
    """
    if user.status != AccountStatus.DISABLED:
        raise AccountError(_l("Only disabled accounts can be re-enabled."))
    _set_status(session, admin, user, AccountStatus.ACTIVE, "enable_user")


def change_role(session: Session, admin: User, user: User, role: str) -> None:
    """Give ``user`` another role.

    Raises:
        AccountError: unknown role, no change, or an admin demoting themselves.
    """
    if role not in tuple(Role):
        raise AccountError(_l("Unknown role."))
    if user.role == role:
        raise AccountError(_l("The account already has this role."))
    if user.id == admin.id:
        raise AccountError(_l("You cannot change your own role."))
    before = user.role
    user.role = role
    # Privileges changed: make the user sign in again so no page keeps the old view.
    rotate_session_token(user)
    audit.record(session, "change_role", actor=admin, target=user,
                 details={"before": {"role": before}, "after": {"role": role},
                          "email": user.email})


# --- Administration: vetting ------------------------------------------------------------------


def companies_query(verified: bool | None = None, clearance: str | None = None,
                    name: str | None = None) -> Select[tuple[Company]]:
    """Companies for the vetting list: declared clearance first, then by name."""
    query = select(Company)
    if verified is not None:
        query = query.where(Company.clearance_verified.is_(verified))
    if clearance:
        query = query.where(Company.clearance == clearance)
    clause = search.matches(name or "", Company.search_text, (Company.name,))
    if clause is not None:
        query = query.where(clause)
    declared_first = case((Company.clearance == "facility", 0),
                          (Company.clearance == "in_process", 1), else_=2)
    return query.order_by(declared_first, Company.name, Company.id)


def vet_company(session: Session, admin: User, company: Company) -> None:
    """Mark the company's security clearance as verified; takes effect on the next request.

    Raises:
        AccountError: already verified.
    """
    if company.clearance_verified:
        raise AccountError(_l("This company is already vetted."))
    company.clearance_verified = True
    company.verified_at = utcnow()
    company.verified_by_id = admin.id
    audit.record(session, "vet_company", actor=admin, target=company,
                 details={"before": {"clearance_verified": False},
                          "after": {"clearance_verified": True},
                          "declared_clearance": company.clearance, "name": company.name})


def unvet_company(session: Session, admin: User, company: Company) -> None:
    """Revoke vetting; vetted-only challenges disappear for its users on their next request.

    Raises:
        AccountError: not vetted.
    """
    if not company.clearance_verified:
        raise AccountError(_l("This company is not vetted."))
    company.clearance_verified = False
    company.verified_at = None
    company.verified_by_id = None
    audit.record(session, "unvet_company", actor=admin, target=company,
                 details={"before": {"clearance_verified": True},
                          "after": {"clearance_verified": False}, "name": company.name})


# --- Administration: technology areas ---------------------------------------------------------



def slugify(name: str) -> str:
    """URL-safe slug: lower-case ASCII words joined by hyphens."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    slug = re.sub(r"[^a-z0-9]+", "-", name.translate(table).lower()).strip("-")
    return slug[:64] or "area"


AREA_TRANSLATIONS = ("name_nb", "name_nn", "description_nb", "description_nn")


def add_area(session: Session, admin: User, *, name: str, kind: str, description: str,
             related_ids: list[int] | None = None,
             translations: dict[str, str | None] | None = None) -> Area:
    """Add a technology area to the taxonomy, linked to areas of the other kind.

    Args:
        session: the database session (not committed here).
        admin: the administrator adding it.
        name: unique display name.
        kind: "priority" or "emerging".
        description: a few sentences; the matcher uses them to suggest areas.
        related_ids: ids of areas of the other kind (the crosswalk).
        translations: ``name_nb``, ``name_nn``, ``description_nb``, ``description_nn``; empty
            ones are stored as None (pages then show the English).

    Returns:
        The new area, flushed.

    Raises:
        AccountError: duplicate name, unknown kind, or related areas of the same kind.
    """
    name = " ".join(name.split())
    if kind not in AREA_KINDS:
        raise AccountError(_l("Choose priority area or emerging technology."), "kind")
    if session.scalar(select(Area.id).where(func.lower(Area.name) == name.lower())):
        raise AccountError(_l("An area with this name already exists."), "name")
    slug = base = slugify(name)
    n = 2
    while session.scalar(select(Area.id).where(Area.slug == slug)) is not None:
        slug = f"{base[:60]}-{n}"
        n += 1
    related = list(session.scalars(select(Area).where(Area.id.in_(related_ids or []))))
    if any(area.kind == kind for area in related):
        raise AccountError(_l("Related areas must be of the other kind."), "related")
    position = (session.scalar(select(func.max(Area.position)).where(Area.kind == kind)) or 0) + 1
    area = Area(slug=slug, name=name, kind=kind, description=description.strip(),
                position=position)
    for key in AREA_TRANSLATIONS:
        value = ((translations or {}).get(key) or "").strip()
        setattr(area, key, value or None)
    if kind == "emerging":
        area.related_priorities = related
    else:
        area.related_emerging = related
    session.add(area)
    session.flush()
    audit.record(session, "add_area", actor=admin, target=area,
                 details={"name": name, "kind": kind, "related": [a.slug for a in related]})
    return area
