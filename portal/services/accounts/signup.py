"""Self-registration of accounts (and of an SME user's company)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.orm import Session

from portal.models import Company, User
from portal.models.enums import AccountStatus, ProfileKind, Role
from portal.services import audit
from portal.services.accounts.emails import email_taken, normalise_email, org_number_taken
from portal.services.accounts.errors import AccountError, ThrottledError
from portal.services.accounts.passwords import hash_password, new_session_token, password_problem
from portal.services.accounts.throttling import signup_retry_after

SIGNUP_ROLES: tuple[str, ...] = (Role.SME, Role.MILITARY, Role.ORGANISER)


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
            name=(company_name or "").strip(),
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


def record_signup_refusal(session: Session, email: str, field: str | None,
                          ip: str | None) -> None:
    """Audit a refused signup (the caller has rolled the attempt back): the signup throttle
    counts these rows along with successful signups."""
    audit.record(session, "signup", actor_email=normalise_email(email)[:254], outcome="failure",
                 ip=ip, details={"field": field})


def check_signup_throttle(session: Session, email: str, ip: str | None) -> None:
    """Refuse another signup attempt from ``ip`` while its budget is spent (audited).

    Raises:
        ThrottledError: too many signups from this address lately.
    """
    retry_after = signup_retry_after(session, ip)
    if retry_after is None:
        return
    audit.record(session, "signup", actor_email=normalise_email(email)[:254], ip=ip,
                 outcome="throttled", details={"retry_after": retry_after})
    minutes = max(1, round(retry_after / 60))
    raise ThrottledError(lazy_ngettext(
        "Too many signups from your network. Wait about %(num)d minute and try again.",
        "Too many signups from your network. Wait about %(num)d minutes and try again.",
        minutes), retry_after)
