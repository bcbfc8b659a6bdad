"""Closed vocabularies shared by models, forms and the API."""

from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


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

LABELS: dict[str, LazyString] = {
    "sme": _l("SME user"),
    "military": _l("Military user"),
    "organiser": _l("Organiser"),
    "admin": _l("Administrator"),
    "pending": _l("Pending approval"),
    "active": _l("Active"),
    "disabled": _l("Disabled"),
    "company": _l("Company"),
    "research": _l("Research institute"),
    "none": _l("None"),
    "in_process": _l("In process"),
    "facility": _l("Facility clearance held"),
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "awarded": _l("Awarded"),
    "public": _l("Public"),
    "registered": _l("Registered users"),
    "vetted": _l("Vetted SMEs only"),
    "rnd_contract": _l("R&D contract"),
    "innovation_partnership": _l("Innovation partnership"),
    "prototype_test": _l("Prototype test"),
    "other": _l("Other"),
    "new": _l("New"),
    "shortlisted": _l("Shortlisted"),
    "declined": _l("Declined"),
    "invited": _l("Invited"),
    "proposed": _l("Proposed"),
    "locked": _l("Locked"),
    "removed": _l("Removed"),
    "requested": _l("Requested"),
    "accepted": _l("Accepted"),
    "no_contact": _l("No further contact"),
    "follow_up": _l("Follow-up planned"),
    "cooperation": _l("Cooperation agreed"),
    # The fit a person reads, its bands and its evidence.
    "fit_strong": _l("Strong fit"),
    "fit_good": _l("Good fit"),
    "fit_possible": _l("Possible fit"),
    "fit_weak": _l("Weak fit"),
    "text": _l("Similar meaning"),
    "terms": _l("Shared terms"),
    # Components of the ranking blend (and of event pairs stored before the fit).
    "semantic": _l("Meaning (semantic)"),
    "lexical": _l("Shared terms (lexical)"),
    "areas": _l("Technology areas"),
    "trl": _l("TRL fit"),
    "region": _l("Region"),
    "event_region": _l("Event region boost"),
}


def label(value: str | None) -> str:
    """Human label for an enum value, in the current language (used by templates)."""
    if value is None:
        return ""
    text = LABELS.get(str(value))
    return str(text) if text is not None else str(value).replace("_", " ").capitalize()


def lazy_label(value: str) -> LazyString | str:
    """:func:`label`, put into the language of whoever reads it (for choices made at import)."""
    return LABELS.get(str(value)) or str(value).replace("_", " ").capitalize()
