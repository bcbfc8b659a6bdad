"""E-mail verification: accounts work at once; unverified addresses are marked and get no mail."""

import re

from sqlalchemy import select

from portal.db import db
from portal.models import Company, OutboxMessage, User
from portal.services.events.matchmaking import company_recipients

PASSWORD = "correct horse battery"


def _signup(client, email="kari@example.com"):
    return client.post("/auth/signup", data={
        "email": email, "password": PASSWORD, "confirm": PASSWORD, "full_name": "Kari Nordmann",
        "account_type": "sme", "company_name": "Fjord Sensors AS", "profile_kind": "company",
        "country": "NO", "org_number": "923 609 016", "unit": ""})


def _link(email: str) -> str:
    body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                              .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"https?://localhost(/auth/verify\?token=\S+)", body).group(1)


def test_signup_sends_a_link_and_the_account_works_unverified(client):
    assert _signup(client).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "kari@example.com"))
    assert user.email_verified_at is None and user.status == "active"
    page = client.get("/account/").get_data(as_text=True)
    assert "Not verified" in page and "Send the link again" in page
    response = client.get(_link("kari@example.com"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None
    assert "Not verified" not in client.get("/account/").get_data(as_text=True)


def test_link_is_resendable_and_a_bad_link_is_refused(client):
    _signup(client)
    assert client.post("/account/verify").status_code == 302
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject == "Confirm your email address")).all()
    assert len(messages) == 2
    assert client.get("/auth/verify?token=forged").status_code == 400


def test_link_for_an_old_address_does_not_verify_a_new_one(client):
    _signup(client)
    link = _link("kari@example.com")
    user = db.session.scalar(select(User).where(User.email == "kari@example.com"))
    user.email = "new@example.com"
    db.session.commit()
    assert client.get(link).status_code == 400
    db.session.refresh(user)
    assert user.email_verified_at is None


def test_admin_list_marks_unverified_addresses(client, login, make_user):
    make_user("sme", email="unverified@example.com", email_verified_at=None)
    login(make_user("admin"))
    page = client.get("/admin/users").get_data(as_text=True)
    assert page.count("Unverified email") == 1


def test_invitations_go_only_to_verified_addresses(make_user, make_company):
    company = make_company(contact_email="contact@example.com")
    make_user("sme", company=company, email="verified@example.com")
    make_user("sme", company=company, email="unverified@example.com", email_verified_at=None)
    db.session.refresh(company)
    users, emails = company_recipients(db.session.get(Company, company.id))
    assert len(users) == 2 and emails == ["verified@example.com"]
