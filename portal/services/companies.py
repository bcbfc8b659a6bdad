"""Who may open a company profile: the company's own users, and staff (audit-logged)."""

from sqlalchemy.orm import Session

from portal.models import Company, User
from portal.models.enums import Role
from portal.services import audit
from portal.services.errors import NotFound

STAFF_ROLES = (Role.MILITARY, Role.ORGANISER, Role.ADMIN)


class CompanyNotFoundError(NotFound):
    """No such company, or the viewer may not open its profile (told apart from nothing)."""


def is_staff(user: User | None) -> bool:
    """Approved military users, organisers and administrators: they read company profiles."""
    return user is not None and getattr(user, "is_authenticated", False) and \
        user.has_role(*STAFF_ROLES)


def may_open_profile(user: User | None, company: Company) -> bool:
    """Staff open any profile; an SME user only their own company's."""
    if is_staff(user):
        return True
    return (user is not None and getattr(user, "is_authenticated", False)
            and user.has_role(Role.SME) and user.company_id == company.id)


def profile_for(session: Session, viewer: User, company_id: int) -> Company:
    """The company ``viewer`` may open; a staff view is recorded in the audit log.

    Args:
        session: database session (the caller commits the audit row).
        viewer: the logged-in user.
        company_id: the profile asked for.

    Raises:
        CompanyNotFoundError: no such company, or ``viewer`` may not open it.
    """
    company = session.get(Company, company_id)
    if company is None or not may_open_profile(viewer, company):
        raise CompanyNotFoundError(f"No company {company_id}.")
    if is_staff(viewer) and viewer.company_id != company.id:
        audit.record(session, "company_profile_view", actor=viewer, target=company,
                     details={"role": str(viewer.role)})
    return company
