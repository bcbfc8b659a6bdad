"""The load test's "save profile" posts the company profile form as a browser would.

``loadtest/htmlforms.py`` reads the edit page with lxml the way the locust task does; these tests
check that what it reads is exactly the form's fields and that posting it back saves the profile
with only the description changed (and the text queued for the encoding worker).
"""

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from loadtest.htmlforms import find_form, profile_save
from portal.db import db
from portal.models import Area, Company, EncodingJob
from portal.smes.forms import CompanyForm

KEPT = ("kind", "name", "org_number", "country", "county", "municipality", "size_band",
        "website", "contact_name", "contact_email", "contact_phone", "trl", "clearance",
        "export_control_experience", "norwegian_owned")


@pytest.fixture
def app_config() -> dict:
    # The load test runs with CSRF protection on; so does this test.
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def sme(make_user, make_company):
    areas = list(db.session.scalars(select(Area).order_by(Area.id).limit(2)))
    company = make_company(
        name="Fjordsonar AS", org_number="923609016", county="Vestland", municipality="Bergen",
        size_band="10-49", website="https://fjordsonar.example", contact_name="Kari Nordmann",
        contact_email="post@fjordsonar.example", contact_phone="+47 55 12 34 56",
        description="We build towed sonar arrays & beamforming <electronics>.\nTested at sea.",
        trl=6, clearance="in_process", export_control_experience=True, norwegian_owned=False,
        areas=areas)
    return make_user("sme", company=company)


def _edit_page(client) -> str:
    response = client.get("/company/edit")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_parsed_form_has_exactly_the_profile_forms_fields(app, client, login, sme):
    login(sme)
    form = find_form(_edit_page(client), "description")
    with app.test_request_context():
        expected = {field.name for field in CompanyForm()}
    names = set(form.inputs.keys())
    assert names == expected
    assert "csrf_token" in names
    # Unchecked checkboxes are not posted, as in a browser; this profile checked one of two.
    data = form.form_values()
    assert {name for name, _ in data} == expected - {"norwegian_owned"}
    assert sorted(int(v) for name, v in data if name == "areas") == sorted(
        area.id for area in sme.company.areas)
    # The description comes back as saved: markup unescaped, no newline from the <textarea>.
    assert dict(data)["description"] == sme.company.description


def test_posting_it_back_changes_only_the_description_and_queues_it(client, login, sme):
    login(sme)
    company_id = sme.company_id
    before = {key: getattr(sme.company, key) for key in KEPT}
    areas = {area.id for area in sme.company.areas}
    original = sme.company.description

    for revision in ("r1", "r2"):
        data = profile_save(_edit_page(client), revision)
        response = client.post("/company/edit", data=MultiDict(data))
        assert response.status_code == 302
        assert response.headers["Location"].rstrip("/").endswith("/company")

    db.session.expire_all()
    company = db.session.get(Company, company_id)
    # The next save replaces the revision sentence: descriptions do not grow run after run.
    assert company.description == f"{original} Profile revision r2."
    assert {key: getattr(company, key) for key in KEPT} == before
    assert {area.id for area in company.areas} == areas
    job = db.session.scalar(select(EncodingJob).where(EncodingJob.kind == "company",
                                                      EncodingJob.row_id == company_id))
    assert job is not None and "Profile revision r2." in job.text


def test_a_page_without_the_form_is_an_error():
    with pytest.raises(LookupError):
        profile_save("<form method='post'><input name='q'></form>", "r1")
