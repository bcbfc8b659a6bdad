"""The world the browser flows meet: units with open challenges, an organiser, and companies.

Rows are written through the ORM once per session (see ``portal_app`` in conftest). Names are
module constants so tests refer to them instead of repeating strings.
"""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Area, Challenge, Company, User
from portal.models.enums import AccountStatus, Role
from portal.services import accounts

SEED_PASSWORD = "seeded accounts share this passphrase"
ORGANISER_EMAIL = "organiser@cluster.test"
OWNER_EMAIL = "owner@navy.test"
ARCTIC_OWNER_EMAIL = "owner@arctic.test"
NAVAL_UNIT = "Naval Acoustics Lab"
ARCTIC_UNIT = "Arctic Logistics Battalion"

PUBLIC_CHALLENGE = "Passive sonar for shallow fjord surveillance"
REGISTERED_CHALLENGE = "Hydrophone network for harbour protection"
VETTED_CHALLENGE = "Acoustic signature reduction for submarines"
ARCTIC_CHALLENGE = "Batteries for drones in Arctic cold"

EVIL_COMPANY = '=HYPERLINK("http://evil.test","x")'
SUBSEA_COMPANY = "Subsea Acoustics AS"
DRONE_COMPANY = "Polar Drone Systems AS"
MATERIALS_COMPANY = "Fjordlys Materials AS"

CHALLENGES = [
    # title, unit owner email, visibility, area slugs, problem, effect
    (PUBLIC_CHALLENGE, OWNER_EMAIL, "public", ["underwater-technology"],
     "Submarines and divers entering narrow, shallow fjords are hard to detect: reverberation "
     "from steep rock walls and freshwater layers confuse today's active sonar, and active "
     "pinging reveals the sensor. We need passive sonar and hydrophone arrays that classify "
     "underwater acoustic signatures in shallow, cluttered fjord water.",
     "Persistent passive acoustic surveillance of fjord entrances with low false alarm rates."),
    (REGISTERED_CHALLENGE, OWNER_EMAIL, "registered", ["underwater-technology",
                                                       "autonomous-systems"],
     "Naval harbours need early warning of divers and small underwater vehicles. A network of "
     "seabed hydrophones with acoustic signal processing and an autonomous underwater vehicle "
     "for classification would close the gap at the quay.",
     "Detection and classification of underwater intruders before they reach the quay."),
    (VETTED_CHALLENGE, OWNER_EMAIL, "vetted", ["underwater-technology"],
     "Reduce the radiated noise and acoustic signature of submarines: hull coatings, machinery "
     "isolation, propeller cavitation and sonar self-noise, measured with hydrophone arrays.",
     "A measurably quieter submarine against passive sonar."),
    (ARCTIC_CHALLENGE, ARCTIC_OWNER_EMAIL, "registered", ["autonomous-systems",
                                                          "innovative-materials"],
     "Small drones lose most of their battery capacity below minus twenty degrees, so Arctic "
     "patrols lose surveillance when it is needed. We look for cold-tolerant batteries, heated "
     "battery packs and power management for drones in Arctic winter operations.",
     "Drones that fly a full hour at minus thirty degrees."),
]

COMPANIES = [
    # name, county, trl, area slugs, email, description
    (SUBSEA_COMPANY, "Vestland", 6, ["underwater-technology"], "post@subsea.test",
     "Subsea Acoustics builds passive sonar, hydrophone arrays and underwater acoustic signal "
     "processing for shallow water. Our towed and seabed hydrophone arrays detect and classify "
     "submarines, divers and underwater vehicles in fjords and harbours with low false alarm "
     "rates, tested in Norwegian fjords with the navy."),
    (EVIL_COMPANY, "Vestland", 5, ["underwater-technology"], "post@evil.test",
     "We make hydrophone networks for harbour protection: seabed hydrophones, acoustic signal "
     "processing and classification of divers and small underwater vehicles near the quay, "
     "plus passive sonar buoys for fjord entrances and shallow water surveillance."),
    (DRONE_COMPANY, "Troms", 7, ["autonomous-systems", "autonomy-ai"], "post@polardrone.test",
     "Polar Drone Systems designs long-endurance drones for Arctic surveillance: cold-tolerant "
     "batteries, heated battery packs, de-icing propellers and autonomous navigation without "
     "GNSS. Our drones fly patrols at minus thirty degrees in Arctic winter operations."),
    (MATERIALS_COMPANY, "Trøndelag", 4, ["innovative-materials", "materials-technology"],
     "post@fjordlys.test",
     "Fjordlys Materials develops composite materials and coatings: ice-phobic coatings for "
     "ships, lightweight armour composites and corrosion-resistant hull coatings for "
     "maritime use."),
]


def _user(session: Session, email: str, role: str, **fields) -> User:
    user = User(email=email, password_hash=accounts.hash_password(SEED_PASSWORD), role=role,
                status=AccountStatus.ACTIVE, session_token=accounts.new_session_token(),
                **fields)
    session.add(user)
    return user


def seed_portal(session: Session) -> None:
    """Write the seeded users, challenges and companies (the caller commits)."""
    areas = {area.slug: area for area in session.scalars(select(Area))}
    owners = {
        OWNER_EMAIL: _user(session, OWNER_EMAIL, Role.MILITARY, full_name="Siri Sjø",
                           unit=NAVAL_UNIT),
        ARCTIC_OWNER_EMAIL: _user(session, ARCTIC_OWNER_EMAIL, Role.MILITARY,
                                  full_name="Per Polar", unit=ARCTIC_UNIT),
    }
    _user(session, ORGANISER_EMAIL, Role.ORGANISER, full_name="Olga Organiser")
    session.flush()
    deadline = date.today() + timedelta(days=60)
    for title, owner_email, visibility, slugs, problem, effect in CHALLENGES:
        owner = owners[owner_email]
        session.add(Challenge(
            title=title, problem=problem, effect=effect, unit=owner.unit, owner_id=owner.id,
            status="open", visibility=visibility, deadline=deadline, trl_min=3, trl_max=7,
            contract_model="rnd_contract" if visibility != "vetted" else None,
            areas=[areas[slug] for slug in slugs]))
    for name, county, trl, slugs, email, description in COMPANIES:
        company = Company(name=name, country="NO", county=county, trl=trl,
                          description=description, contact_name=f"Contact at {name}",
                          contact_email=email, clearance="none",
                          areas=[areas[slug] for slug in slugs])
        session.add(company)
        _user(session, email, Role.SME, full_name=f"User of {name}", company=company)
    session.flush()
