"""Conversations through the pages: start, read, reply, notifications, e-mail, access."""

import re

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry, Conversation, Message, Notification, OutboxMessage
from tests.portal.conversations.conftest import make_challenge


def _start(client, cast, body="Could your coating keep a radar dome free of ice?",
           challenge=None, company=None):
    challenge = challenge or cast.challenge
    company = company or cast.company
    return client.post(f"/challenges/{challenge.id}/conversations/new",
                       data={"company_id": str(company.id), "body": body})


def _only_conversation() -> Conversation:
    return db.session.scalars(select(Conversation)).one()


def _unread_badge(page: str) -> str | None:
    """The unread count the header's Messages link shows ("0" without a badge; None when the
    page has no Messages link)."""
    link = re.search(r'class="nav-messages"[^>]*>(.*?)</a>', page, re.S)
    if link is None:
        return None
    found = re.search(r'<span class="badge">(\d+)<span class="visually-hidden"> unread</span>',
                      link.group(1))
    return found.group(1) if found else "0"


def test_owner_starts_sme_reads_and_replies_owner_sees_the_reply(cast, client, login, app):
    login(cast.owner)
    form = client.get(f"/challenges/{cast.challenge.id}/conversations/new"
                      f"?company={cast.company.id}")
    assert form.status_code == 200 and "Start a conversation" in form.get_data(as_text=True)
    response = _start(client, cast)
    conversation = _only_conversation()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/messages/{conversation.id}")

    # Both company users are told in the portal and by e-mail; the e-mail has no message text.
    notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert {n.user_id for n in notes} == {cast.sme.id, cast.colleague.id}
    assert all(n.link == f"/messages/{conversation.id}" for n in notes)
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert {m.recipient for m in mails} == {"kari@isfri.test", "per@isfri.test"}
    assert all("radar dome free of ice" not in m.body for m in mails)
    assert all(f"/messages/{conversation.id}" in m.body for m in mails)

    login(cast.sme)
    inbox = client.get("/messages").get_data(as_text=True)
    assert "Ice on radar domes" in inbox and "1 new" in inbox
    assert _unread_badge(inbox) == "1"
    thread = client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert "Could your coating keep a radar dome free of ice?" in thread
    assert _unread_badge(client.get("/messages").get_data(as_text=True)) == "0"
    response = client.post(f"/messages/{conversation.id}",
                           data={"body": "Yes: our coating sheds ice at -30 °C."})
    assert response.status_code == 302

    login(cast.owner)
    assert _unread_badge(client.get("/messages").get_data(as_text=True)) == "1"
    page = client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert "Yes: our coating sheds ice at -30 °C." in page
    owner_notes = db.session.scalars(select(Notification).where(
        Notification.user_id == cast.owner.id)).all()
    assert len(owner_notes) == 1 and "Isfri Belegg AS" in owner_notes[0].message


def test_second_start_reuses_the_thread(cast, client, login):
    login(cast.owner)
    _start(client, cast)
    first = _only_conversation()
    response = client.get(f"/challenges/{cast.challenge.id}/conversations/new"
                          f"?company={cast.company.id}")
    assert response.headers["Location"].endswith(f"/messages/{first.id}")
    _start(client, cast, body="A second question.")
    assert _only_conversation().id == first.id
    assert len(first.messages) == 2


@pytest.mark.parametrize("who,status", [
    ("owner", 200), ("organiser", 200), ("admin", 200), ("sme", 200), ("colleague", 200),
    ("other_military", 404), ("other_organiser", 404), ("outsider_sme", 404),
])
def test_thread_access_per_participant(cast, client, login, who, status):
    login(cast.owner)
    _start(client, cast)
    conversation = _only_conversation()
    login(getattr(cast, who))
    assert client.get(f"/messages/{conversation.id}").status_code == status
    reply = client.post(f"/messages/{conversation.id}", data={"body": "Hello from " + who})
    assert reply.status_code == (302 if status == 200 else 404)
    bodies = [m.body for m in db.session.scalars(select(Message))]
    assert (f"Hello from {who}" in bodies) == (status == 200)
    listed = client.get("/messages").get_data(as_text=True)
    assert ("Ice on radar domes" in listed) == (status == 200)


def test_admin_reads_are_audit_logged(cast, client, login):
    login(cast.owner)
    _start(client, cast)
    conversation = _only_conversation()
    login(cast.admin)
    client.get(f"/messages/{conversation.id}")
    client.get(f"/messages/{conversation.id}")
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "conversation_read")).all()
    assert [(r.actor_id, r.target_id) for r in rows] == [(cast.admin.id, conversation.id)] * 2
    login(cast.owner)
    client.get(f"/messages/{conversation.id}")
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "conversation_read", AuditEntry.actor_id == cast.owner.id)) is None


def test_sme_and_other_units_cannot_start(cast, client, login):
    for user in (cast.sme, cast.other_military, cast.other_organiser):
        login(user)
        assert _start(client, cast).status_code == 404
    assert db.session.scalars(select(Conversation)).all() == []


def test_vetted_only_challenge_needs_a_vetted_company(cast, client, login, make_company):
    login(cast.owner)
    response = _start(client, cast, challenge=cast.vetted_challenge)
    assert response.status_code == 200
    assert "vetted companies only" in response.get_data(as_text=True)
    assert db.session.scalars(select(Conversation)).all() == []
    vetted = make_company(name="Klarert AS", clearance="facility", clearance_verified=True)
    response = _start(client, cast, challenge=cast.vetted_challenge, company=vetted)
    assert response.status_code == 302
    assert _only_conversation().company_id == vetted.id


def test_draft_challenge_cannot_be_discussed_yet(cast, client, login):
    draft = make_challenge(cast.owner, title="Draft idea", status="draft")
    login(cast.owner)
    response = _start(client, cast, challenge=draft)
    assert "publish it first" in response.get_data(as_text=True)
    assert db.session.scalars(select(Conversation)).all() == []


@pytest.mark.parametrize("change", ["unvet", "draft"])
def test_company_side_loses_title_and_content_when_it_can_no_longer_see_the_challenge(
        cast, client, login, make_user, change):
    from portal.models.enums import Role

    vetted_user = make_user(Role.SME, vetted=True)
    company = vetted_user.company
    login(cast.owner)
    _start(client, cast, challenge=cast.vetted_challenge, company=company,
           body="Secret detail about the de-icing need.")
    conversation = _only_conversation()
    login(vetted_user)
    assert "Classified de-icing" in client.get("/messages").get_data(as_text=True)

    if change == "unvet":
        company.clearance_verified = False
    else:
        cast.vetted_challenge.status = "draft"
    db.session.commit()

    inbox = client.get("/messages").get_data(as_text=True)
    assert "Classified de-icing" not in inbox
    assert "no longer available to your company" in inbox
    thread = client.get(f"/messages/{conversation.id}")
    assert thread.status_code == 200
    text = thread.get_data(as_text=True)
    assert "Classified de-icing" not in text
    assert "Secret detail" not in text
    assert "closed for replies" in text
    client.post(f"/messages/{conversation.id}", data={"body": "Still there?"})
    assert len(conversation.messages) == 1
    # The staff side keeps the whole thread (nothing is deleted) but cannot write either.
    login(cast.owner)
    text = client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert "Secret detail about the de-icing need." in text
    client.post(f"/messages/{conversation.id}", data={"body": "Hello?"})
    assert len(conversation.messages) == 1


def test_messages_are_escaped_and_length_limited(cast, client, login):
    login(cast.owner)
    _start(client, cast, body="<script>alert('x')</script> & <b>bold</b>")
    conversation = _only_conversation()
    page = client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert" in page
    response = client.post(f"/messages/{conversation.id}", data={"body": "x" * 4001})
    assert response.status_code == 200
    assert "at most 4000 characters" in response.get_data(as_text=True)
    client.post(f"/messages/{conversation.id}", data={"body": "   "})
    assert len(conversation.messages) == 1


def test_start_conversation_offered_on_matches_and_interests(cast, client, login):
    from portal.models import Interest

    db.session.add(Interest(challenge_id=cast.challenge.id, company_id=cast.company.id,
                            user_id=cast.sme.id, pitch="We coat radar domes against ice."))
    db.session.commit()
    login(cast.owner)
    link = (f"/challenges/{cast.challenge.id}/conversations/new?company={cast.company.id}")
    assert link in client.get(f"/challenges/{cast.challenge.id}").get_data(as_text=True)
    login(cast.other_military)
    assert link not in client.get(f"/challenges/{cast.challenge.id}").get_data(as_text=True)
