"""Expressions of interest: SMEs pitch, owners decide, nobody sees other companies' pitches."""

import os
import threading

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import AuditEntry, Interest, Notification

PITCH = "Our Arctic-rated drones detect people and vehicles in thermal video at minus 35 °C."


@pytest.fixture
def setting(make_user, make_challenge):
    owner = make_user("military", unit="Brigade North")
    challenge = make_challenge(unit="Brigade North", owner_id=owner.id, title="Drone watch",
                               visibility="registered")
    return owner, challenge


def _interests() -> int:
    return db.session.scalar(select(func.count(Interest.id)))


def test_sme_expresses_interest_and_owner_is_notified(client, login, make_user, setting):
    owner, challenge = setting
    sme = make_user("sme")
    login(sme)
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Express interest" in page
    response = client.post(f"/challenges/{challenge.id}/interest", data={"pitch": PITCH})
    assert response.status_code == 302
    interest = db.session.scalar(select(Interest))
    assert (interest.company_id, interest.user_id, interest.status) == (
        sme.company_id, sme.id, "new")
    assert db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "interest_create"))
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Your company expressed interest" in page and PITCH in page
    assert "Drone watch" in client.get("/company/interests").get_data(as_text=True)


@pytest.mark.parametrize("pitch", ["Too short", "x" * 2001, ""])
def test_pitch_length_is_validated(client, login, make_user, setting, pitch):
    _owner, challenge = setting
    login(make_user("sme"))
    response = client.post(f"/challenges/{challenge.id}/interest", data={"pitch": pitch})
    assert response.status_code == 200
    assert 'id="pitch-error"' in response.get_data(as_text=True)
    assert _interests() == 0


def test_duplicate_interest_gets_a_friendly_message(client, login, make_user, setting):
    _owner, challenge = setting
    login(make_user("sme"))
    client.post(f"/challenges/{challenge.id}/interest", data={"pitch": PITCH})
    response = client.post(f"/challenges/{challenge.id}/interest", data={"pitch": PITCH + "!"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "already expressed interest" in response.get_data(as_text=True)
    assert _interests() == 1


def test_colleague_of_the_same_company_cannot_add_a_second(client, login, make_user, setting):
    _owner, challenge = setting
    first = make_user("sme")
    colleague = make_user("sme", company=first.company)
    login(first)
    client.post(f"/challenges/{challenge.id}/interest", data={"pitch": PITCH})
    login(colleague)
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Your company expressed interest" in page and "Express interest</button>" not in page
    client.post(f"/challenges/{challenge.id}/interest", data={"pitch": PITCH})
    assert _interests() == 1


def test_race_past_the_check_is_caught_by_the_unique_constraint(client, login, make_user,
                                                                setting, monkeypatch):
    _owner, challenge = setting
    login(make_user("sme"))
    client.post(f"/challenges/{challenge.id}/interest", data={"pitch": PITCH})
    monkeypatch.setattr("portal.services.interests.interest_of", lambda *args: None)
    response = client.post(f"/challenges/{challenge.id}/interest", data={"pitch": PITCH},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "already expressed interest" in response.get_data(as_text=True)
    assert _interests() == 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="concurrency needs PostgreSQL")
def test_simultaneous_submissions_create_one_row(app, login, make_user, setting):
    _owner, challenge = setting
    sme = make_user("sme")
    clients = [app.test_client() for _ in range(6)]
    for test_client in clients:
        login(sme, test_client)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def submit(test_client):
        with app.app_context():
            barrier.wait()
            response = test_client.post(f"/challenges/{challenge.id}/interest",
                                        data={"pitch": PITCH})
            statuses.append(response.status_code)
            db.session.remove()

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert _interests() == 1


def test_no_interest_in_closed_or_draft_or_invisible_challenges(client, login, make_user,
                                                                make_challenge):
    closed = make_challenge(status="closed")
    draft = make_challenge(status="draft")
    vetted = make_challenge(visibility="vetted")
    login(make_user("sme"))
    response = client.post(f"/challenges/{closed.id}/interest", data={"pitch": PITCH},
                           follow_redirects=True)
    assert "no longer open" in response.get_data(as_text=True)
    assert "Express interest</button>" not in client.get(
        f"/challenges/{closed.id}").get_data(as_text=True)
    assert client.post(f"/challenges/{draft.id}/interest",
                       data={"pitch": PITCH}).status_code == 404
    assert client.post(f"/challenges/{vetted.id}/interest",
                       data={"pitch": PITCH}).status_code == 404
    assert _interests() == 0


def test_only_smes_express_interest(client, login, make_user, setting):
    _owner, challenge = setting
    for role in ("military", "organiser", "admin"):
        login(make_user(role))
        assert client.post(f"/challenges/{challenge.id}/interest",
                           data={"pitch": PITCH}).status_code == 403
    assert _interests() == 0


def _express(client, login, user, challenge, pitch=PITCH):
    login(user)
    client.post(f"/challenges/{challenge.id}/interest", data={"pitch": pitch})
    return db.session.scalar(select(Interest).where(Interest.company_id == user.company_id))


def test_owner_shortlists_and_the_company_is_notified(client, login, make_user, setting):
    owner, challenge = setting
    sme = make_user("sme")
    interest = _express(client, login, sme, challenge)
    login(owner)
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert PITCH in page and sme.company.name in page and "Shortlist" in page
    response = client.post(f"/challenges/{challenge.id}/interests/{interest.id}",
                           data={"status": "shortlisted"})
    assert response.status_code == 302
    db.session.refresh(interest)
    assert interest.status == "shortlisted"
    note = db.session.scalar(select(Notification).where(Notification.user_id == sme.id))
    assert "shortlisted" in note.message
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "interest_status"))
    login(sme)
    assert "Shortlisted" in client.get("/company/interests").get_data(as_text=True)
    client.post(f"/challenges/{challenge.id}/interests/{interest.id}", data={"status": "declined"})
    db.session.refresh(interest)
    assert interest.status == "shortlisted"


def test_status_changes_are_refused_for_others(client, login, make_user, make_challenge,
                                               setting):
    owner, challenge = setting
    interest = _express(client, login, make_user("sme"), challenge)
    url = f"/challenges/{challenge.id}/interests/{interest.id}"
    for user in (make_user("military", unit="Other unit"), make_user("organiser"),
                 make_user("sme")):
        login(user)
        assert client.post(url, data={"status": "declined"}).status_code == 403
    other = make_challenge(unit="Brigade North")
    login(owner)
    assert client.post(f"/challenges/{other.id}/interests/{interest.id}",
                       data={"status": "declined"}).status_code == 404
    assert client.post(url, data={"status": "approved"}).status_code == 400
    db.session.refresh(interest)
    assert interest.status == "new"


def test_smes_never_see_other_companies_interests(client, login, make_user, setting):
    _owner, challenge = setting
    first, second = make_user("sme"), make_user("sme")
    _express(client, login, first, challenge, pitch="First company confidential pitch text.")
    _express(client, login, second, challenge, pitch="Second company confidential pitch.")
    login(second)
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Second company confidential pitch." in page
    assert "First company confidential pitch text." not in page
    assert first.company.name not in page
    mine = client.get("/company/interests").get_data(as_text=True)
    assert "Second company" in mine and "First company" not in mine
    login(make_user("military", unit="Other unit"))
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "confidential pitch" not in page


def test_own_interests_hide_challenges_no_longer_visible(client, login, make_user,
                                                         make_challenge):
    challenge = make_challenge(title="Became restricted")
    sme = make_user("sme")
    _express(client, login, sme, challenge)
    challenge.visibility = "vetted"
    db.session.commit()
    login(sme)
    assert "Became restricted" not in client.get("/company/interests").get_data(as_text=True)
    assert "Became restricted" not in client.get("/dashboard").get_data(as_text=True)
