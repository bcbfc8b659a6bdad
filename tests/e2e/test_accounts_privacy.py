"""Account recovery and privacy in a real browser: forgot password through the outbox, the
verification mark, the privacy page, download my data and delete my account."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import OutboxMessage

from .helpers import PASSWORD, flashes, log_in, sign_up_sme

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "cloudberries under the midnight sun"


def _last_link(portal_app, email: str, path: str) -> str:
    with portal_app.app_context():
        body = db.session.scalars(select(OutboxMessage.body)
                                  .where(OutboxMessage.recipient == email)
                                  .order_by(OutboxMessage.id.desc())).first()
        db.session.remove()
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\?token=\S+)", body).group(1)


def test_forgot_password_then_privacy_export_and_deletion(page, steps, portal_app, new_page):
    email = "sigrid@fjordlys.test"
    sign_up_sme(page, name="Sigrid Fjordlys", email=email, company="Fjordlys Optics AS",
                org_number="974 760 673")
    page.goto("/account/")
    assert "Not verified" in page.locator("main").inner_text()
    steps.shot("account page marks the unverified address")
    page.goto(_last_link(portal_app, email, "/auth/verify"))
    assert "verified" in flashes(page)
    steps.shot("address verified")
    other_device = new_page()
    log_in(other_device, email, PASSWORD)
    page.click("header form.inline-form button")  # log out this browser
    page.wait_for_load_state()

    page.goto("/auth/login")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", email)
    steps.shot("forgot password form")
    page.click("text=Send the reset link")
    page.wait_for_url("**/auth/login")
    assert "If an account uses this address" in flashes(page)
    steps.shot("same answer for every address")

    page.goto(_last_link(portal_app, email, "/auth/reset"))
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    steps.shot("choose a new password")
    page.click("text=Set the new password")
    page.wait_for_url("**/auth/login")
    steps.shot("password changed")
    other_device.goto("/account/")
    assert "/auth/login" in other_device.url  # the other session ended
    log_in(page, email, NEW_PASSWORD)

    page.goto("/privacy")
    assert page.locator("h1").inner_text() == "Privacy"
    steps.shot("privacy page")
    page.goto("/account/")
    with page.expect_download() as download:
        page.click("text=Download my data (JSON)")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == email and data["company"]["name"] == "Fjordlys Optics AS"

    page.fill("#your-data input[name=password]", NEW_PASSWORD)
    page.check("#your-data input[name=understood]")
    steps.shot("delete my account")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#your-data button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert "Your account is deleted" in flashes(page)
    steps.shot("account deleted")
    log_in(page, email, NEW_PASSWORD)
    assert "/auth/login" in page.url
