"""Signup: roles and statuses, validation, normalised unique emails, no mass assignment."""

import json

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import AuditEntry, Company, User
from portal.services import accounts
from portal.services.accounts import signup as signup_service

VALID_ORG_NUMBER = "923609016"
PASSWORD = "lingonberry jam on waffles"


def signup_data(**overrides) -> dict:
    data = {
        "email": "kari@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "full_name": "Kari Nordmann",
        "account_type": "sme",
        "company_name": "Fjord Sensors AS",
        "profile_kind": "company",
        "country": "NO",
        "org_number": "923 609 016",
        "unit": "",
    }
    data.update(overrides)
    return data


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def session_user_id(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def test_signup_page_renders_every_field(client):
    response = client.get("/auth/signup")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in ("email", "password", "confirm", "full_name", "account_type", "company_name",
                 "org_number", "country", "unit"):
        assert f'name="{name}"' in body


def test_sme_signup_is_active_creates_company_and_logs_in(client):
    response = client.post("/auth/signup", data=signup_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/company/")
    user = user_by_email("kari@example.com")
    assert user.role == "sme" and user.status == "active"
    assert user.company is not None
    assert user.company.name == "Fjord Sensors AS"
    assert user.company.org_number == VALID_ORG_NUMBER
    assert user.company.clearance_verified is False
    assert accounts.verify_password(user.password_hash, PASSWORD)
    assert user.password_hash != PASSWORD
    assert session_user_id(client) == user.get_id()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signup"))
    assert entry.actor_id == user.id and entry.outcome == "success"
    assert PASSWORD not in entry.details


def test_foreign_sme_gives_country_instead_of_org_number(client):
    response = client.post("/auth/signup", data=signup_data(country="se", org_number=""))
    assert response.status_code == 302
    company = user_by_email("kari@example.com").company
    assert company.country == "SE" and company.org_number is None


def test_norwegian_sme_needs_a_valid_org_number(client):
    response = client.post("/auth/signup", data=signup_data(org_number=""))
    assert response.status_code == 200
    assert "Norwegian companies give their organisation number" in response.get_data(as_text=True)
    response = client.post("/auth/signup", data=signup_data(org_number="923609017"))
    assert "check digit" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Company.id))) == 0


@pytest.mark.parametrize("role", ["military", "organiser"])
def test_military_and_organiser_signups_are_pending(client, role):
    response = client.post("/auth/signup", data=signup_data(
        account_type=role, unit="Coastal Ranger Command", company_name="", org_number=""))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pending")
    user = user_by_email("kari@example.com")
    assert user.role == role and user.status == "pending"
    assert user.company is None
    assert user.unit == ("Coastal Ranger Command" if role == "military" else None)
    assert db.session.scalar(select(func.count(Company.id))) == 0


def test_military_signup_needs_a_unit(client):
    response = client.post("/auth/signup", data=signup_data(account_type="military", unit=""))
    assert response.status_code == 200
    assert "Give the unit you act for." in response.get_data(as_text=True)
    assert user_by_email("kari@example.com") is None


def test_email_is_normalised_and_duplicates_are_refused(client, app):
    client.post("/auth/signup", data=signup_data(email="  Kari@Example.COM "))
    assert user_by_email("kari@example.com") is not None
    other = app.test_client()
    response = other.post("/auth/signup", data=signup_data(
        email="KARI@example.com", org_number="", country="DE"))
    assert response.status_code == 200
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(Company.id))) == 1


def test_race_past_the_check_is_caught_by_the_unique_constraint(client, monkeypatch):
    """Two signups racing: the IntegrityError on commit becomes the same form error."""
    client.post("/auth/signup", data=signup_data())
    real_check = accounts.email_taken
    calls = []

    def check_misses_the_first_time(session, email):
        calls.append(email)
        return False if len(calls) == 1 else real_check(session, email)

    # The signup service's own check misses; the view's check after the IntegrityError does not.
    monkeypatch.setattr(accounts, "email_taken", check_misses_the_first_time)
    monkeypatch.setattr(signup_service, "email_taken", check_misses_the_first_time)
    other = client.application.test_client()
    response = other.post("/auth/signup", data=signup_data(org_number="", country="DK"))
    assert response.status_code == 200
    assert len(calls) == 2
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "at least 8 characters"),
        ("password123", "most common"),
        ("Qwertyuiop", "most common"),
        ("kari.nordmann", "email address"),
        ("x" * 129, "at most 128"),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    response = client.post("/auth/signup", data=signup_data(
        email="kari.nordmann@example.com", password=password, confirm=password))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_by_email("kari.nordmann@example.com") is None


def test_long_passphrase_without_composition_rules_is_accepted(client):
    phrase = "correct horse battery staple"
    response = client.post("/auth/signup", data=signup_data(password=phrase, confirm=phrase))
    assert response.status_code == 302


def test_mismatched_confirmation_is_refused(client):
    response = client.post("/auth/signup", data=signup_data(confirm="something else entirely"))
    assert "do not match" in response.get_data(as_text=True)
    assert user_by_email("kari@example.com") is None


def test_mass_assignment_is_ignored(client):
    response = client.post("/auth/signup", data=signup_data(
        role="admin", status="active", clearance_verified="true", clearance="facility",
        company_id="1", session_token="chosen", is_admin="1"))
    assert response.status_code == 302
    user = user_by_email("kari@example.com")
    assert user.role == "sme" and user.status == "active"
    assert user.session_token != "chosen"
    assert user.company.clearance_verified is False
    assert user.company.clearance == "none"


def test_account_type_admin_is_not_a_choice(client):
    response = client.post("/auth/signup", data=signup_data(account_type="admin"))
    assert response.status_code == 200
    assert user_by_email("kari@example.com") is None
    response = client.post("/auth/signup", data=signup_data(
        account_type="military", unit="7th", status="active"))
    assert user_by_email("kari@example.com").status == "pending"


def test_signup_audit_row_records_role_and_status(client):
    client.post("/auth/signup", data=signup_data(account_type="organiser", company_name=""))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signup"))
    assert json.loads(entry.details)["role"] == "organiser"
    assert json.loads(entry.details)["status"] == "pending"
    assert entry.actor_email == "kari@example.com"
