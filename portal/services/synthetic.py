"""Synthetic companies, challenges and accounts for load tests and scale measurements.

Texts are assembled from the taxonomy's own vocabulary (the area descriptions in the ``areas``
table) and phrase templates (capabilities, products, operating environments, standards), so
the matcher sees realistic, varied jargon. Everything is drawn from one ``random.Random(seed)``:
the same seed always gives the same rows.

Idempotent per seed: company ``i`` of seed ``s`` always gets the same organisation number, and
challenge ``j`` the same title, so a second run with the same seed adds nothing and a run with
a larger ``--companies`` adds only the missing ones. Rows are written with batched
``INSERT ... RETURNING`` statements (never one ORM flush per row).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from portal.models import (
    Area,
    Challenge,
    Company,
    Event,
    EventChallenge,
    EventPair,
    User,
    challenge_areas,
    company_areas,
)
from portal.models.enums import COUNTIES, AccountStatus, Role
from portal.services import accounts, audit
from portal.services.synthetic_words import (
    CHALLENGE_CONTEXTS,
    CHALLENGE_EFFECTS,
    CHALLENGE_PROBLEMS,
    CHALLENGE_TITLES,
    COMPANY_CLOSERS,
    COMPANY_MIDDLES,
    COMPANY_OPENERS,
    CUSTOMERS,
    ENVIRONMENTS,
    MUNICIPALITIES,
    NAME_STEMS,
    NAME_TAILS,
    PRODUCT_NOUNS,
    STANDARDS,
    UNITS,
)
from portal.services.validation import org_number_check_digit, validate_org_number

SYNTHETIC_DOMAIN = "synthetic.test"
# Published on purpose, like the demo password: synthetic accounts exist only in load-test and
# development databases (the CLI refuses PORTAL_ENV=production).
SYNTHETIC_PASSWORD = "synthetic-load-password"  # noqa: S105
BATCH_SIZE = 1000
# Organisation numbers of seed s live in 8ssxxxxx (demo companies use 9xxxxxxx), so seeds
# 0..99 never collide with each other or with the demo data.
_ORG_BLOCK = 100_000
_ORG_SEEDS = 100
EVENT_NAME = "Synthetic load-test cluster event"

CONTRACT_MODELS = ("rnd_contract", "innovation_partnership", "prototype_test", "other")
SIZE_WORDS = {"1-9": "small", "10-49": "growing", "50-249": "mid-sized", "250+": "large"}
SIZE_BANDS = ("1-9", "1-9", "10-49", "10-49", "10-49", "50-249", "250+")
_TOKEN = re.compile(r"\s+")


@dataclass
class SyntheticSummary:
    """What one ``seed_synthetic`` run wrote and what is there now."""

    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# --------------------------------------------------------------------------- vocabulary
def area_phrases(description: str) -> list[str]:
    """Short capability phrases (2-8 words) cut from an area description."""
    body = description.split(":", 1)[-1]
    parts = re.split(r"[,;:.]|\band\b|\bor\b", body)
    phrases = []
    for part in parts:
        words = _TOKEN.split(part.strip())
        if 2 <= len(words) <= 8 and words[0]:
            phrases.append(" ".join(words).strip(" ()"))
    return phrases or [description.strip()[:60]]


@dataclass
class _Vocabulary:
    slugs: list[str]
    ids: dict[str, int]
    phrases: dict[str, list[str]]


def _vocabulary(session: Session) -> _Vocabulary:
    rows = session.execute(select(Area.id, Area.slug, Area.description).order_by(Area.id)).all()
    if not rows:
        raise ValueError("The taxonomy is empty: run the migrations first.")
    return _Vocabulary(
        slugs=[slug for _, slug, _ in rows],
        ids={slug: area_id for area_id, slug, _ in rows},
        phrases={slug: area_phrases(text or slug.replace("-", " ")) for _, slug, text in rows},
    )


def synthetic_org_numbers(seed: int) -> Iterator[str]:
    """Valid (modulus-11) organisation numbers of one seed, always in the same order."""
    prefix = 80_000_000 + (seed % _ORG_SEEDS) * _ORG_BLOCK
    for candidate in range(prefix, prefix + _ORG_BLOCK):
        check = org_number_check_digit(str(candidate))
        if check is not None:
            yield validate_org_number(f"{candidate}{check}")


# --------------------------------------------------------------------------- rows
def _pick_areas(rng: random.Random, vocab: _Vocabulary) -> list[str]:
    return rng.sample(vocab.slugs, rng.choice((1, 2, 2, 3)))


def _caps(rng: random.Random, vocab: _Vocabulary, slugs: list[str], n: int) -> list[str]:
    pool = [p for s in slugs for p in vocab.phrases[s]]
    extra = vocab.phrases[rng.choice(vocab.slugs)]
    return [rng.choice(pool if k < n - 1 else pool + extra).lower() for k in range(n)]


def _company_row(rng: random.Random, vocab: _Vocabulary, index: int,
                 org_number: str) -> tuple[dict[str, Any], list[str]]:
    county = rng.choice(COUNTIES)
    municipality = rng.choice(MUNICIPALITIES.get(county, (county,)))
    size_band = rng.choice(SIZE_BANDS)
    trl = rng.choice((3, 4, 5, 5, 6, 6, 7, 7, 8, 9))
    name = f"{rng.choice(NAME_STEMS)} {rng.choice(NAME_TAILS)} {index + 1:05d} AS"
    slugs = _pick_areas(rng, vocab)
    cap1, cap2, cap3, cap4 = _caps(rng, vocab, slugs, 4)
    words = {
        "name": name, "size": SIZE_WORDS[size_band], "municipality": municipality,
        "cap1": cap1, "cap2": cap2, "cap3": cap3, "cap4": cap4, "trl": trl,
        "product": rng.choice(PRODUCT_NOUNS), "env": rng.choice(ENVIRONMENTS),
        "customer": rng.choice(CUSTOMERS), "standard": rng.choice(STANDARDS),
    }
    sentences = [rng.choice(COMPANY_OPENERS)]
    sentences += rng.sample(COMPANY_MIDDLES, rng.choice((1, 2, 2, 3)))
    sentences.append(rng.choice(COMPANY_CLOSERS))
    description = " ".join(s.format(**words) for s in sentences)
    clearance = rng.choices(("none", "in_process", "facility"), weights=(70, 15, 15))[0]
    slug = f"synthetic-{org_number}"
    row = {
        "kind": "research" if rng.random() < 0.04 else "company",
        "name": name,
        "org_number": org_number,
        "country": "NO",
        "county": county,
        "municipality": municipality,
        "size_band": size_band,
        "website": f"https://{slug}.example",
        "contact_name": f"Contact {index + 1}",
        "contact_email": f"post@{slug}.example",
        "description": description,
        "trl": trl,
        "clearance": clearance,
        "clearance_verified": clearance == "facility" and rng.random() < 0.8,
        "export_control_experience": rng.random() < 0.3,
        "norwegian_owned": rng.random() < 0.9,
    }
    explicit = slugs if rng.random() < 0.8 else []
    return row, explicit


def _challenge_row(rng: random.Random, vocab: _Vocabulary, owners: list[User],
                   today: date) -> tuple[dict[str, Any], list[str]]:
    slugs = _pick_areas(rng, vocab)
    cap, cap2 = _caps(rng, vocab, slugs, 2)
    env, env2 = rng.sample(ENVIRONMENTS, 2)
    county = rng.choice(COUNTIES)
    words = {
        "cap": cap, "Cap": cap[:1].upper() + cap[1:], "cap2": cap2, "env": env, "env2": env2,
        "Env": env[:1].upper() + env[1:], "product": rng.choice(PRODUCT_NOUNS),
        "standard": rng.choice(STANDARDS), "county": county,
    }
    owner = rng.choice(owners)
    trl_min = rng.choice((None, 3, 4, 5, 6))
    trl_max = None if trl_min is None else min(9, trl_min + rng.choice((1, 2, 3)))
    row = {
        "title": rng.choice(CHALLENGE_TITLES).format(**words)[:190],
        "problem": rng.choice(CHALLENGE_PROBLEMS).format(**words),
        "context": rng.choice(CHALLENGE_CONTEXTS).format(**words),
        "effect": rng.choice(CHALLENGE_EFFECTS).format(**words),
        "trl_min": trl_min,
        "trl_max": trl_max,
        "deadline": today + timedelta(days=rng.randint(14, 240)),
        "contract_model": rng.choice(CONTRACT_MODELS),
        "county": county if rng.random() < 0.6 else None,
        "unit": owner.unit,
        "owner_id": owner.id,
        "status": rng.choices(("open", "draft", "closed", "awarded"), weights=(80, 10, 7, 3))[0],
        "visibility": rng.choices(("public", "registered", "vetted"), weights=(55, 35, 10))[0],
    }
    explicit = slugs if rng.random() < 0.7 else []
    return row, explicit


# --------------------------------------------------------------------------- accounts
def account_emails(seed: int, sme_users: int) -> dict[str, list[str]]:
    """The synthetic accounts' e-mails by role (military: one per unit)."""
    return {
        Role.MILITARY: [f"military{k + 1}.s{seed}@{SYNTHETIC_DOMAIN}" for k in range(len(UNITS))],
        Role.ORGANISER: [f"organiser.s{seed}@{SYNTHETIC_DOMAIN}"],
        Role.SME: [f"sme{k + 1}.s{seed}@{SYNTHETIC_DOMAIN}" for k in range(sme_users)],
    }


def _ensure_users(session: Session, seed: int, sme_companies: list[int],
                  created: dict[str, int]) -> list[User]:
    """Military users (one per unit), one organiser and SME users of the first companies."""
    emails = account_emails(seed, len(sme_companies))
    wanted: list[tuple[str, str, str | None, int | None]] = []
    for k, email in enumerate(emails[Role.MILITARY]):
        wanted.append((email, Role.MILITARY, UNITS[k], None))
    wanted.append((emails[Role.ORGANISER][0], Role.ORGANISER, None, None))
    for email, company_id in zip(emails[Role.SME], sme_companies, strict=True):
        wanted.append((email, Role.SME, None, company_id))
    existing = set(session.scalars(
        select(User.email).where(User.email.in_([w[0] for w in wanted]))))
    password_hash = accounts.hash_password(SYNTHETIC_PASSWORD)  # one hash shared: synthetic
    rows = [
        {"email": email, "password_hash": password_hash, "role": role,
         "status": AccountStatus.ACTIVE, "unit": unit, "company_id": company_id,
         "full_name": email.split("@")[0].replace(".", " ").title(),
         "session_token": accounts.new_session_token()}
        for email, role, unit, company_id in wanted if email not in existing
    ]
    if rows:
        session.execute(insert(User), rows)
        created["users"] = len(rows)
    return list(session.scalars(
        select(User).where(User.email.in_(emails[Role.MILITARY])).order_by(User.id)))


# --------------------------------------------------------------------------- writing
def _batches(items: list[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_with_areas(session: Session, model: type[Company] | type[Challenge],
                       link_table: Table, key: str,
                       rows: list[tuple[dict[str, Any], list[str]]], vocab: _Vocabulary) -> int:
    """Insert ``rows`` in batches with RETURNING ids, then their area links in bulk."""
    for batch in _batches(rows):
        ids = session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True),
            [row for row, _ in batch],
        ).all()
        links = [{key: new_id, "area_id": vocab.ids[slug]}
                 for new_id, (_, slugs) in zip(ids, batch, strict=True) for slug in slugs]
        if links:
            session.execute(insert(link_table), links)
    return len(rows)


def seed_synthetic(session: Session, *, companies: int, challenges: int, seed: int = 1,
                   sme_users: int = 20) -> SyntheticSummary:
    """Write ``companies`` synthetic profiles and ``challenges`` challenges for ``seed``.

    Deterministic for a seed; rows already present (by organisation number, challenge title,
    account e-mail) are skipped, so a rerun adds nothing. Also creates one military user per
    unit (challenge owners), one organiser and ``sme_users`` SME users for the first companies,
    all with :data:`SYNTHETIC_PASSWORD`. Does not encode: call
    :func:`portal.services.matching.reindex` after the commit.

    Args:
        session: Database session; the caller commits.
        companies: Number of synthetic companies of this seed (0..companies-1).
        challenges: Number of synthetic challenges of this seed.
        seed: Random seed; also selects the block of organisation numbers (0-99).
        sme_users: SME accounts to create for the first companies.

    Returns:
        A :class:`SyntheticSummary` with the rows created and the totals now present.
    """
    import time as _time

    started = _time.perf_counter()
    if companies < 0 or challenges < 0:
        raise ValueError("Counts must not be negative.")
    vocab = _vocabulary(session)
    created: dict[str, int] = {}

    rng = random.Random(f"companies:{seed}")
    numbers = synthetic_org_numbers(seed)
    generated = [_company_row(rng, vocab, i, next(numbers)) for i in range(companies)]
    present: set[str | None] = set()
    for batch in _batches([row["org_number"] for row, _ in generated], 500):
        present.update(session.scalars(select(Company.org_number)
                                       .where(Company.org_number.in_(batch))))
    missing = [entry for entry in generated if entry[0]["org_number"] not in present]
    if missing:
        created["companies"] = _insert_with_areas(session, Company, company_areas,
                                                  "company_id", missing, vocab)

    first = [row["org_number"] for row, _ in generated[:sme_users]]
    by_number = dict(session.execute(
        select(Company.org_number, Company.id).where(Company.org_number.in_(first))
    ).tuples().all())
    owners = _ensure_users(session, seed, [by_number[n] for n in first], created)

    rng = random.Random(f"challenges:{seed}")
    today = date.today()
    titles: set[str] = set()
    rows: list[tuple[dict[str, Any], list[str]]] = []
    for j in range(challenges):
        row, slugs = _challenge_row(rng, vocab, owners, today)
        if row["title"] in titles:  # templates repeat: number the later ones
            row["title"] = f"{row['title']} (call {j + 1})"
        titles.add(row["title"])
        rows.append((row, slugs))
    present = set()
    for batch in _batches(sorted(titles), 500):
        present.update(session.scalars(select(Challenge.title).where(Challenge.title.in_(batch))))
    missing = [entry for entry in rows if entry[0]["title"] not in present]
    if missing:
        created["challenges"] = _insert_with_areas(session, Challenge, challenge_areas,
                                                   "challenge_id", missing, vocab)
    if created:
        audit.record(session, "seed_synthetic", actor_email="cli",
                     details={"seed": seed, **created})
    session.flush()
    totals = {
        "companies": session.scalar(select(func.count(Company.id))) or 0,
        "challenges": session.scalar(select(func.count(Challenge.id))) or 0,
        "users": session.scalar(select(func.count(User.id))) or 0,
    }
    return SyntheticSummary(created=created, totals=totals,
                            seconds=round(_time.perf_counter() - started, 3))


# --------------------------------------------------------------------------- load-test fixture
@dataclass
class LoadFixture:
    """Who does what in a load test: accounts, the challenges they own, the event."""

    password: str
    sme_emails: list[str]
    military: dict[str, list[int]]
    organiser_email: str
    event_id: int
    public_challenge_ids: list[int]


def prepare_load_fixture(session: Session, *, seed: int = 1, sme_users: int = 20,
                         event_challenges: int = 6, top_n: int = 8) -> LoadFixture:
    """The synthetic event (created once, with matchmaking results) and the accounts a load
    test logs in with. Run :func:`seed_synthetic` first; the caller commits.

    Args:
        session: Database session.
        seed: The seed the data was made with.
        sme_users: SME accounts to use.
        event_challenges: Open challenges attached to the event.
        top_n: Companies proposed per challenge by the matchmaking.

    Returns:
        A :class:`LoadFixture`.
    """
    from portal.services import events

    emails = account_emails(seed, sme_users)
    organiser = session.scalar(select(User).where(User.email == emails[Role.ORGANISER][0]))
    if organiser is None:
        raise ValueError("No synthetic organiser: run seed-synthetic first.")
    military: dict[str, list[int]] = {}
    for email in emails[Role.MILITARY]:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            continue
        owned = list(session.scalars(
            select(Challenge.id).where(Challenge.owner_id == user.id,
                                       Challenge.status == "open")
            .order_by(Challenge.id).limit(50)))
        if owned:
            military[email] = owned
    event = session.scalar(select(Event).where(Event.organiser_id == organiser.id,
                                               Event.name == EVENT_NAME))
    if event is None:
        event = events.create_event(
            session, organiser, name=EVENT_NAME, county="Troms", venue="Bardufoss",
            description="Synthetic event for load tests.",
            date=date.today() + timedelta(days=45), start_time=time(9, 0),
            end_time=time(15, 0), meeting_minutes=20, tables=10, regional_boost=0.1)
        chosen = session.scalars(
            select(Challenge.id).where(Challenge.status == "open",
                                       Challenge.visibility != "vetted",
                                       Challenge.owner_id.is_not(None))
            .order_by(Challenge.id).limit(event_challenges)).all()
        for challenge_id in chosen:
            session.add(EventChallenge(event_id=event.id, challenge_id=challenge_id))
        session.flush()
        session.refresh(event)
    has_pairs = session.scalar(select(func.count(EventPair.id))
                               .where(EventPair.event_id == event.id))
    if not has_pairs:
        events.run_matchmaking(session, event, organiser, top_n=top_n)
    public = list(session.scalars(
        select(Challenge.id).where(Challenge.status == "open", Challenge.visibility == "public")
        .order_by(Challenge.id).limit(200)))
    return LoadFixture(password=SYNTHETIC_PASSWORD, sme_emails=emails[Role.SME],
                       military=military, organiser_email=organiser.email,
                       event_id=event.id, public_challenge_ids=public)
