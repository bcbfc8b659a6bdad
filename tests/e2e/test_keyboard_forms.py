"""The main forms beyond login and signup, completed with the keyboard alone: Tab and Shift+Tab
to move, typing (type-ahead in selects), Space for checkboxes, Enter to submit. Every focus
stop must move focus and show the focus ring."""

import re
from datetime import date, timedelta

import pytest

from .helpers import active_element, flashes, log_in, sign_up_sme, use_skip_link
from .seed import ARCTIC_OWNER_EMAIL, ARCTIC_UNIT, SEED_PASSWORD

pytestmark = pytest.mark.e2e
# The skip link adds #main to the URL, and a redirect after the POST keeps that fragment.
AFTER_SKIP_LINK_PROFILE = re.compile(r".*/company/(#main)?$")

LONG_TEXT = (
    "Tastatur Marine builds rugged keyboards and consoles for ships and submarines, and "
    "underwater sensors that report through acoustic modems. "
)


def keyboard_form(page, *, typed: dict[str, str], checks: set[str], submit_text: str,
                  limit: int = 80) -> list[dict]:
    """Tab from the current focus to the ``submit_text`` button, typing ``typed[name]`` into
    fields and pressing Space on checkboxes whose label is in ``checks``.

    Every Tab must move focus (date inputs take one extra Tab for their picker segments) to an
    element with a visible focus ring. Returns the focus stops in order.
    """
    stops: list[dict] = []
    previous = active_element(page)["position"]
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = active_element(page)
        if element["position"] == previous:
            assert element["type"] in ("date", "time"), f"Tab did not move focus: {element}"
            continue
        previous = element["position"]
        assert element["ring"], f"no visible focus ring on {element}"
        stops.append(element)
        if element["tag"] == "button" and element["text"] == submit_text:
            return stops
        name = element["name"]
        if element["type"] == "checkbox":
            if element["label"] in checks:
                page.keyboard.press("Space")
                assert active_element(page)["checked"] != element["checked"]
        elif element["type"] == "radio":
            continue  # the checked option of the group has focus; keep it
        elif name in typed:
            if element["tag"] == "select" or element["type"] == "date":
                page.keyboard.type(typed[name])
            else:
                page.keyboard.press("Control+A")
                if len(typed[name]) > 200:
                    page.keyboard.insert_text(typed[name])  # long text, without the wait
                else:
                    page.keyboard.type(typed[name])
    raise AssertionError(f"focus never reached {submit_text!r}; saw "
                         f"{[s['name'] or s['text'] for s in stops]}")


def shift_tab_back_and_forth(page, stops: list[dict]) -> None:
    """Shift+Tab returns to the stop before the submit button; Tab comes back to it."""
    page.keyboard.press("Shift+Tab")
    back = active_element(page)
    assert back["position"] == stops[-2]["position"] and back["ring"]
    page.keyboard.press("Tab")
    assert active_element(page)["position"] == stops[-1]["position"]


def field_order(stops: list[dict]) -> list[str]:
    order: list[str] = []
    for stop in stops:
        if stop["name"] and stop["name"] not in order:
            order.append(stop["name"])
    return order


def test_keyboard_only_company_profile(page, steps):
    sign_up_sme(page, name="Tor Tastatur", email="tor@tastatur-marine.no",
                company="Tastatur Marine AS", org_number="812345672")
    page.goto("/company/edit")
    use_skip_link(page)
    steps.shot("profile form, skip link used")
    stops = keyboard_form(page, typed={
        "municipality": "Bergen", "county": "Vestland", "website": "https://tastatur.no",
        "contact_phone": "+47 55 12 34 56", "description": LONG_TEXT * 6, "trl": "5",
    }, checks={"Underwater technology", "We have export-control experience"},
        submit_text="Save profile")
    assert field_order(stops) == [
        "kind", "name", "country", "org_number", "county", "municipality", "size_band",
        "website", "contact_name", "contact_email", "contact_phone", "description", "areas",
        "trl", "clearance", "export_control_experience", "norwegian_owned"]
    areas = page.locator("input[name=areas]").count()
    assert areas >= 16 and sum(1 for s in stops if s["name"] == "areas") == areas
    shift_tab_back_and_forth(page, stops)
    steps.shot("profile filled by keyboard, submit focused")
    page.keyboard.press("Enter")
    page.wait_for_url(AFTER_SKIP_LINK_PROFILE)
    assert "Company profile saved." in flashes(page)
    profile = page.locator("main").inner_text()
    for expected in ("Vestland", "Bergen", "Underwater technology", "https://tastatur.no"):
        assert expected in profile
    steps.shot("profile saved")


def test_keyboard_only_new_challenge(page, steps):
    title = "Keyboard-typed challenge: ice detection on drone rotors"
    deadline = date.today() + timedelta(days=30)
    log_in(page, ARCTIC_OWNER_EMAIL, SEED_PASSWORD)
    page.goto("/challenges/new")
    use_skip_link(page)
    steps.shot("challenge form, skip link used")
    stops = keyboard_form(page, typed={
        "title": title,
        "problem": "Rotor icing grounds our drones in Arctic fog within minutes of take-off.",
        "context": "Coastal Arctic fog, minus ten degrees, small patrol teams.",
        "effect": "Drones that detect and shed rotor ice in flight.",
        "trl_min": "4", "trl_max": "6", "deadline": deadline.strftime("%m%d%Y"),
        "contract_model": "Innovation", "status": "Open", "visibility": "Public",
    }, checks={"Autonomous systems"}, submit_text="Save challenge")
    assert field_order(stops) == [
        "title", "problem", "context", "effect", "areas", "trl_min", "trl_max", "deadline",
        "contract_model", "county", "status", "visibility"]
    assert page.input_value("input[name=deadline]") == deadline.isoformat()
    shift_tab_back_and_forth(page, stops)
    steps.shot("challenge filled by keyboard, submit focused")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/challenges/\d+(#main)?$"))
    assert "Challenge published." in flashes(page)
    assert page.locator("h1").inner_text() == title
    facts = page.locator(".facts-panel").inner_text()
    # Dates are shown in the page's language (English here: "Dec 30, 2026").
    shown_deadline = f"{deadline:%b} {deadline.day}, {deadline.year}"
    for expected in (ARCTIC_UNIT, "Open", "4\u20136", shown_deadline,
                     "Innovation partnership", "Public", "Autonomous systems"):
        assert expected in facts
    steps.shot("challenge published")
