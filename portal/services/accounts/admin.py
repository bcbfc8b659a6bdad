"""What administrators do to accounts and companies: create, approve, disable, roles, vetting."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from portal import search
from portal.db import utcnow
from portal.models import Company, User
from portal.models.enums import AccountStatus, Role
from portal.services import audit
from portal.services.accounts import notices
from portal.services.accounts.emails import check_email, find_user_by_email
from portal.services.accounts.errors import AccountError
from portal.services.accounts.passwords import (
    end_all_sessions_and_tokens,
    hash_password,
    new_session_token,
    password_problem,
    rotate_session_token,
)


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
        # The operator who runs the command on the server vouches for the address.
        email_verified_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(session, "create_admin", target=user, details={"created": True, "via": "cli"})
    return user, True


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
    notices.account_status_changed(session, user, action)


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
    # Sessions end on their next request; API tokens end for good (re-enabling revives none).
    end_all_sessions_and_tokens(session, user, "disable_user")
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
    notices.role_changed(session, user, before, role)


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
    notices.vetting_changed(session, company, vetted=True)


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
    notices.vetting_changed(session, company, vetted=False)
