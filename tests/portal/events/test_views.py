"""Event pages: organiser workflow, access, registration, invitations, requests, schedule."""

import json
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import (
    AuditEntry,
    Event,
    EventChallenge,
    EventPair,
    EventRegistration,
    Meeting,
    Notification,
    OutboxMessage,
)
from portal.models.enums import Role


def audit_rows(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


EVENT_FORM = {
    "name": "Nordland cluster day", "description": "Meet the owners.", "county": "Nordland",
    "venue": "Bodø", "date": (date.today() + timedelta(days=30)).isoformat(),
    "start_time": "09:00", "end_time": "12:00", "meeting_minutes": "20", "tables": "4",
    "regional_boost": "0.15",
}


def test_organiser_creates_edits_and_opens_an_event(client, login, organiser):
    login(organiser)
    response = client.post("/events/new", data=EVENT_FORM)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.name, event.county, event.tables, event.status) == (
        "Nordland cluster day", "Nordland", 4, "draft")
    assert event.regional_boost == pytest.approx(0.15)
    assert event.organiser_id == organiser.id
    assert audit_rows("event_create")

    response = client.post(f"/events/{event.id}/edit", data={**EVENT_FORM, "tables": "6"})
    assert response.status_code == 302
    assert db.session.get(Event, event.id).tables == 6

    assert client.post(f"/events/{event.id}/status", data={"status": "open"}).status_code == 302
    assert db.session.get(Event, event.id).status == "open"
    page = client.get(f"/events/{event.id}")
    assert page.status_code == 200 and b"Nordland cluster day" in page.data


def test_event_form_errors_are_shown_and_nothing_saved(client, login, organiser):
    login(organiser)
    response = client.post("/events/new", data={**EVENT_FORM, "end_time": "08:00",
                                                 "regional_boost": "0.9", "name": ""})
    assert response.status_code == 200
    assert b"Meetings must end after they start." in response.data
    assert b"Number must be between 0 and 0.3" in response.data
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_only_organisers_and_admins_create(client, login, make_user):
    login(make_user(Role.SME))
    assert client.get("/events/new").status_code == 403
    login(make_user(Role.MILITARY))
    assert client.post("/events/new", data=EVENT_FORM).status_code == 403
    login(make_user(Role.ORGANISER, status="pending"))
    assert client.get("/events/new").status_code == 302  # to the pending page
    login(make_user(Role.ADMIN))
    assert client.get("/events/new").status_code == 200


def test_event_list_per_role(client, login, organiser, make_user, make_event):
    other = make_user(Role.ORGANISER)
    own_draft = make_event(organiser, name="Own draft", status="draft")
    make_event(other, name="Other draft", status="draft")
    make_event(other, name="Other open", status="open")
    login(organiser)
    body = client.get("/events/").get_data(as_text=True)
    assert "Own draft" in body and "Other open" in body and "Other draft" not in body
    login(make_user(Role.SME))
    body = client.get("/events/").get_data(as_text=True)
    assert "Other open" in body and "draft" not in body.lower().split("<main")[1]
    assert client.get(f"/events/{own_draft.id}").status_code == 404
    login(make_user(Role.ADMIN))
    body = client.get("/events/").get_data(as_text=True)
    assert "Own draft" in body and "Other draft" in body


@pytest.mark.parametrize("path", ["edit", "challenges", "matches", "schedule", "outbox",
                                  "export/matches.csv", "export/schedule.xlsx"])
def test_organiser_manages_only_own_events(client, login, organiser, make_user, make_event,
                                           path):
    event = make_event(make_user(Role.ORGANISER))
    login(organiser)
    assert client.get(f"/events/{event.id}/{path}").status_code == 403
    login(make_user(Role.ADMIN))
    assert client.get(f"/events/{event.id}/{path}").status_code == 200
    login(make_user(Role.SME))
    assert client.get(f"/events/{event.id}/{path}").status_code == 403
    login(make_user(Role.MILITARY))
    assert client.get(f"/events/{event.id}/{path}").status_code == 403
    assert client.get(f"/events/999/{path}").status_code == 404


def test_state_changes_by_others_are_refused(client, login, organiser, make_user, make_event,
                                             make_challenge, make_pair):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge])
    pair = make_pair(event, challenge, make_user(Role.SME).company, state="proposed")
    login(make_user(Role.ORGANISER))
    assert client.post(f"/events/{event.id}/pairs/{pair.id}/state",
                       data={"action": "lock"}).status_code == 403
    assert client.post(f"/events/{event.id}/invitations").status_code == 403
    assert client.post(f"/events/{event.id}/schedule").status_code == 403
    assert client.post(f"/events/{event.id}/status", data={"status": "closed"}).status_code == 403
    assert db.session.get(EventPair, pair.id).state == "proposed"
    assert db.session.get(Event, event.id).status == "open"


def test_attach_only_visible_open_challenges(client, login, organiser, make_event,
                                             make_challenge):
    event = make_event(organiser)
    open_challenge = make_challenge(title="Open one")
    draft = make_challenge(title="Secret draft", status="draft")
    login(organiser)
    page = client.get(f"/events/{event.id}/challenges").get_data(as_text=True)
    assert "Open one" in page and "Secret draft" not in page
    response = client.post(f"/events/{event.id}/challenges", data={
        "challenge_id": open_challenge.id, "available_from": "09:20", "available_until": "10:00"})
    assert response.status_code == 302
    link = db.session.scalar(select(EventChallenge))
    assert (link.challenge_id, link.available_from) == (open_challenge.id, time(9, 20))
    response = client.post(f"/events/{event.id}/challenges", data={"challenge_id": draft.id})
    assert response.status_code == 200  # not a valid choice: form error, nothing attached
    assert db.session.scalar(select(func.count(EventChallenge.id))) == 1
    response = client.post(f"/events/{event.id}/challenges/{open_challenge.id}/detach")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(EventChallenge.id))) == 0


def test_sme_registers_with_window_and_withdraws(client, login, organiser, make_user,
                                                  make_event):
    event = make_event(organiser)
    sme = make_user(Role.SME)
    login(sme)
    response = client.post(f"/events/{event.id}/register",
                           data={"available_from": "09:00", "available_until": "09:40"})
    assert response.status_code == 302
    registration = db.session.scalar(select(EventRegistration))
    assert registration.status == "registered" and registration.available_until == time(9, 40)
    assert client.post(f"/events/{event.id}/withdraw").status_code == 302
    assert db.session.get(EventRegistration, registration.id).status == "declined"
    login(make_user(Role.MILITARY))
    assert client.post(f"/events/{event.id}/register").status_code == 403


def test_registration_closed_for_draft_or_closed_events(client, login, organiser, make_user,
                                                        make_event):
    event = make_event(organiser, status="closed")
    sme = make_user(Role.SME)
    login(sme)
    # Not a participant of a closed event: it is not visible at all.
    assert client.post(f"/events/{event.id}/register").status_code == 404
    assert db.session.scalar(select(func.count(EventRegistration.id))) == 0


def test_invitation_flow_notifies_and_fills_outbox(client, login, organiser, make_user,
                                                   make_event, make_challenge, make_pair):
    challenge = make_challenge(title="Sonar buoys")
    event = make_event(organiser, challenges=[challenge])
    invited_user = make_user(Role.SME)
    company = invited_user.company
    company.contact_name = "Kari"
    locked = make_pair(event, challenge, company, state="locked", register=False)
    other = make_user(Role.SME)
    removed = make_pair(event, challenge, other.company, state="removed", register=False)
    login(organiser)
    assert client.post(f"/events/{event.id}/invitations").status_code == 302
    assert db.session.get(EventPair, locked.id).state == "invited"
    assert db.session.get(EventPair, removed.id).state == "removed"
    notes = db.session.scalars(select(Notification)).all()
    assert [n.user_id for n in notes] == [invited_user.id]
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in messages] == [invited_user.email]
    assert "Sonar buoys" in messages[0].body and messages[0].sent_at is None
    (entry,) = audit_rows("event_invitations_sent")
    assert json.loads(entry.details) == {"companies": 1, "emails": 1, "notifications": 1,
                                         "pairs": 1}
    outbox = client.get(f"/events/{event.id}/outbox").get_data(as_text=True)
    assert invited_user.email in outbox and "Invitation: " in outbox

    login(invited_user)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Sonar buoys" in page and "Invitations for" in page
    response = client.post(f"/events/{event.id}/pairs/{locked.id}/respond",
                           data={"decision": "accept"})
    assert response.status_code == 302
    assert db.session.get(EventPair, locked.id).state == "accepted"
    registration = db.session.scalar(select(EventRegistration))
    assert (registration.company_id, registration.status) == (company.id, "registered")
    # Answering twice is refused without a change.
    client.post(f"/events/{event.id}/pairs/{locked.id}/respond", data={"decision": "decline"})
    assert db.session.get(EventPair, locked.id).state == "accepted"
    # Another company cannot answer someone else's invitation.
    login(other)
    assert client.post(f"/events/{event.id}/pairs/{locked.id}/respond",
                       data={"decision": "decline"}).status_code == 404


def test_invitations_need_an_open_event(client, login, organiser, make_event, make_challenge,
                                        make_pair, make_user):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge], status="draft")
    pair = make_pair(event, challenge, make_user(Role.SME).company, state="proposed",
                     register=False)
    login(organiser)
    client.post(f"/events/{event.id}/invitations")
    assert db.session.get(EventPair, pair.id).state == "proposed"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_company_requests_meeting_and_owner_decides(client, login, organiser, make_user,
                                                    make_event, make_challenge):
    owner = make_user(Role.MILITARY, unit="Coastal Ranger Command")
    challenge = make_challenge(owner=owner, title="Littoral drones")
    event = make_event(organiser, challenges=[challenge])
    sme = make_user(Role.SME)
    login(sme)
    client.post(f"/events/{event.id}/register")
    response = client.post(f"/events/{event.id}/requests", data={"challenge_id": challenge.id})
    assert response.status_code == 302
    pair = db.session.scalar(select(EventPair))
    assert (pair.origin, pair.state, pair.company_id) == ("request", "requested", sme.company_id)
    assert db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    # The company cannot decide its own request.
    assert client.post(f"/events/{event.id}/pairs/{pair.id}/decide",
                       data={"decision": "accept"}).status_code == 403
    login(owner)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Meeting requests to answer" in page and sme.company.name in page
    client.post(f"/events/{event.id}/pairs/{pair.id}/decide", data={"decision": "accept"})
    assert db.session.get(EventPair, pair.id).state == "accepted"
    # Another unit's officer may not decide.
    pair.state = "requested"
    db.session.commit()
    login(make_user(Role.MILITARY, unit="Other unit"))
    assert client.post(f"/events/{event.id}/pairs/{pair.id}/decide",
                       data={"decision": "decline"}).status_code == 403


def test_unregistered_company_cannot_request(client, login, organiser, make_user, make_event,
                                             make_challenge):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge])
    login(make_user(Role.SME))
    client.post(f"/events/{event.id}/requests", data={"challenge_id": challenge.id})
    assert db.session.scalar(select(func.count(EventPair.id))) == 0


def test_vetted_challenge_is_invisible_to_unvetted_company(client, login, organiser, make_user,
                                                           make_event, make_challenge):
    secret = make_challenge(title="Canary restricted title", visibility="vetted")
    event = make_event(organiser, challenges=[secret])
    sme = make_user(Role.SME)
    login(sme)
    client.post(f"/events/{event.id}/register")
    assert "Canary restricted title" not in client.get(f"/events/{event.id}").get_data(
        as_text=True)
    assert client.post(f"/events/{event.id}/requests",
                       data={"challenge_id": secret.id}).status_code == 302
    assert db.session.scalar(select(func.count(EventPair.id))) == 0


def test_schedule_confirm_and_reschedule_keeps_confirmed(client, login, organiser, make_user,
                                                         make_event, make_challenge, make_pair):
    owner = make_user(Role.MILITARY)
    first, second = make_challenge(owner=owner, title="A"), make_challenge(owner=owner,
                                                                           title="B")
    event = make_event(organiser, challenges=[first, second], tables=2)  # 3 slots
    companies = [make_user(Role.SME).company for _ in range(3)]
    make_pair(event, first, companies[0], score=0.9)
    make_pair(event, second, companies[1], score=0.8)
    login(organiser)
    response = client.post(f"/events/{event.id}/schedule")
    assert response.status_code == 200
    meetings = db.session.scalars(select(Meeting)).all()
    assert len(meetings) == 2
    # One owner (a person) with two challenges: never two meetings in one slot.
    assert meetings[0].slot != meetings[1].slot
    assert all(m.ends_at - m.starts_at == timedelta(minutes=20) for m in meetings)
    assert client.post(f"/events/{event.id}/schedule/confirm").status_code == 302
    kept = {m.pair_id: (m.slot, m.table_number) for m in db.session.scalars(select(Meeting))}
    assert all(m.confirmed for m in db.session.scalars(select(Meeting)))
    make_pair(event, first, companies[2], score=1.0)
    client.post(f"/events/{event.id}/schedule")
    after = {m.pair_id: (m.slot, m.table_number, m.confirmed)
             for m in db.session.scalars(select(Meeting))}
    assert len(after) == 3
    for pair_id, place in kept.items():
        assert after[pair_id] == (*place, True)
    page = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert "Confirmed" in page
    agenda = client.get(f"/events/{event.id}/agenda").get_data(as_text=True)
    assert "Table 1" in agenda and companies[2].name in agenda


def test_schedule_reports_unplaced_reasons(client, login, organiser, make_user, make_event,
                                           make_challenge, make_pair):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge], tables=1)
    sme = make_user(Role.SME)
    make_pair(event, challenge, sme.company)
    registration = db.session.scalar(select(EventRegistration))
    registration.available_from, registration.available_until = time(11, 0), time(12, 0)
    db.session.commit()
    login(organiser)
    body = client.post(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert "Not placed" in body and "not available" in body
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_participants_see_their_meetings_and_calendars(client, login, organiser, make_user,
                                                       make_event, make_challenge, make_pair):
    owner = make_user(Role.MILITARY)
    challenge = make_challenge(owner=owner, title="Ice radar")
    event = make_event(organiser, challenges=[challenge])
    sme, other = make_user(Role.SME), make_user(Role.SME)
    make_pair(event, challenge, sme.company)
    login(organiser)
    client.post(f"/events/{event.id}/schedule")
    login(sme)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ice radar" in page and "Your meetings" in page
    response = client.get(f"/events/{event.id}/calendar.ics?company={sme.company_id}")
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.data
    assert client.get(f"/events/{event.id}/calendar.ics?company={other.company_id}"
                      ).status_code == 403
    login(other)
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert response.status_code == 200 and b"BEGIN:VEVENT" not in response.data
    login(owner)
    response = client.get(f"/events/{event.id}/calendar.ics?owner=me")
    assert response.data.count(b"BEGIN:VEVENT") == 1
    assert client.get(f"/events/{event.id}/agenda?owner=me").status_code == 200


def test_ratings_become_match_judgements(client, login, organiser, make_user, make_event,
                                         make_challenge, make_pair):
    from portal.models import MatchFeedback

    owner = make_user(Role.MILITARY)
    challenge = make_challenge(owner=owner)
    event = make_event(organiser, challenges=[challenge], status="closed",
                       date=date.today() - timedelta(days=1))
    sme = make_user(Role.SME)
    make_pair(event, challenge, sme.company)
    login(organiser)
    client.post(f"/events/{event.id}/schedule")
    meeting = db.session.scalar(select(Meeting))
    login(sme)
    assert client.post(f"/events/{event.id}/meetings/{meeting.id}/rate",
                       data={"outcome": "follow_up"}).status_code == 302
    login(owner)
    client.post(f"/events/{event.id}/meetings/{meeting.id}/rate",
                data={"outcome": "no_contact"})
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.company_outcome, meeting.owner_outcome) == ("follow_up", "no_contact")
    judgements = {f.user_id: f for f in db.session.scalars(select(MatchFeedback))}
    assert judgements[sme.id].relevant is True and judgements[sme.id].source == "meeting"
    assert judgements[owner.id].relevant is False
    assert (judgements[sme.id].challenge_id, judgements[sme.id].company_id) == (
        challenge.id, sme.company_id)
    # Re-rating updates the same judgement; outsiders may not rate.
    login(sme)
    client.post(f"/events/{event.id}/meetings/{meeting.id}/rate", data={"outcome": "no_contact"})
    assert db.session.scalar(select(func.count(MatchFeedback.id))) == 2
    login(make_user(Role.SME))
    assert client.post(f"/events/{event.id}/meetings/{meeting.id}/rate",
                       data={"outcome": "cooperation"}).status_code == 404


def test_future_meetings_cannot_be_rated(client, login, organiser, make_user, make_event,
                                         make_challenge, make_pair):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge])
    sme = make_user(Role.SME)
    make_pair(event, challenge, sme.company)
    login(organiser)
    client.post(f"/events/{event.id}/schedule")
    meeting = db.session.scalar(select(Meeting))
    login(sme)
    client.post(f"/events/{event.id}/meetings/{meeting.id}/rate", data={"outcome": "follow_up"})
    assert db.session.get(Meeting, meeting.id).company_outcome is None


def test_exports_are_stamped_and_audited(client, login, organiser, make_user, make_event,
                                         make_challenge, make_pair):
    challenge = make_challenge()
    event = make_event(organiser, challenges=[challenge])
    sme = make_user(Role.SME)
    sme.company.name = '=HYPERLINK("http://evil.test","x")'
    sme.company.contact_email = "contact@acme.test"
    make_pair(event, challenge, sme.company, state="invited")
    login(organiser)
    response = client.get(f"/events/{event.id}/export/matches.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    text = response.data.decode("utf-8-sig")
    assert text.startswith("# Export: Match list")
    assert "# Organiser: organiser@example.test" in text and "# Weights version:" in text
    assert "'=HYPERLINK" in text and "contact@acme.test" in text
    (entry,) = audit_rows("export")
    details = json.loads(entry.details)
    assert (details["format"], details["rows"], details["kind"]) == ("csv", 1, "matches")
    assert entry.actor_id == organiser.id
    assert client.get(f"/events/{event.id}/export/matches.xlsx").status_code == 200
    assert client.get(f"/events/{event.id}/export/matches.pdf").status_code == 404


def test_dashboard(client, login, organiser, make_user, make_event, make_company):
    from portal.models import Area

    area = db.session.scalar(select(Area).order_by(Area.position))
    company = make_company(county="Troms")
    company.areas.append(area)
    db.session.commit()
    make_event(organiser, name="Funnel event")
    login(organiser)
    body = client.get("/events/dashboard").get_data(as_text=True)
    assert "heat-5" in body and "Funnel event" in body and "<svg" in body
    assert 'style="' not in body
    login(make_user(Role.SME))
    assert client.get("/events/dashboard").status_code == 403
    login(make_user(Role.MILITARY))
    assert client.get("/events/dashboard").status_code == 403


def test_download_names_keep_norwegian_letters(client, login, organiser, make_event,
                                               make_challenge):
    from urllib.parse import unquote

    from portal.services import tokens

    event = make_event(organiser, challenges=[make_challenge()], name="Sørøst-Trøndelag dag")
    login(organiser)
    for url in (f"/events/{event.id}/export/matches.xlsx",
                f"/events/{event.id}/export/schedule.xlsx"):
        header = client.get(url).headers["Content-Disposition"]
        fallback, utf8 = header.split("; filename*=UTF-8''")
        assert unquote(utf8).startswith(f"event-{event.id}-sørøst-trøndelag-dag-")
        assert fallback.startswith(f'attachment; filename="event-{event.id}-soeroest-')
        assert fallback.isascii()
    raw = tokens.create_token(db.session, organiser, "t")[1]
    db.session.commit()
    response = client.get(f"/api/v1/events/{event.id}/matches?format=xlsx",
                          headers={"Authorization": f"Bearer {raw}"})
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert "s%C3%B8r%C3%B8st" in response.headers["Content-Disposition"]
