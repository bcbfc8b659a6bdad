"""Email addresses: normalising, validating, and looking accounts up by them."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Company, User


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
