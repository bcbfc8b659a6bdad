"""Hole 2: a notification never shows a challenge its reader may not see when reading it
(security checklist 28)."""

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Interest
from portal.services import interests
from portal.services.challenges import _notify_interested
from portal.services.notifications import WITHHELD_MESSAGE, notify
from tests.conftest import add_challenge

SECRET_TITLE = "Covert seabed sensor grid"


@pytest.fixture
def setting(make_user):
    owner = make_user("military", unit="Brigade North")
    challenge = add_challenge({"title": "Drone watch", "problem": "Thermal video.",
                               "status": "open", "visibility": "registered",
                               "unit": "Brigade North"}, owner=owner)
    sme = make_user("sme")
    interest = Interest(challenge_id=challenge.id, company_id=sme.company_id, user_id=sme.id,
                        pitch="We detect people in thermal video at minus 35.", status="new")
    db.session.add(interest)
    db.session.commit()
    return owner, challenge, sme, interest


def _restrict(challenge) -> None:
    challenge.visibility = "vetted"
    challenge.title = SECRET_TITLE
    db.session.commit()


def test_shortlisting_after_restriction_does_not_reveal_the_title(client, login, setting):
    owner, challenge, sme, interest = setting
    _restrict(challenge)
    interests.set_interest_status(db.session, owner, interest, "shortlisted")
    db.session.commit()
    login(sme)
    page = client.get("/notifications").get_data(as_text=True)
    assert SECRET_TITLE not in page
    assert str(WITHHELD_MESSAGE) in page
    assert f"/challenges/{challenge.id}" not in page


def test_a_note_written_while_visible_is_withheld_once_restricted(client, login, setting):
    _owner, challenge, sme, _interest = setting
    challenge.status = "closed"
    _notify_interested(db.session, challenge)
    db.session.commit()
    login(sme)
    assert "Drone watch" in client.get("/notifications").get_data(as_text=True)
    _restrict(challenge)
    # The stored text names the old title; the page must not show it either.
    page = client.get("/notifications").get_data(as_text=True)
    assert "Drone watch" not in page and SECRET_TITLE not in page
    assert str(WITHHELD_MESSAGE) in page


def test_vetted_reader_and_owner_still_see_the_title(client, login, setting, make_user):
    owner, challenge, sme, interest = setting
    _restrict(challenge)
    interests.set_interest_status(db.session, owner, interest, "shortlisted")
    notify(db.session, owner, f"News about “{challenge.title}”.", challenge=challenge)
    sme.company.clearance_verified = True
    db.session.commit()
    login(sme)
    assert SECRET_TITLE in client.get("/notifications").get_data(as_text=True)
    login(owner)
    assert SECRET_TITLE in client.get("/notifications").get_data(as_text=True)


def test_link_names_the_challenge(setting):
    _owner, challenge, sme, interest = setting
    note = notify(db.session, sme, "x", f"/challenges/{challenge.id}#interests")
    other = notify(db.session, sme, "y", "/challenges/")
    db.session.flush()
    assert note.challenge_id == challenge.id and other.challenge_id is None
    assert db.session.scalar(select(Interest.id)) == interest.id
