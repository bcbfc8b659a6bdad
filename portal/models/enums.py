"""Closed vocabularies shared by models, forms and the API."""

from enum import StrEnum


class Role(StrEnum):
    SME = "sme"
    MILITARY = "military"
    ORGANISER = "organiser"
    ADMIN = "admin"


class AccountStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DISABLED = "disabled"


class ProfileKind(StrEnum):
    COMPANY = "company"
    RESEARCH = "research"


class SizeBand(StrEnum):
    MICRO = "1-9"
    SMALL = "10-49"
    MEDIUM = "50-249"
    LARGE = "250+"


class Clearance(StrEnum):
    NONE = "none"
    IN_PROCESS = "in_process"
    FACILITY = "facility"


class ChallengeStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    AWARDED = "awarded"


class Visibility(StrEnum):
    PUBLIC = "public"
    REGISTERED = "registered"
    VETTED = "vetted"


class ContractModel(StrEnum):
    RND = "rnd_contract"
    INNOVATION_PARTNERSHIP = "innovation_partnership"
    PROTOTYPE_TEST = "prototype_test"
    OTHER = "other"


class InterestStatus(StrEnum):
    NEW = "new"
    SHORTLISTED = "shortlisted"
    DECLINED = "declined"


class EventStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class RegistrationStatus(StrEnum):
    INVITED = "invited"
    REGISTERED = "registered"
    DECLINED = "declined"


class PairState(StrEnum):
    """Life of one proposed challenge-company pair at an event."""

    PROPOSED = "proposed"
    LOCKED = "locked"
    REMOVED = "removed"
    INVITED = "invited"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MeetingOutcome(StrEnum):
    NO_CONTACT = "no_contact"
    FOLLOW_UP = "follow_up"
    COOPERATION = "cooperation"


COUNTIES: tuple[str, ...] = (
    "Agder",
    "Akershus",
    "Buskerud",
    "Finnmark",
    "Innlandet",
    "Møre og Romsdal",
    "Nordland",
    "Oslo",
    "Rogaland",
    "Telemark",
    "Troms",
    "Trøndelag",
    "Vestfold",
    "Vestland",
    "Østfold",
)

LABELS: dict[str, str] = {
    "sme": "SME user",
    "military": "Military user",
    "organiser": "Organiser",
    "admin": "Administrator",
    "pending": "Pending approval",
    "active": "Active",
    "disabled": "Disabled",
    "company": "Company",
    "research": "Research institute",
    "none": "None",
    "in_process": "In process",
    "facility": "Facility clearance held",
    "draft": "Draft",
    "open": "Open",
    "closed": "Closed",
    "awarded": "Awarded",
    "public": "Public",
    "registered": "Registered users",
    "vetted": "Vetted SMEs only",
    "rnd_contract": "R&D contract",
    "innovation_partnership": "Innovation partnership",
    "prototype_test": "Prototype test",
    "other": "Other",
    "new": "New",
    "shortlisted": "Shortlisted",
    "declined": "Declined",
    "invited": "Invited",
    "proposed": "Proposed",
    "locked": "Locked",
    "removed": "Removed",
    "requested": "Requested",
    "accepted": "Accepted",
    "no_contact": "No further contact",
    "follow_up": "Follow-up planned",
    "cooperation": "Cooperation agreed",
    # Match score components.
    "semantic": "Meaning (semantic)",
    "lexical": "Shared terms (lexical)",
    "areas": "Technology areas",
    "trl": "TRL fit",
    "region": "Region",
    "event_region": "Event region boost",
}


def label(value: str | None) -> str:
    """Human label for an enum value (used by templates)."""
    if value is None:
        return ""
    return LABELS.get(str(value), str(value).replace("_", " ").capitalize())
