"""Outbox and SMTP delivery (SMTP replaced by a fake: tests never send mail)."""

from datetime import time

from sqlalchemy import select

from portal.db import db
from portal.models import OutboxMessage
from portal.services import events as service
from portal.services import mail


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def ehlo(self):
        pass

    def has_extn(self, name):
        return False

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] == "broken@example.test":
            raise mail.smtplib.SMTPRecipientsRefused({})
        FakeSMTP.sent.append((message["To"], message["Subject"]))


def test_queue_flattens_subject_and_delivery_needs_smtp_host(app, monkeypatch):
    message = mail.queue(db.session, recipient=" kari@example.test ",
                         subject="Invitation\r\nBcc: evil@example.test", body="Hello")
    db.session.flush()
    assert message.subject == "Invitation Bcc: evil@example.test"
    assert message.recipient == "kari@example.test"
    assert mail.deliver(db.session, {"SMTP_HOST": None}, [message.id]) == 0
    assert message.sent_at is None


def test_deliver_marks_sent_and_failed(app, monkeypatch):
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    ok = mail.queue(db.session, recipient="kari@example.test", subject="Hi", body="Hello")
    broken = mail.queue(db.session, recipient="broken@example.test", subject="Hi", body="x")
    db.session.flush()
    sent = mail.deliver(db.session, {"SMTP_HOST": "smtp.example.test", "SMTP_PORT": 25},
                        [ok.id, broken.id])
    assert sent == 1 and FakeSMTP.sent == [("kari@example.test", "Hi")]
    rows = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert rows["kari@example.test"].sent_at is not None
    assert rows["broken@example.test"].sent_at is None and rows["broken@example.test"].error


def test_window_slots(organiser, make_event):
    event = make_event(organiser, start_time=time(9, 0), end_time=time(11, 0))  # 6 slots
    assert service.window_slots(event, None, None) == list(range(6))
    assert service.window_slots(event, time(9, 30), None) == [2, 3, 4, 5]
    assert service.window_slots(event, None, time(9, 50)) == [0, 1]
    assert service.window_slots(event, time(10, 0), time(10, 30)) == [3]
