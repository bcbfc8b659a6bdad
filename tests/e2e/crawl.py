"""The pages every role reaches, for the accessibility and phone-width crawls.

``crawl_world`` adds what the seeded world lacks for a full crawl (an event run from
matchmaking to a schedule, a vetted company, an account waiting for approval) through the
services, once per database. ``crawl_pages`` lists each role's main pages as URLs.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from sqlalchemy import select

from portal.db import db
from portal.models import Challenge, Company, Event, EventPair, User
from portal.models.enums import AccountStatus, Role
from portal.services import accounts
from portal.services import events as event_service

from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from .seed import (
    ARCTIC_CHALLENGE,
    DRONE_COMPANY,
    ORGANISER_EMAIL,
    OWNER_EMAIL,
    PUBLIC_CHALLENGE,
    REGISTERED_CHALLENGE,
    SEED_PASSWORD,
    SUBSEA_COMPANY,
    VETTED_CHALLENGE,
)

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CRAWL_EVENT = "Bergen subsea cluster day"
PENDING_EMAIL = "pending@navy.test"
SME_EMAIL = "post@polardrone.test"        # an SME whose clearance is not verified
VETTED_SME_EMAIL = "post@subsea.test"     # made vetted by ``crawl_world``
PHONE = {"width": 390, "height": 844}

LOGINS = {
    "anonymous": None,
    "pending": (PENDING_EMAIL, SEED_PASSWORD),
    "sme": (SME_EMAIL, SEED_PASSWORD),
    "vetted-sme": (VETTED_SME_EMAIL, SEED_PASSWORD),
    "military": (OWNER_EMAIL, SEED_PASSWORD),
    "organiser": (ORGANISER_EMAIL, SEED_PASSWORD),
    "admin": (ADMIN_EMAIL, ADMIN_PASSWORD),
}
ROLES = list(LOGINS)


@dataclass(frozen=True)
class World:
    event_id: int
    challenges: dict[str, int]
    companies: dict[str, int]


def _by_email(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _build_event(organiser: User, challenges: dict[str, int]) -> Event:
    session = db.session
    event = event_service.create_event(
        session, organiser, name=CRAWL_EVENT, description="Meet the navy in 1:1 meetings.",
        county="Vestland", venue="Haakonsvern naval base, Bergen",
        date=date.today() + timedelta(days=30), start_time=time(9), end_time=time(12),
        meeting_minutes=20, tables=3, regional_boost=0.1)
    for title in (PUBLIC_CHALLENGE, REGISTERED_CHALLENGE, ARCTIC_CHALLENGE):
        event_service.attach_challenge(session, event, challenges[title], organiser)
    event_service.set_status(session, event, "open", organiser)
    event_service.run_matchmaking(session, event, organiser, top_n=3)
    event_service.send_invitations(session, event, organiser, link="http://portal.test/")
    pairs = session.scalars(select(EventPair).where(EventPair.event_id == event.id,
                                                    EventPair.state == "invited")).all()
    for pair in pairs:
        user = session.scalar(select(User).where(User.company_id == pair.company_id))
        event_service.respond_to_invitation(session, event, pair, user, accept=True)
    event_service.schedule_event(session, event, organiser)
    return event


def crawl_world(app) -> World:
    """Complete the seeded world for the crawl (idempotent: once per database)."""
    with app.app_context():
        session = db.session
        challenges = {c.title: c.id for c in session.scalars(select(Challenge))}
        companies = {c.name: c.id for c in session.scalars(select(Company))}
        event = session.scalar(select(Event).where(Event.name == CRAWL_EVENT))
        if event is None:
            subsea = session.get(Company, companies[SUBSEA_COMPANY])
            subsea.clearance, subsea.clearance_verified = "facility", True
            session.add(User(email=PENDING_EMAIL, role=Role.MILITARY,
                             password_hash=accounts.hash_password(SEED_PASSWORD),
                             status=AccountStatus.PENDING, full_name="Petter Pending",
                             unit="Coastal Ranger Command",
                             session_token=accounts.new_session_token()))
            event = _build_event(_by_email(ORGANISER_EMAIL), challenges)
            session.commit()
        world = World(event_id=event.id, challenges=challenges, companies=companies)
        session.remove()
        return world


def crawl_pages(role: str, world: World) -> list[str]:
    """The main pages of ``role``, as paths."""
    event = f"/events/{world.event_id}"
    public = world.challenges[PUBLIC_CHALLENGE]
    registered = world.challenges[REGISTERED_CHALLENGE]
    common = ["/", "/challenges/", f"/challenges/{public}", "/taxonomy", "/about",
              "/accessibility"]
    signed_in = ["/dashboard", "/notifications", "/account/", "/events/", event,
                 f"{event}/agenda"]
    pages = {
        "anonymous": [*common, "/auth/login", "/auth/signup", "/no-such-page"],
        "pending": ["/pending"],
        "sme": [*common[1:3], *signed_in, f"/challenges/{registered}", "/company/",
                "/company/edit", "/company/interests", "/recommendations",
                "/company/areas/suggestions"],
        "vetted-sme": [*signed_in[:1], f"/challenges/{world.challenges[VETTED_CHALLENGE]}",
                       "/recommendations", "/company/", event],
        "military": [*signed_in, "/challenges/mine", "/challenges/new",
                     f"/challenges/{registered}/edit", f"/challenges/{registered}/matches",
                     f"/challenges/{public}/matches"],
        "organiser": [*signed_in, "/events/dashboard", "/events/new", f"{event}/edit",
                      f"{event}/challenges", f"{event}/matches", f"{event}/outbox",
                      f"{event}/schedule",
                      f"/challenges/{world.challenges[ARCTIC_CHALLENGE]}/matches",
                      f"/company/{world.companies[DRONE_COMPANY]}"],
        "admin": ["/dashboard", "/admin/users", "/admin/companies", "/admin/areas",
                  "/admin/audit", "/events/dashboard", f"/challenges/{public}/matches"],
    }
    return pages[role]
