"""Invitations are written in the invited company's language, not the organiser's."""

from sqlalchemy import select

from portal.db import db
from portal.models import Notification, OutboxMessage
from portal.models.enums import Role


def test_invitation_is_written_in_the_recipients_language(client, login, organiser, make_user,
                                                          make_event, make_challenge, make_pair):
    organiser.locale = "en"
    challenge = make_challenge(title="Sonarbøyer i fjorden")
    event = make_event(organiser, challenges=[challenge], name="Innovasjonsdag i Trøndelag")
    invited = make_user(Role.SME, locale="nn")
    invited.company.contact_name = "Kari"
    make_pair(event, challenge, invited.company, state="locked", register=False)
    login(organiser)
    assert client.post(f"/events/{event.id}/invitations").status_code == 302
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.subject == "Invitasjon: Innovasjonsdag i Trøndelag"
    assert message.body.startswith("Hei, Kari!\n")
    assert "Matchmakinga fann at profilen dykkar passar godt" in message.body
    assert "  - Sonarbøyer i fjorden" in message.body
    (note,) = db.session.scalars(select(Notification)).all()
    assert "er invitert til Innovasjonsdag i Trøndelag" in note.message
    assert note.message.endswith("for å møte eigaren av 1 utfordring.")
