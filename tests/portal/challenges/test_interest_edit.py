"""SMEs edit or withdraw their expression of interest while the challenge is open."""

from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry, Interest, Notification

PITCH = "We have built passive sonar arrays for fjords since 2004."


def _setup(make_user, make_challenge):
    owner = make_user(role="military", unit="Naval Unit")
    challenge = make_challenge(unit="Naval Unit", owner_id=owner.id, visibility="registered")
    sme = make_user(role="sme")
    interest = Interest(challenge_id=challenge.id, company_id=sme.company_id, user_id=sme.id,
                        pitch=PITCH, status="shortlisted")
    db.session.add(interest)
    db.session.commit()
    return owner, challenge, sme, interest


def test_edit_pitch_keeps_status_and_tells_the_owner(client, login, make_user, make_challenge):
    owner, challenge, sme, interest = _setup(make_user, make_challenge)
    login(sme)
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Save pitch" in page and "Withdraw interest" in page
    response = client.post(f"/challenges/{challenge.id}/interest/edit",
                           data={"pitch": "Updated: sonar arrays and hydrophone processing."})
    assert response.status_code == 302
    db.session.refresh(interest)
    assert interest.pitch == "Updated: sonar arrays and hydrophone processing."
    assert interest.status == "shortlisted"
    assert db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "interest_edit"))


def test_too_short_pitch_is_refused(client, login, make_user, make_challenge):
    _owner, challenge, sme, interest = _setup(make_user, make_challenge)
    login(sme)
    response = client.post(f"/challenges/{challenge.id}/interest/edit", data={"pitch": "short"})
    assert response.status_code == 200
    db.session.refresh(interest)
    assert interest.pitch == PITCH


def test_withdraw_removes_the_interest_and_is_audited(client, login, make_user, make_challenge):
    _owner, challenge, sme, interest = _setup(make_user, make_challenge)
    interest_id = interest.id
    login(sme)
    assert client.post(f"/challenges/{challenge.id}/interest/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Interest, interest_id) is None
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "interest_withdraw"))
    assert row.target_id == interest_id and row.actor_id == sme.id
    # The SME may express interest again while the challenge is open.
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Express interest" in page


def test_no_changes_once_the_challenge_is_closed(client, login, make_user, make_challenge):
    _owner, challenge, sme, interest = _setup(make_user, make_challenge)
    challenge.status = "closed"
    db.session.commit()
    login(sme)
    assert "Withdraw interest" not in client.get(f"/challenges/{challenge.id}").get_data(
        as_text=True)
    client.post(f"/challenges/{challenge.id}/interest/edit",
                data={"pitch": "A late change to the pitch text here."})
    client.post(f"/challenges/{challenge.id}/interest/withdraw")
    db.session.refresh(interest)
    assert interest.pitch == PITCH


def test_another_companys_interest_cannot_be_touched(client, login, make_user, make_challenge):
    _owner, challenge, _sme, interest = _setup(make_user, make_challenge)
    login(make_user(role="sme"))
    client.post(f"/challenges/{challenge.id}/interest/edit",
                data={"pitch": "Hijacked pitch text that is long enough."})
    client.post(f"/challenges/{challenge.id}/interest/withdraw")
    db.session.refresh(interest)
    assert interest.pitch == PITCH
