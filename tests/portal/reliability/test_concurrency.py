"""N identical submissions at once create exactly one row, and none of them gets a 5xx.

Each thread has its own test client and, because a new thread starts without Flask contexts,
each request pushes its own app context: its own session and its own database connection, as
under a real multi-threaded server.
"""

import threading

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import AuditEntry, Challenge, Company, Interest, User

THREADS = 8
SIGNUP = {
    "email": "Kari@Example.com", "password": "lingonberry jam on waffles",
    "confirm": "lingonberry jam on waffles", "full_name": "Kari Nordmann",
    "account_type": "sme", "company_name": "Fjord Sensors AS", "profile_kind": "company",
    "country": "NO", "org_number": "923609016", "unit": "",
}


def submit_at_once(clients, method: str, path: str, data: dict) -> list[int]:
    """Send the same request from every client at the same moment; return the statuses."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def worker(client):
        try:
            barrier.wait(timeout=10)
            statuses.append(client.open(path, method=method, data=data).status_code)
        except BaseException as exc:  # surfaced in the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(statuses) == len(clients)
    return statuses


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def clients(app):
    db.session.remove()  # the test's own connection goes back to the pool before the race
    return [app.test_client() for _ in range(THREADS)]


def test_identical_signups_at_once_create_one_account(app, clients):
    statuses = submit_at_once(clients, "POST", "/auth/signup", SIGNUP)
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(302) == 1, statuses  # one signup went through ...
    assert statuses.count(200) == THREADS - 1  # ... the others see the form with an error
    db.session.remove()
    assert count(User, User.email == "kari@example.com") == 1
    assert count(Company, Company.org_number == "923609016") == 1
    # Every attempt is audited (signups are throttled per address on them); one succeeded.
    assert count(AuditEntry, AuditEntry.action == "signup", AuditEntry.outcome == "success") == 1


def test_identical_interests_at_once_create_one_interest(app, clients, make_user, login):
    officer = make_user("military", unit="Army Lab")
    sme = make_user("sme")
    challenge = Challenge(title="Counter-drone sensing", problem="Detect small drones.",
                          unit="Army Lab", owner=officer, status="open", visibility="registered")
    db.session.add(challenge)
    db.session.commit()
    challenge_id, company_id = challenge.id, sme.company_id
    for client in clients:
        login(sme, client)
    db.session.remove()

    pitch = {"pitch": "We build passive radar that finds small drones in clutter."}
    statuses = submit_at_once(clients, "POST", f"/challenges/{challenge_id}/interest", pitch)
    assert all(status < 500 for status in statuses), statuses
    assert set(statuses) == {302}
    db.session.remove()
    assert count(Interest, Interest.challenge_id == challenge_id,
                 Interest.company_id == company_id) == 1
    assert count(AuditEntry, AuditEntry.action == "interest_create") == 1
