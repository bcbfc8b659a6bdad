"""seed-synthetic (bulk, deterministic, idempotent) and the index's freshness and rebuilds."""

import threading

from sqlalchemy import func, select

from portal.db import db
from portal.models import AuditEntry, Challenge, Company, company_areas
from portal.services import matching, synthetic
from portal.services.validation import validate_org_number


def test_seed_is_bulk_valid_and_idempotent(app):
    first = synthetic.seed_synthetic(db.session, companies=25, challenges=12, seed=5,
                                     sme_users=2)
    db.session.commit()
    assert first.created == {"companies": 25, "users": 15, "challenges": 12}
    numbers = list(db.session.scalars(select(Company.org_number)))
    assert len(set(numbers)) == 25
    assert all(validate_org_number(n) == n for n in numbers)
    assert db.session.scalar(select(func.count()).select_from(company_areas)) > 0
    statuses = set(db.session.scalars(select(Challenge.status)))
    assert "open" in statuses
    assert all(c.owner_id and c.unit for c in db.session.scalars(select(Challenge)))
    again = synthetic.seed_synthetic(db.session, companies=25, challenges=12, seed=5,
                                     sme_users=2)
    db.session.commit()
    assert again.created == {}
    assert again.totals["companies"] == 25 and again.totals["challenges"] == 12
    more = synthetic.seed_synthetic(db.session, companies=30, challenges=12, seed=5,
                                    sme_users=2)
    assert more.created == {"companies": 5}
    assert db.session.scalar(select(func.count(AuditEntry.id))
                             .where(AuditEntry.action == "seed_synthetic")) == 2


# Seed 7's first companies, written out: a change to the generator that changes what a seed
# produces (and so every benchmark built on it) shows up here.
SEED_7_FIRST_COMPANIES = [
    ("Bølge Subsea 00001 AS", "807000004",
     "We are a growing engineering team in Kirkenes specialising in mine countermeasures and "
     "submarine systems. The coating we ship has been tested in cold-weather trials together "
     "with NATO partners. Our coating is proven in cold-weather conditions and integrates with "
     "underwater acoustics. Looking for partners in quantum communication; current products "
     "are at TRL 8."),
    ("Dypvann Subsea 00002 AS", "807000012",
     "We are a growing engineering team in Mo i Rana specialising in combat management systems "
     "and combat management systems. Core competence: intelligence processing, documented to "
     "STANAG 4586. We have delivered a coating for Arctic operations to the Coast Guard. The "
     "coating we ship has been tested in Arctic trials together with the Coast Guard. We offer "
     "test capacity, short lines of communication and STANAG 4586 documentation."),
]


def test_same_seed_same_texts(app):
    synthetic.seed_synthetic(db.session, companies=5, challenges=3, seed=7, sme_users=1)
    rows = db.session.execute(
        select(Company.name, Company.org_number, Company.description).order_by(Company.id)).all()
    assert [tuple(r) for r in rows[:2]] == SEED_7_FIRST_COMPANIES
    assert len({r.description for r in rows}) == 5


def test_cli_seeds_encodes_and_refuses_production(app, runner):
    result = runner.invoke(args=["seed-synthetic", "--companies", "8", "--challenges", "4",
                                 "--sme-users", "2"])
    assert result.exit_code == 0, result.output
    assert "8 companies" in result.output and "Match index:" in result.output
    result = runner.invoke(args=["seed-synthetic", "--companies", "8", "--challenges", "4",
                                 "--sme-users", "2"])
    assert "already present" in result.output
    assert "0 passages encoded" in result.output
    app.config["PORTAL_ENV"] = "production"
    result = runner.invoke(args=["seed-synthetic", "--companies", "1"])
    assert result.exit_code != 0 and "refuses" in result.output


def test_index_is_built_once_and_rebuilt_after_a_write(client, login, seed_dataset,
                                                      make_company):
    data = seed_dataset(30, 20)
    engine = matching.get_engine()
    login(data.military)
    url = f"/challenges/{data.owned_challenge_id}/matches"
    client.get(url)
    builds = engine.builds
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert engine.builds == builds
    make_company(name="Fresh Sonar AS", description="Passive sonar arrays.")
    assert client.get(url).status_code == 200
    assert engine.builds == builds + 1


def test_a_stale_index_is_served_while_another_thread_rebuilds(app, seed_dataset,
                                                              make_company):
    seed_dataset(30, 20)
    engine = matching.get_engine()
    current = engine.index(db.session)
    make_company(name="Newcomer AS", description="Radar.")  # the index is stale now
    holding, release = threading.Event(), threading.Event()

    def rebuild_elsewhere():
        with engine.lock:
            holding.set()
            release.wait(5)

    worker = threading.Thread(target=rebuild_elsewhere)
    worker.start()
    holding.wait(5)
    try:
        with app.test_request_context():
            assert engine.index(db.session) is current  # no waiting, no second rebuild
    finally:
        release.set()
        worker.join()
    assert engine.index(db.session) is not current
