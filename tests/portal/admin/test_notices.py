"""Users are told (in the portal, and by e-mail when verified) when an administrator acts on
their account or company."""

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Notification, OutboxMessage


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message)
                                   .where(Notification.user_id == user.id)))


def _mail(user) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.subject)
                                   .where(OutboxMessage.recipient == user.email)))


@pytest.mark.parametrize(("setup", "url", "data", "subject"), [
    ({"role": "military", "status": "pending"}, "approve", {}, "Your account is approved"),
    ({"role": "sme"}, "disable", {}, "Your account is disabled"),
    ({"role": "sme", "status": "disabled"}, "enable", {}, "Your account is enabled again"),
    ({"role": "sme"}, "role", {"role": "organiser"}, "Your role changed"),
])
def test_account_actions_notify_the_user(client, login, make_user, setup, url, data, subject):
    user = make_user(setup.pop("role"), **setup)
    login(make_user("admin"))
    response = client.post(f"/admin/users/{user.id}/{url}", data=data)
    assert response.status_code == 302
    assert len(_notes(user)) == 1
    assert _mail(user) == [subject]


def test_vetting_and_unvetting_notify_every_user_of_the_company(client, login, make_user,
                                                                make_company):
    company = make_company(clearance="facility")
    first = make_user("sme", company=company)
    second = make_user("sme", company=company, email_verified_at=None)
    login(make_user("admin"))
    assert client.post(f"/admin/companies/{company.id}/vet").status_code == 302
    assert client.post(f"/admin/companies/{company.id}/unvet").status_code == 302
    assert _mail(first) == ["Your company is vetted", "Your company's vetting ended"]
    # The unverified address gets the notices in the portal only.
    assert _mail(second) == []
    assert len(_notes(second)) == 2
