"""Hole 1: vetting belongs to a legal identity (security checklist 27).

A vetted company that changes its name, organisation number, country or ownership loses its
vetting at once, with an audit row and a notification to every administrator.
"""

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry, Company, Notification
from portal.services import tokens
from tests.conftest import add_challenge

SECRET_TITLE = "Vetted-only quantum gravimeter"


@pytest.fixture
def vetted_sme(make_user, make_company):
    company = make_company(name="Fjordsonar AS", org_number="923609016", country="NO",
                           clearance="facility", clearance_verified=True, norwegian_owned=True)
    return make_user("sme", company=company)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def restricted(app):
    return add_challenge({"title": SECRET_TITLE, "problem": "Gravity mapping under ice.",
                          "status": "open", "visibility": "vetted", "unit": "Unit V"})


def _bearer(user) -> dict[str, str]:
    _token, raw = tokens.create_token(db.session, user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("change", [
    {"name": "Nordic Holdings Ltd"},
    {"org_number": "974760673"},
    {"country": "SE", "org_number": None},
    {"norwegian_owned": False},
])
def test_identity_change_through_the_api_ends_vetting(client, vetted_sme, admin, restricted,
                                                     change):
    headers = _bearer(vetted_sme)
    assert client.get(f"/api/v1/challenges/{restricted.id}", headers=headers).status_code == 200
    response = client.put("/api/v1/me/company", json=change, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["clearance_verified"] is False
    company = db.session.get(Company, vetted_sme.company_id)
    db.session.refresh(company)
    assert not company.clearance_verified and company.verified_by_id is None
    # The next request no longer sees the vetted-only challenge.
    response = client.get(f"/api/v1/challenges/{restricted.id}", headers=headers)
    assert response.status_code == 404 and SECRET_TITLE not in response.get_data(as_text=True)
    withdrawn = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "vetting_withdrawn", AuditEntry.target_id == company.id))
    assert withdrawn is not None and withdrawn.actor_id == vetted_sme.id
    for field in change:
        assert field in withdrawn.details
    notes = db.session.scalars(select(Notification).where(Notification.user_id == admin.id)).all()
    assert len(notes) == 1 and "vetting" in notes[0].message


def test_identity_change_through_the_form_ends_vetting(client, login, vetted_sme, admin):
    login(vetted_sme)
    company = vetted_sme.company
    form = {"kind": "company", "name": company.name, "country": "NO",
            "org_number": "974760673", "county": "Vestland", "municipality": "Bergen",
            "size_band": "10-49", "contact_name": "Ola Nordmann",
            "contact_email": "post@fjordsonar.example", "description": "We build sonar. " * 20,
            "areas": ["5"], "trl": "6", "clearance": "facility", "norwegian_owned": "y"}
    response = client.post("/company/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(company)
    assert not company.clearance_verified
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "vetting_withdrawn"))
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == admin.id))


def test_other_fields_keep_vetting(client, vetted_sme, admin):
    headers = _bearer(vetted_sme)
    response = client.put("/api/v1/me/company", headers=headers,
                          json={"description": "We also build towed arrays. " * 10,
                                "contact_phone": "+47 55 12 34 56"})
    assert response.status_code == 200
    assert response.get_json()["clearance_verified"] is True
    assert db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "vetting_withdrawn")) is None
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == admin.id)) is None
