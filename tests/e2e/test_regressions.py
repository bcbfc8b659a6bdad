"""Regressions the browser flows once exposed."""

import pytest

from .helpers import flashes, sign_up_sme

pytestmark = pytest.mark.e2e


def test_profile_saves_with_the_contact_email_copied_from_signup(page, steps):
    sign_up_sme(page, name="Reidun Reserved", email="reidun@reserved.test",
                company="Reserved Domain AS", org_number="923456783")
    page.goto("/company/edit")
    page.fill("textarea[name=description]", "We test reserved e-mail domains.")
    page.select_option("select[name=county]", "Vestland")
    page.click("text=Save profile")
    page.wait_for_load_state()
    steps.shot("profile after save")
    assert "Company profile saved." in flashes(page)
    assert "reidun@reserved.test" in page.inner_text("main")
