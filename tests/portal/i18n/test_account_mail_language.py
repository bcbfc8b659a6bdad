"""Account e-mail and notices (reset links, verification, administrator actions) are written in
the recipient's language, not in the language of whoever caused them."""

from sqlalchemy import select

from portal.db import db
from portal.models import Notification, OutboxMessage


def _mail_to(user) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email)
                              .order_by(OutboxMessage.id.desc())).first()


def test_a_reset_email_follows_the_account_owners_language(client, make_user):
    user = make_user("sme", email="kari@example.com", full_name="Kari", locale="nn")
    # The visitor's browser asks for English; the e-mail is for the account's owner.
    client.post("/auth/forgot", data={"email": user.email},
                headers={"Accept-Language": "en"})
    message = _mail_to(user)
    assert message.subject == "Nytt passord til portalen"
    assert message.body.startswith("Hei, Kari!\n")
    assert "Opne denne lenkja for å velje eit nytt passord:" in message.body
    assert "Lenkja verkar éin gong og går ut etter 30 minutt." in message.body


def test_a_role_change_is_told_in_the_users_language(client, login, make_user):
    user = make_user("sme", full_name="Ola", locale="nb")
    login(make_user("admin", locale="en"))
    assert client.post(f"/admin/users/{user.id}/role",
                       data={"role": "organiser"}).status_code == 302
    (note,) = db.session.scalars(select(Notification.message)
                                 .where(Notification.user_id == user.id)).all()
    assert note == ("En administrator har endret rollen din fra SMB-bruker til Arrangør. "
                    "Logg inn på nytt for å se portalen som Arrangør.")
    message = _mail_to(user)
    assert message.subject == "Rollen din er endret"
    assert message.body.startswith("Hei, Ola!\n")
    assert message.body.endswith("Dette er en melding fra SMB-utfordringsportalen; du kan ikke "
                                 "svare på den.")
