"""A military user opens the top company's profile and starts a conversation; the company
reads it under Messages and in its notifications and replies; the military user sees the
reply."""

import pytest

from .helpers import flashes, log_in
from .seed import COMPANIES, OWNER_EMAIL, PUBLIC_CHALLENGE, SEED_PASSWORD

pytestmark = pytest.mark.e2e

EMAILS = {name: email for name, _county, _trl, _areas, email, _text in COMPANIES}


def test_from_a_ranked_match_to_a_conversation(page, steps, new_page):
    log_in(page, OWNER_EMAIL, SEED_PASSWORD)
    page.goto("/challenges/")
    page.get_by_role("link", name=PUBLIC_CHALLENGE).click()
    page.click("text=Matching companies →")
    page.wait_for_url("**/matches")
    top = page.locator("li.match-item").first
    name = top.locator("h2 a").inner_text()
    steps.shot("matches with linked company names")

    top.locator("h2 a").click()
    page.wait_for_url("**/company/*")
    assert page.locator("h1").inner_text() == name
    assert EMAILS[name] in page.locator("section", has_text="Contact").inner_text()
    steps.shot("company profile for staff")
    page.go_back()

    page.locator("li.match-item").first.get_by_role("link", name="Start conversation").click()
    page.wait_for_url("**/conversations/new?company=*")
    page.fill("textarea[name=body]", "Could your hydrophone arrays cover a 2 km fjord "
                                      "entrance? We would like to talk before the deadline.")
    steps.shot("first message written")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/messages/*")
    assert f"Message sent to {name}." in flashes(page)
    thread_url = page.url
    steps.shot("thread after sending")

    sme = new_page()
    log_in(sme, EMAILS[name], SEED_PASSWORD)
    # The badge reads "1 unread" to a screen reader ("unread" is visually hidden).
    assert sme.locator("a.nav-messages .badge").inner_text().split()[0] == "1"
    sme.goto("/notifications")
    # Written in the recipient's language: no saved choice, so the portal's default (Bokmål),
    # whatever language the sender's browser asked for.
    assert f"om «{PUBLIC_CHALLENGE}»" in sme.locator(".notification-list").inner_text()
    steps.shot("company notifications", page=sme)
    sme.click("a.nav-messages")
    sme.wait_for_url("**/messages")
    sme.get_by_role("link", name=PUBLIC_CHALLENGE).click()
    assert "2 km fjord entrance" in sme.locator(".message-list").inner_text()
    sme.fill("textarea[name=body]", "Yes: two seabed arrays cover 2 km. Shall we meet in "
                                    "Bergen next week?")
    sme.click(".reply-card button[type=submit]")
    sme.wait_for_load_state()
    assert "Message sent." in flashes(sme)
    steps.shot("company replied", page=sme)

    page.goto("/messages")
    assert page.locator("a.nav-messages .badge").inner_text().split()[0] == "1"
    page.goto(thread_url)
    assert "two seabed arrays cover 2 km" in page.locator(".message-list").inner_text()
    assert page.locator("a.nav-messages .badge").count() == 0
    steps.shot("military user reads the reply")
