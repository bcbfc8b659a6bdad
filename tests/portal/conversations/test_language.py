"""A new message is announced in each recipient's language, not the sender's."""

from sqlalchemy import select

from portal.db import db
from portal.models import Notification, OutboxMessage


def test_each_recipient_is_told_in_their_own_language(cast, client, login):
    cast.owner.locale = "en"
    cast.sme.locale = "nn"
    cast.colleague.locale = "nb"
    db.session.commit()
    login(cast.owner)
    response = client.post(f"/challenges/{cast.challenge.id}/conversations/new",
                           data={"company_id": str(cast.company.id),
                                 "body": "Could your coating keep a radar dome free of ice?"})
    assert response.status_code == 302

    notes = {n.user_id: n.message for n in db.session.scalars(select(Notification))}
    assert notes[cast.sme.id] == "Ny melding frå Brigade North om «Ice on radar domes»."
    assert notes[cast.colleague.id] == "Ny melding fra Brigade North om «Ice on radar domes»."
    mails = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    nynorsk, bokmal = mails["kari@isfri.test"], mails["per@isfri.test"]
    assert nynorsk.subject == bokmal.subject == "Ny melding: Ice on radar domes"
    assert nynorsk.body.startswith("Hei, Kari!\n")
    assert "Brigade North har sendt deg ei melding om utfordringa «Ice on radar domes»." in (
        nynorsk.body)
    assert "Les ho og svar i portalen: " in nynorsk.body
    assert "Brigade North har sendt deg en melding om utfordringen «Ice on radar domes»." in (
        bokmal.body)
    assert "Les den og svar i portalen: " in bokmal.body
    # The sender's own page stays in the sender's language.
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Message sent to Isfri Belegg AS." in flashed
