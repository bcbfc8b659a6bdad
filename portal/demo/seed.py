"""Writing the demo content into the database, idempotently.

Rows are keyed on natural keys (organisation number or name, e-mail, title, challenge+company),
so running the seed twice changes nothing and creates no duplicates.
"""

import hashlib
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.demo.data import (
    BRIGADE_NORTH,
    CHALLENGES,
    COMPANIES,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    INTERESTS,
)
from portal.models import Area, Challenge, Company, Interest, User
from portal.models.enums import AccountStatus, Role
from portal.services import accounts, audit
from portal.services.validation import org_number_check_digit, validate_org_number

CONTACT_NAMES = (
    "Astrid Berg", "Bjørn Haugen", "Camilla Solberg", "Dag Olsen", "Elin Strand", "Frode Lie",
    "Guro Nilsen", "Håkon Dahl", "Ida Bakken", "Jon Eriksen", "Kristin Moe", "Lars Aune",
    "Marte Holm", "Nils Sand", "Oda Lunde", "Per Vik",
)


def demo_org_number(name: str) -> str:
    """A deterministic, valid (modulus-11) organisation number for a demo company name.

    The first digit is 9, like most numbers issued today; prefixes whose check digit would be
    10 are skipped.
    """
    seed = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    prefix = 90_000_000 + seed % 9_999_990
    while (check := org_number_check_digit(str(prefix))) is None:
        prefix += 1
    return validate_org_number(f"{prefix}{check}")


def _slug(name: str) -> str:
    base = name.lower().removesuffix(" as")
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "-"})
    return "".join(ch for ch in base.translate(table) if ch.isalnum() or ch == "-")[:40]


def _company_from(spec: dict, index: int, areas: dict[str, Area]) -> Company:
    slug = _slug(spec["name"])
    return Company(
        kind=spec["kind"],
        name=spec["name"],
        org_number=demo_org_number(spec["name"]),
        country="NO",
        county=spec["county"],
        municipality=spec["municipality"],
        size_band=spec["size_band"],
        website=f"https://{slug}.example",
        contact_name=CONTACT_NAMES[index % len(CONTACT_NAMES)],
        contact_email=f"post@{slug}.example",
        contact_phone=f"+47 {40 + index % 60:02d} {10 + index:02d} {(index * 37) % 100:02d} "
                      f"{(index * 53) % 100:02d}",
        description=spec["description"],
        trl=spec["trl"],
        clearance=spec["clearance"],
        clearance_verified=spec["verified"],
        verified_at=utcnow() if spec["verified"] else None,
        export_control_experience=spec["export_control"],
        norwegian_owned=spec["norwegian_owned"],
        areas=[areas[slug] for slug in spec["areas"] if slug in areas],
    )


def _seed_companies(session: Session, areas: dict[str, Area], created: Counter) -> dict:
    companies: dict[str, Company] = {}
    for index, spec in enumerate(COMPANIES):
        company = session.scalar(select(Company).where(or_(
            Company.org_number == demo_org_number(spec["name"]), Company.name == spec["name"])))
        if company is None:
            company = _company_from(spec, index, areas)
            session.add(company)
            created["research_institutes" if spec["kind"] == "research" else "companies"] += 1
        companies[spec["name"]] = company
    session.flush()
    return companies


def _seed_users(session: Session, companies: dict[str, Company], created: Counter) -> dict:
    users: dict[str, User] = {}
    for email, role, full_name, unit, company_name in DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                password_hash=accounts.hash_password(DEMO_PASSWORD),
                full_name=full_name,
                role=role,
                status=AccountStatus.ACTIVE,
                unit=unit,
                company=companies.get(company_name) if company_name else None,
                session_token=accounts.new_session_token(),
                # Demo addresses are fictional: treat them as verified so the demo's
                # invitations reach the outbox as a real verified user's would.
                email_verified_at=utcnow(),
            )
            session.add(user)
            created["users"] += 1
        users[email] = user
    session.flush()
    admin = users.get("admin@demo.test")
    if admin is not None:
        for company in companies.values():
            if company.clearance_verified and company.verified_by_id is None:
                company.verified_by_id = admin.id
    return users


def _seed_challenges(session: Session, areas: dict[str, Area], owner: User | None,
                     created: Counter) -> dict:
    challenges: dict[str, Challenge] = {}
    today = date.today()
    for spec in CHALLENGES:
        challenge = session.scalar(select(Challenge).where(Challenge.title == spec["title"]))
        if challenge is None:
            challenge = Challenge(
                title=spec["title"],
                problem=spec["problem"],
                context=spec["context"],
                effect=spec["effect"],
                trl_min=spec["trl_min"],
                trl_max=spec["trl_max"],
                deadline=today + timedelta(days=spec["deadline_days"]),
                contract_model=spec["contract_model"],
                county=spec["county"],
                unit=spec["unit"],
                owner_id=owner.id if owner is not None and spec["unit"] == BRIGADE_NORTH
                else None,
                status=spec["status"],
                visibility=spec["visibility"],
                areas=[areas[slug] for slug in spec["areas"] if slug in areas],
            )
            session.add(challenge)
            created["challenges"] += 1
        challenges[spec["title"]] = challenge
    session.flush()
    return challenges


def _seed_interests(session: Session, challenges: dict, companies: dict,
                    created: Counter) -> None:
    for title, company_name, status, pitch in INTERESTS:
        challenge, company = challenges[title], companies[company_name]
        exists = session.scalar(select(Interest.id).where(Interest.challenge_id == challenge.id,
                                                          Interest.company_id == company.id))
        if exists is None:
            author = session.scalar(select(User).where(User.company_id == company.id).limit(1))
            session.add(Interest(challenge_id=challenge.id, company_id=company.id,
                                 user_id=author.id if author else None, pitch=pitch,
                                 status=status))
            created["interests"] += 1
    session.flush()


def seed_demo(session: Session) -> dict:
    """Write the demo companies, institutes, accounts, challenges and interests.

    Idempotent: rows that already exist (by organisation number or name, e-mail, title, or
    challenge and company) are left untouched. Demo users get the normal password hashing.

    Args:
        session: database session; the caller commits.

    Returns:
        ``{"created": {kind: n}, "totals": {kind: n}}`` with the rows created by this run and
        the totals now in the database.
    """
    areas = {area.slug: area for area in session.scalars(select(Area))}
    created: Counter = Counter()
    companies = _seed_companies(session, areas, created)
    users = _seed_users(session, companies, created)
    challenges = _seed_challenges(session, areas, users.get("military@demo.test"), created)
    _seed_interests(session, challenges, companies, created)
    if created:
        audit.record(session, "seed_demo", actor_email="cli", details=dict(created))
    totals = {
        "companies": session.scalar(select(func.count(Company.id))
                                    .where(Company.kind == "company")) or 0,
        "research_institutes": session.scalar(select(func.count(Company.id))
                                              .where(Company.kind == "research")) or 0,
        "users": session.scalar(select(func.count(User.id))) or 0,
        "challenges": session.scalar(select(func.count(Challenge.id))) or 0,
        "interests": session.scalar(select(func.count(Interest.id))) or 0,
    }
    return {"created": dict(created), "totals": totals}


def demo_accounts() -> list[tuple[str, str, str]]:
    """(email, role, note) of each demo account, for printing after seeding."""
    notes = {
        "admin@demo.test": "administrator",
        "military@demo.test": f"military user, {BRIGADE_NORTH}",
        "organiser@demo.test": "organiser",
        "sme@demo.test": "SME user, company not vetted",
        "vetted-sme@demo.test": "SME user, company vetted",
    }
    return [(email, Role(role).value, notes.get(email, "")) for email, role, *_ in DEMO_ACCOUNTS]
