"""The company profile: create, edit, validation, vetting reset and access."""

import pytest
from sqlalchemy import func, select

from portal.db import db, utcnow
from portal.models import AuditEntry, Company

DESCRIPTION = " ".join(["We build towed sonar arrays and beamforming electronics."] * 16)


def form(**overrides) -> dict:
    data = {
        "kind": "company", "name": "Fjordsonar AS", "country": "NO", "org_number": "923 609 016",
        "county": "Vestland", "municipality": "Bergen", "size_band": "10-49",
        "website": "https://fjordsonar.example", "contact_name": "Ola Nordmann",
        "contact_email": "Post@Fjordsonar.example", "contact_phone": "+47 55 12 34 56",
        "description": DESCRIPTION, "areas": ["5", "11"], "trl": "6", "clearance": "none",
        "norwegian_owned": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def sme_without_company(make_user, make_company):
    user = make_user("sme", company=make_company())
    user.company = None
    db.session.commit()
    return user


def test_sme_without_profile_is_sent_to_create_it(client, login, sme_without_company):
    login(sme_without_company)
    response = client.get("/company/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/company/edit")
    page = client.get("/company/edit").get_data(as_text=True)
    assert "Create company profile" in page and "Priority technology areas" in page


def test_create_profile_links_the_user_and_normalises(client, login, sme_without_company):
    login(sme_without_company)
    response = client.post("/company/edit", data=form())
    assert response.status_code == 302
    company = db.session.scalar(select(Company).where(Company.name == "Fjordsonar AS"))
    assert company.org_number == "923609016"
    assert company.contact_email == "post@fjordsonar.example"
    assert {a.slug for a in company.areas} == {"underwater-technology", "autonomous-systems"}
    assert company.trl == 6 and company.norwegian_owned and not company.export_control_experience
    db.session.refresh(sme_without_company)
    assert sme_without_company.company_id == company.id
    page = client.get("/company/").get_data(as_text=True)
    assert "Fjordsonar AS" in page and sme_without_company.email in page
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company_create"))


@pytest.mark.parametrize("overrides, field, message", [
    ({"org_number": "923609017"}, "org_number", "check digit"),
    ({"org_number": "12345"}, "org_number", "9 digits"),
    ({"org_number": ""}, "org_number", "Norwegian companies give"),
    ({"county": ""}, "county", "Choose the county"),
    ({"country": "XX"}, "country", "ISO code"),
    ({"website": "javascript:alert(1)"}, "website", "https://"),
    ({"contact_email": "not-an-email"}, "contact_email", "email"),
    ({"contact_phone": "call me"}, "contact_phone", "digits"),
    ({"name": ""}, "name", "required"),
    ({"trl": "12"}, "trl", "Not a valid choice"),
    ({"description": ""}, "description", "required"),
])
def test_invalid_input_shows_error_next_to_field_and_saves_nothing(
        client, login, sme_without_company, overrides, field, message):
    login(sme_without_company)
    before = db.session.scalar(select(func.count(Company.id)))
    response = client.post("/company/edit", data=form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    error_line = page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message.lower() in error_line.lower()
    assert "Please correct the highlighted fields" in page
    assert db.session.scalar(select(func.count(Company.id))) == before


def test_foreign_company_gives_country_instead_of_org_number(client, login, sme_without_company):
    login(sme_without_company)
    response = client.post("/company/edit", data=form(country="se", org_number="", county="",
                                                      name="Svensk Sensor AB"))
    assert response.status_code == 302
    company = db.session.scalar(select(Company).where(Company.name == "Svensk Sensor AB"))
    assert company.country == "SE" and company.org_number is None and company.county is None


def test_edit_updates_the_own_profile(client, login, make_user):
    user = make_user("sme")
    login(user)
    assert client.get("/company/edit").status_code == 200
    response = client.post("/company/edit", data=form(name="Renamed AS", org_number="987654325",
                                                      export_control_experience="y"))
    assert response.status_code == 302
    db.session.refresh(user.company)
    assert user.company.name == "Renamed AS" and user.company.export_control_experience
    assert user.company.org_number == "987654325"


def test_duplicate_org_number_is_a_form_error(client, login, make_user, make_company):
    make_company(name="Holder AS", org_number="923609016")
    user = make_user("sme")
    old_name = user.company.name
    login(user)
    response = client.post("/company/edit", data=form(name="Copycat AS"))
    assert response.status_code == 200
    assert "already registered" in response.get_data(as_text=True)
    db.session.refresh(user.company)
    assert user.company.name == old_name and user.company.org_number is None


def test_unique_constraint_race_is_a_form_error_not_a_500(client, login, make_user, make_company,
                                                          monkeypatch):
    make_company(name="Holder AS", org_number="923609016")
    user = make_user("sme")
    login(user)
    # Simulate a concurrent save that took the number after the check ran.
    monkeypatch.setattr("portal.services.profiles.org_number_taken", lambda *args: False)
    response = client.post("/company/edit", data=form(name="Racer AS"))
    assert response.status_code == 200
    assert "already registered" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Company.id)).where(Company.name == "Racer AS")) == 0


def test_changing_clearance_withdraws_verification(client, login, make_user):
    user = make_user("sme", vetted=True)
    user.company.verified_at = utcnow()
    db.session.commit()
    login(user)
    assert "Verified by admin" in client.get("/company/").get_data(as_text=True)
    response = client.post("/company/edit", data=form(clearance="in_process"))
    assert response.status_code == 302
    db.session.refresh(user.company)
    assert user.company.clearance == "in_process"
    assert user.company.clearance_verified is False and user.company.verified_at is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company_update"))
    assert "verification_withdrawn" in entry.details
    assert "Verified by admin" not in client.get("/company/").get_data(as_text=True)


def test_unchanged_clearance_and_identity_keep_verification(client, login, make_user,
                                                            make_company):
    company = make_company(name="Still Vetted AS", org_number="923609016", country="NO",
                           clearance="facility", clearance_verified=True)
    user = make_user("sme", company=company)
    login(user)
    client.post("/company/edit", data=form(clearance="facility", name="Still Vetted AS",
                                           description=DESCRIPTION + " Also hydrophones."))
    db.session.refresh(user.company)
    assert user.company.description.endswith("Also hydrophones.")
    assert user.company.clearance_verified is True


def test_renaming_a_vetted_company_withdraws_verification(client, login, make_user):
    user = make_user("sme", vetted=True)
    login(user)
    client.post("/company/edit", data=form(clearance="facility", name="Renamed AS"))
    db.session.refresh(user.company)
    assert user.company.name == "Renamed AS" and user.company.clearance_verified is False


def test_clearance_verified_cannot_be_mass_assigned(client, login, make_user):
    user = make_user("sme")
    login(user)
    response = client.post("/company/edit", data=form(
        clearance="facility", clearance_verified="y", verified_by_id="1", id="999"))
    assert response.status_code == 302
    db.session.refresh(user.company)
    assert user.company.clearance == "facility"
    assert user.company.clearance_verified is False and user.company.verified_by_id is None
    assert user.company.id != 999


def test_only_sme_users_have_an_own_profile(client, login, make_user):
    for role in ("military", "organiser", "admin"):
        login(make_user(role))
        assert client.get("/company/").status_code == 403
        assert client.post("/company/edit", data=form()).status_code == 403
    assert db.session.scalar(select(func.count(Company.id)).where(
        Company.name == "Fjordsonar AS")) == 0


def test_anonymous_and_pending_users_are_kept_out(client, login, make_user):
    assert client.get("/company/").status_code == 302
    assert "/auth/login" in client.get("/company/edit").headers["Location"]
    login(make_user("sme", status="pending"))
    assert client.get("/company/").headers["Location"].endswith("/pending")


def test_company_page_by_id_is_for_staff(client, login, make_user, make_company):
    company = make_company(name="Target AS", contact_email="secret@target.example")
    for role, status in (("admin", 200), ("organiser", 200), ("military", 200), ("sme", 404)):
        login(make_user(role))
        response = client.get(f"/company/{company.id}")
        assert response.status_code == status, role
        assert ("secret@target.example" in response.get_data(as_text=True)) == (status == 200)
    login(make_user("admin"))
    assert client.get("/company/99999").status_code == 404


def test_own_company_by_id_redirects_to_profile(client, login, make_user):
    user = make_user("sme")
    login(user)
    response = client.get(f"/company/{user.company_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/company/")
