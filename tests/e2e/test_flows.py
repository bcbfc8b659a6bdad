"""Flows through a real browser: signups, approval by an administrator, keyboard-only use."""

import re

import pytest

from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from .helpers import (
    PASSWORD,
    active_element,
    fill_military_signup,
    log_in,
    log_out,
    use_skip_link,
)

pytestmark = pytest.mark.e2e


def test_sme_signup_lands_on_the_company_profile(page, steps):
    page.goto("/auth/signup")
    steps.shot("signup form")
    page.check("input[name=account_type][value=sme]")
    page.fill("input[name=full_name]", "Kari Nordmann")
    page.fill("input[name=email]", "kari@fjord.test")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.fill("input[name=company_name]", "Fjord Sensors AS")
    page.fill("input[name=country]", "NO")
    page.fill("input[name=org_number]", "923 609 016")
    steps.shot("filled in")
    page.click("text=Create account")
    page.wait_for_url("**/company/")
    assert page.locator("h1").inner_text() == "Fjord Sensors AS"
    assert "kari@fjord.test" in page.locator("header").inner_text()
    steps.shot("company profile")


def test_military_signup_waits_for_approval_then_reaches_the_dashboard(page, steps):
    email = "officer@army.test"
    fill_military_signup(page, name="Ola Offiser", email=email, unit="Army Innovation Lab")
    steps.shot("military signup")
    page.click("text=Create account")
    page.wait_for_url("**/pending**")
    assert "waiting for approval" in page.locator("h1").inner_text()
    steps.shot("pending page")
    page.goto("/challenges/new")  # a pending account cannot act
    assert "/pending" in page.url
    log_out(page)

    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/admin/users?status=pending")
    row = page.locator("tr", has_text=email)
    steps.shot("admin sees the pending account")
    row.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert f"{email} is approved." in page.locator(".flashes").inner_text()
    steps.shot("approved")
    log_out(page)

    log_in(page, email, PASSWORD)
    page.wait_for_url("**/dashboard**")
    assert page.locator("h1").inner_text() == "Dashboard"
    steps.shot("dashboard")


def tab_through_form(page, values: dict[str, str], submit_text: str, limit: int = 40) -> list:
    """Press Tab until the submit button has focus, typing ``values`` into fields on the way.

    Returns the names of the form fields in the order they received focus.
    """
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = active_element(page)
        if element["tag"] == "button" and element["text"] == submit_text:
            return visited
        name = element["name"]
        if name and name not in visited:
            visited.append(name)
            if element["type"] == "radio":
                page.keyboard.press("Space")  # the group's checked option has focus
            elif name in values:
                page.keyboard.press("Control+A")
                page.keyboard.type(values[name])
    raise AssertionError(f"focus never reached the {submit_text!r} button; saw {visited}")


def test_keyboard_only_signup_and_login(page, steps):
    page.goto("/auth/signup")
    use_skip_link(page)
    steps.shot("skip link used")
    visited = tab_through_form(page, {
        "full_name": "Kari Tastatur", "email": "keyboard@fjord.test", "password": PASSWORD,
        "confirm": PASSWORD, "company_name": "Tastatur Sensor AS", "country": "NO",
        "org_number": "987654325",
    }, "Create account")
    # The military-only "unit" field is hidden for SMEs, so focus skips it.
    assert visited == ["account_type", "full_name", "email", "password", "confirm",
                       "company_name", "profile_kind", "country", "org_number"]
    steps.shot("signup filled by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/company/(#main)?$"))  # the skip link added #main
    assert page.locator("h1").inner_text() == "Tastatur Sensor AS"
    steps.shot("signed up")
    log_out(page)

    page.goto("/auth/login")
    use_skip_link(page)
    visited = tab_through_form(page, {"email": "keyboard@fjord.test", "password": PASSWORD},
                               "Log in")
    assert visited == ["email", "password"]
    steps.shot("login filled by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/company/(#main)?$"))  # the skip link added #main
    steps.shot("logged in")
