"""Company profiles for staff: who may open them, what they show, and the audit trail."""

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry
from portal.models.enums import Role
from tests.conftest import add_challenge


@pytest.fixture
def target(make_company):
    return make_company(name="Fjordsonar AS", description="Passive sonar for fjords.",
                        county="Troms", trl=6, size_band="10-49", website="https://fjord.test",
                        contact_name="Kari Nordmann", contact_email="kari@fjord.test",
                        contact_phone="+47 400 00 001", clearance="facility",
                        clearance_verified=True)


def _views(company_id):
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "company_profile_view", AuditEntry.target_id == company_id)))


@pytest.mark.parametrize("role", [Role.MILITARY, Role.ORGANISER, Role.ADMIN])
def test_staff_open_any_profile_with_contact_data_and_each_view_is_logged(
        role, target, make_user, client, login):
    viewer = make_user(role)
    login(viewer)
    for expected_rows in (1, 2):
        response = client.get(f"/company/{target.id}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        for text in ("Fjordsonar AS", "Passive sonar for fjords.", "Troms", "10-49",
                     "https://fjord.test", "Kari Nordmann", "kari@fjord.test",
                     "+47 400 00 001", "Verified by admin"):
            assert text in page, text
        rows = _views(target.id)
        assert len(rows) == expected_rows
        assert rows[-1].actor_id == viewer.id


def test_another_sme_gets_404_and_no_audit_row(target, make_user, client, login):
    login(make_user(Role.SME))
    assert client.get(f"/company/{target.id}").status_code == 404
    assert _views(target.id) == []


def test_own_profile_redirects_to_the_own_page_without_an_audit_row(target, make_user, client,
                                                                     login):
    login(make_user(Role.SME, company=target))
    response = client.get(f"/company/{target.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/company/")
    assert _views(target.id) == []


def test_pending_military_user_cannot_open_profiles(target, make_user, client, login):
    login(make_user(Role.MILITARY, status="pending"))
    response = client.get(f"/company/{target.id}")
    assert response.status_code == 302
    assert "/pending" in response.headers["Location"]


def test_unknown_company_is_404_for_staff(make_user, client, login):
    login(make_user(Role.MILITARY))
    assert client.get("/company/999999").status_code == 404


def test_api_profile_for_staff_and_404_for_other_smes(target, make_user, client):
    from portal.services import tokens

    military = make_user(Role.MILITARY)
    sme = make_user(Role.SME)
    raw_mil = tokens.create_token(db.session, military, "t")[1]
    raw_sme = tokens.create_token(db.session, sme, "t")[1]
    db.session.commit()
    response = client.get(f"/api/v1/companies/{target.id}",
                          headers={"Authorization": f"Bearer {raw_mil}"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["contact_name"] == "Kari Nordmann"
    assert data["contact_email"] == "kari@fjord.test"
    assert data["trl"] == 6 and data["county"] == "Troms"
    assert len(_views(target.id)) == 1
    response = client.get(f"/api/v1/companies/{target.id}",
                          headers={"Authorization": f"Bearer {raw_sme}"})
    assert response.status_code == 404
    assert "kari@fjord.test" not in response.get_data(as_text=True)


def test_company_names_link_to_profiles_for_the_challenge_owner(target, make_user, client, login):
    owner = make_user(Role.MILITARY, unit="Brigade North")
    challenge = add_challenge({"title": "Sonar in fjords", "problem": "Find quiet vessels.",
                               "status": "open", "visibility": "public"}, owner=owner)
    sme = make_user(Role.SME, company=target)
    from portal.models import Interest

    db.session.add(Interest(challenge_id=challenge.id, company_id=target.id, user_id=sme.id,
                            pitch="We have built passive sonar arrays for fjords."))
    db.session.commit()
    login(owner)
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert f'href="/company/{target.id}"' in page


def test_signup_form_says_what_staff_see(client):
    page = client.get("/auth/signup").get_data(as_text=True)
    assert "What staff see" in page
    assert "contact person" in page
