"""``flask seed-demo``: idempotent, and rich enough to demonstrate every feature."""

from sqlalchemy import func, select

from portal.db import db
from portal.demo.data import CHALLENGES, COMPANIES, DEMO_PASSWORD
from portal.demo.seed import demo_org_number
from portal.models import Area, AuditEntry, Challenge, Company, Interest, User
from portal.services.access import can_see_challenge
from portal.services.accounts import verify_password
from portal.services.validation import validate_org_number


def _counts() -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Company, User, Challenge, Interest)}


def test_seed_demo_is_idempotent_and_meets_the_counts(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo-password-1" in first.output
    for email in ("admin@demo.test", "military@demo.test", "organiser@demo.test",
                  "sme@demo.test", "vetted-sme@demo.test"):
        assert email in first.output
    after_first = _counts()

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "nothing created" in second.output
    assert _counts() == after_first
    assert db.session.scalar(select(func.count(AuditEntry.id))
                             .where(AuditEntry.action == "seed_demo")) == 1

    companies = db.session.scalars(select(Company)).all()
    smes = [c for c in companies if c.kind == "company"]
    assert len(smes) >= 40
    assert sum(c.kind == "research" for c in companies) >= 2
    assert len({c.county for c in companies}) >= 8
    all_areas = {a.slug for a in db.session.scalars(select(Area))}
    assert len(all_areas) == 16
    assert {a.slug for c in companies for a in c.areas} == all_areas
    assert all(120 <= len(c.description.split()) <= 250 for c in companies)
    assert all(validate_org_number(c.org_number) == c.org_number for c in companies)
    assert len({c.org_number for c in companies}) == len(companies)
    assert 3 <= sum(c.clearance_verified for c in companies) < len(companies) // 2

    challenges = db.session.scalars(select(Challenge)).all()
    assert len(challenges) >= 12
    open_visibilities = {c.visibility for c in challenges if c.status == "open"}
    assert open_visibilities == {"public", "registered", "vetted"}
    statuses = [c.status for c in challenges]
    assert statuses.count("draft") >= 1
    assert "closed" in statuses and "awarded" in statuses
    assert len({c.unit for c in challenges}) >= 5
    assert db.session.scalar(select(func.count(Interest.id))) >= 5


def test_demo_accounts_have_the_promised_roles_and_vetting(runner):
    runner.invoke(args=["seed-demo"])
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert users["admin@demo.test"].role == "admin"
    military = users["military@demo.test"]
    assert military.role == "military" and military.status == "active"
    owned = db.session.scalars(select(Challenge).where(Challenge.unit == military.unit)).all()
    assert len(owned) >= 3
    assert users["organiser@demo.test"].role == "organiser"
    assert users["organiser@demo.test"].status == "active"
    assert users["sme@demo.test"].company is not None
    assert not users["sme@demo.test"].company.clearance_verified
    assert users["vetted-sme@demo.test"].company.clearance_verified
    assert all(u.status == "active" for u in users.values())
    assert verify_password(users["sme@demo.test"].password_hash, DEMO_PASSWORD)


def test_demo_interests_respect_visibility(runner):
    runner.invoke(args=["seed-demo"])
    for interest in db.session.scalars(select(Interest)):
        if interest.challenge.visibility == "vetted":
            assert interest.company.clearance_verified
    unvetted = db.session.scalar(select(User).where(User.email == "sme@demo.test"))
    vetted_only = [c for c in db.session.scalars(select(Challenge)) if c.visibility == "vetted"]
    assert vetted_only and not any(can_see_challenge(unvetted, c) for c in vetted_only)


def test_demo_org_numbers_are_deterministic_and_valid():
    numbers = [demo_org_number(spec["name"]) for spec in COMPANIES]
    assert numbers == [demo_org_number(spec["name"]) for spec in COMPANIES]
    assert all(validate_org_number(n) == n and n.startswith("9") for n in numbers)
    assert len({spec["title"] for spec in CHALLENGES}) == len(CHALLENGES)


def test_part_of_the_demo_is_in_bokmal_and_found_by_norwegian_search(runner):
    from portal.demo import data, data_nb
    from portal.services.challenges import ChallengeFilters, search_challenges

    assert data_nb.BRIGADE_NORTH == data.BRIGADE_NORTH  # the demo military user owns one
    runner.invoke(args=["seed-demo"])
    names = {c.name for c in db.session.scalars(select(Company))}
    assert {spec["name"] for spec in data_nb.COMPANIES_NB} <= names
    found = search_challenges(db.session, None, ChallengeFilters(q="drone")).items
    assert "Varsling av små droner rundt kystbaser" in {c.title for c in found}
    owner = db.session.scalar(select(User).where(User.email == "military@demo.test"))
    found = search_challenges(db.session, owner, ChallengeFilters(q="undervann")).items
    assert "Autonome undervannsfarkoster til minesøk i trange fjorder" in {c.title for c in found}
    mine = db.session.scalar(select(Challenge).where(
        Challenge.title == "Prediktivt vedlikehold av beltevogner i vinterdrift"))
    assert mine.owner_id == owner.id
