"""Company and research-institute profiles: saving them safely and judging their completeness."""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Area, Company, User
from portal.models.enums import AccountStatus, Clearance, ProfileKind, Role, SizeBand
from portal.services import audit
from portal.services.errors import Conflict
from portal.services.matching import refresh_after_commit
from portal.services.notifications import notify
from portal.services.validation import (
    validate_country,
    validate_org_number,
    validate_trl,
    validate_website,
)

# Changing any of these makes it another legal identity: vetting ends at once (checklist 27).
IDENTITY_FIELDS = ("name", "org_number", "country", "norwegian_owned")
# The matcher reads the description; below this many words it has little to go on.
RECOMMENDED_DESCRIPTION_WORDS = 100


class DuplicateOrgNumberError(Conflict):
    """Another profile already holds this organisation number."""


@dataclass
class ProfileData:
    """The user-editable profile fields.

    ``clearance_verified`` is deliberately absent: only an admin sets it, elsewhere.
    """

    name: str
    kind: str = ProfileKind.COMPANY
    org_number: str | None = None
    country: str = "NO"
    county: str | None = None
    municipality: str | None = None
    size_band: str | None = None
    website: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    description: str = ""
    area_ids: list[int] = field(default_factory=list)
    trl: int | None = None
    clearance: str = Clearance.NONE
    export_control_experience: bool = False
    norwegian_owned: bool = True


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    hint: str


def word_count(text: str | None) -> int:
    return len((text or "").split())


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def org_number_taken(session: Session, org_number: str, company_id: int | None) -> bool:
    """Whether another profile than ``company_id`` holds ``org_number``."""
    statement = select(Company.id).where(Company.org_number == org_number)
    if company_id is not None:
        statement = statement.where(Company.id != company_id)
    return session.scalar(statement.limit(1)) is not None


def save_profile(session: Session, user: User, company: Company | None,
                 data: ProfileData) -> Company:
    """Create or update the company profile of ``user``.

    A new profile is linked to ``user``. Changing the clearance status, or any field of the
    legal identity (``IDENTITY_FIELDS``), withdraws any admin verification, since the admin
    verified the old status of the old identity; a withdrawal by identity change is audited on
    its own and every active administrator is notified. The description is queued for the
    matcher's encoding worker in this transaction and encoded after the caller commits (a
    failure to do so never fails the save: see :mod:`portal.services.matching.refresh`).

    Args:
        session: database session.
        user: the SME user saving the profile (the audit actor).
        company: the profile to update, or None to create one.
        data: the validated form fields.

    Returns:
        The saved company (flushed).

    Raises:
        DuplicateOrgNumberError: another profile holds the organisation number. The unique
            constraint still guards a concurrent save: the caller maps IntegrityError likewise.
        ValueError: a field fails validation (forms validate first; this guards other callers).
    """
    country = validate_country(data.country or "NO")
    org_number = (validate_org_number(data.org_number)
                  if data.org_number and _blank_to_none(data.org_number) else None)
    if country == "NO" and org_number is None:
        raise ValueError(_l("Norwegian companies give their organisation number."))
    if org_number and org_number_taken(session, org_number, company.id if company else None):
        raise DuplicateOrgNumberError(
            _l("A profile with this organisation number is already registered. Ask a colleague "
               "to add you, or contact the administrators.")
        )
    website = _blank_to_none(data.website)
    creating = company is None
    if company is None:
        company = Company()
        session.add(company)
        user.company = company
    old_clearance = None if creating else company.clearance
    old_identity = None if creating else identity_of(company)

    company.kind = ProfileKind(data.kind)
    company.name = data.name.strip()
    company.org_number = org_number
    company.country = country
    company.county = _blank_to_none(data.county)
    company.municipality = _blank_to_none(data.municipality)
    company.size_band = SizeBand(data.size_band) if data.size_band else None
    company.website = validate_website(website) if website else None
    company.contact_name = _blank_to_none(data.contact_name)
    company.contact_email = _blank_to_none(data.contact_email)
    company.contact_phone = _blank_to_none(data.contact_phone)
    company.description = (data.description or "").strip()
    company.trl = validate_trl(data.trl) if data.trl is not None else None
    company.clearance = Clearance(data.clearance)
    company.export_control_experience = bool(data.export_control_experience)
    company.norwegian_owned = bool(data.norwegian_owned)
    company.areas = (list(session.scalars(select(Area).where(Area.id.in_(data.area_ids))))
                     if data.area_ids else [])

    details: dict[str, Any] = {}
    identity_changes = {} if old_identity is None else {
        name: {"before": old_identity[name], "after": value}
        for name, value in identity_of(company).items() if old_identity[name] != value
    }
    was_vetted = bool(company.clearance_verified)
    if not creating and old_clearance != company.clearance:
        details["clearance"] = {"before": old_clearance, "after": company.clearance}
    if identity_changes:
        details["identity"] = identity_changes
    if details and was_vetted:
        # The administrators vetted this clearance of this legal identity, not its successor.
        details["verification_withdrawn"] = True
    if details:
        company.clearance_verified = False
        company.verified_at = None
        company.verified_by_id = None
    session.flush()
    audit.record(session, "company_create" if creating else "company_update", actor=user,
                 target=company, details=details or None)
    if was_vetted and identity_changes:
        audit.record(session, "vetting_withdrawn", actor=user, target=company,
                     details={"reason": "identity_change", "identity": identity_changes})
        _tell_admins_vetting_ended(session, company, sorted(identity_changes))
    refresh_after_commit(session, company)
    return company


def identity_of(company: Company) -> dict[str, object]:
    """The fields that make up a company's legal identity; vetting belongs to these values."""
    return {name: getattr(company, name) for name in IDENTITY_FIELDS}


# The identity fields as an administrator reads them in a notification.
IDENTITY_NAMES = {"name": _l("name"), "org_number": _l("organisation number"),
                  "country": _l("country"), "norwegian_owned": _l("Norwegian ownership")}


class _FieldList:
    """Field names joined in the language the notification is written in."""

    def __init__(self, names: list[object]) -> None:
        self.names = names

    def __str__(self) -> str:
        return ", ".join(str(name) for name in self.names)


def _tell_admins_vetting_ended(session: Session, company: Company, fields: list[str]) -> None:
    admins = session.scalars(select(User).where(User.role == Role.ADMIN,
                                                User.status == AccountStatus.ACTIVE)).all()
    names = _FieldList([IDENTITY_NAMES[f] for f in fields])
    message = _l("The vetting of %(company)s ended: its %(fields)s changed. Vet it again if the "
                 "new identity qualifies.", company=company.name, fields=names)
    for admin in admins:
        notify(session, admin, message, "/admin/companies")


def company_users(session: Session, company: Company) -> list[User]:
    """The accounts attached to a profile, by email."""
    return list(session.scalars(
        select(User).where(User.company_id == company.id).order_by(User.email)
    ))


def profile_checklist(company: Company | None) -> list[ChecklistItem]:
    """What a profile still lacks for good matches, in the order a user would fix it."""
    if company is None:
        return [ChecklistItem(_l("Create your company profile"), False,
                              _l("Matching and interests need a profile."))]
    words = word_count(company.description)
    return [
        ChecklistItem(_l("Capability description of %(count)d+ words",
                         count=RECOMMENDED_DESCRIPTION_WORDS),
                      words >= RECOMMENDED_DESCRIPTION_WORDS,
                      _l("Now %(words)d words. Name products, methods, customers and test "
                         "results.", words=words)),
        ChecklistItem(_l("Technology areas chosen"), bool(company.areas),
                      _l("Pick the priority and emerging areas you work in.")),
        ChecklistItem(_l("TRL of main offering"), company.trl is not None,
                      _l("Challenges ask for a TRL range.")),
        ChecklistItem(_l("Region (county)"), bool(company.county),
                      _l("Regional events invite companies from their county first.")),
        ChecklistItem(_l("Contact person and email"),
                      bool(company.contact_name and company.contact_email),
                      _l("Challenge owners contact you here.")),
        ChecklistItem(_l("Website"), bool(company.website),
                      _l("Lets owners learn more about you.")),
        ChecklistItem(_l("Size band"), bool(company.size_band),
                      _l("Some calls are for small firms.")),
    ]


def admin_counts(session: Session) -> dict[str, int]:
    """Work waiting for admins: accounts to approve and claimed clearances to verify."""
    return {
        "pending_users": session.scalar(
            select(func.count(User.id)).where(User.status == AccountStatus.PENDING)
        ) or 0,
        "awaiting_vetting": session.scalar(
            select(func.count(Company.id)).where(Company.clearance != Clearance.NONE,
                                                 Company.clearance_verified.is_(False))
        ) or 0,
        "unvetted_companies": session.scalar(
            select(func.count(Company.id)).where(Company.clearance_verified.is_(False))
        ) or 0,
    }
