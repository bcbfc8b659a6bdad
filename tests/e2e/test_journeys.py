"""Whole journeys through a real browser: an SME from profile to interest, a military user from
approval to match feedback, an organiser from a new event to its exports."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import Event, EventPair, Meeting, User
from portal.services.events import respond_to_invitation

from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from .helpers import PASSWORD, fill_military_signup, flashes, log_in, log_out, sign_up_sme
from .seed import (
    ARCTIC_CHALLENGE,
    ARCTIC_UNIT,
    DRONE_COMPANY,
    EVIL_COMPANY,
    NAVAL_UNIT,
    ORGANISER_EMAIL,
    PUBLIC_CHALLENGE,
    REGISTERED_CHALLENGE,
    SEED_PASSWORD,
    VETTED_CHALLENGE,
)

pytestmark = pytest.mark.e2e

ACOUSTICS_DESCRIPTION = (
    "Hydroakustikk Vest designs and manufactures underwater acoustics for the navy and the "
    "offshore industry. Our main product is a passive sonar built from low-noise hydrophone "
    "arrays that are deployed on the seabed or towed behind small vessels. Signal processing "
    "on the array classifies submarines, divers and small underwater vehicles by their "
    "acoustic signature, even in shallow fjords where steep rock walls, reverberation and "
    "freshwater layers confuse conventional sonar. We have tested the system in Norwegian "
    "fjords in winter, at temperatures far below zero, and in busy harbours where ship noise "
    "masks quiet targets. Our engineers also build acoustic modems for underwater "
    "communication, calibration tanks for hydrophones, and software that fuses acoustic "
    "tracks with radar and camera data for harbour protection. Customers include the "
    "Norwegian navy, research institutes and subsea operators in the North Sea. The company "
    "has twenty-eight employees in Bergen, holds ISO 9001 certification and has delivered "
    "systems that meet NATO environmental standards for maritime equipment."
)


def test_sme_profile_recommendations_and_interest(page, steps):
    sign_up_sme(page, name="Ingrid Havbunn", email="ingrid@hydroakustikk.no",
                company="Hydroakustikk Vest AS", org_number="934567897")
    steps.shot("signed up")

    page.goto("/company/edit")
    assert page.locator("h1").inner_text() == "Edit company profile"
    page.fill("textarea[name=description]", ACOUSTICS_DESCRIPTION)
    assert len(ACOUSTICS_DESCRIPTION.split()) >= 100
    page.get_by_label("Underwater technology", exact=True).check()
    page.get_by_label("Autonomous systems", exact=True).check()
    page.select_option("select[name=county]", "Vestland")
    page.fill("input[name=municipality]", "Bergen")
    page.select_option("select[name=trl]", "6")
    steps.shot("profile filled in")
    page.click("text=Save profile")
    page.wait_for_url("**/company/")
    assert "Company profile saved." in flashes(page)
    profile = page.locator("main").inner_text()
    assert "Underwater technology" in profile and "Vestland" in profile
    steps.shot("profile saved")

    page.goto("/recommendations")
    assert page.locator("h1").inner_text() == "Recommended challenges"
    items = page.locator("li.match-item")
    assert items.count() >= 1
    titles = [items.nth(i).locator("h2 a").inner_text() for i in range(items.count())]
    assert VETTED_CHALLENGE not in titles  # vetted-only: never ranked for an unvetted SME
    assert VETTED_CHALLENGE not in page.locator("main").inner_text()
    assert {PUBLIC_CHALLENGE, REGISTERED_CHALLENGE} <= set(titles)
    best = items.first
    assert best.locator(".match-rank").inner_text() == "1."
    score = int(best.locator(".match-score .score-value").inner_text())
    assert 0 < score <= 100
    # The fit, read by a screen reader as "Fit NN of 100", and its band named beside it.
    assert best.get_by_role("img", name=re.compile(r"^Fit \d+ of 100$")).count() == 1
    assert best.locator(".match-score .badge").inner_text() in (
        "Strong fit", "Good fit", "Possible fit", "Weak fit")
    explanation = best.locator(".match-explanation").inner_text().lower()
    assert "shared technology areas" in explanation and "underwater technology" in explanation
    assert "top shared terms" in explanation and "sonar" in explanation
    assert best.locator(".tag").count() >= 2
    steps.shot("recommendations with explanations")

    page.goto("/challenges/")
    assert VETTED_CHALLENGE not in page.locator("main").inner_text()
    page.goto("/recommendations")
    page.locator("li.match-item", has_text=REGISTERED_CHALLENGE).locator("h2 a").click()
    page.wait_for_url("**/challenges/*")
    assert page.locator("h1").inner_text() == REGISTERED_CHALLENGE
    pitch = ("Our seabed hydrophone arrays already guard two harbours; we would adapt them to "
             "classify divers at your quay within six months.")
    page.fill("textarea[name=pitch]", pitch)
    steps.shot("pitch written")
    page.get_by_role("button", name="Express interest").click()
    page.wait_for_load_state()
    assert f"Your interest was sent to {NAVAL_UNIT}." in flashes(page)
    assert "Your company expressed interest" in page.locator("#interest").inner_text()
    steps.shot("interest sent")

    page.goto("/company/interests")
    row = page.locator("tbody tr", has_text=REGISTERED_CHALLENGE)
    assert row.count() == 1
    assert NAVAL_UNIT in row.inner_text() and "New" in row.locator(".badge").inner_text()
    row.locator("summary").click()
    assert pitch in row.inner_text()
    steps.shot("my interests")


ARCTIC_DRONE_CHALLENGE = "Long-endurance drones for Arctic surveillance"


def test_military_posts_a_challenge_and_judges_its_matches(page, steps):
    email = "kaptein@army.test"
    fill_military_signup(page, name="Kari Kaptein", email=email,
                         unit="Brigade North ISR Company")
    page.click("text=Create account")
    page.wait_for_url("**/pending**")
    steps.shot("pending")
    log_out(page)

    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/admin/users?status=pending")
    page.locator("tr", has_text=email).get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert f"{email} is approved." in flashes(page)
    steps.shot("admin approved")
    log_out(page)

    log_in(page, email, PASSWORD)
    page.goto("/challenges/new")
    assert page.locator("h1").inner_text() == "New challenge"
    page.fill("input[name=title]", ARCTIC_DRONE_CHALLENGE)
    page.fill("textarea[name=problem]",
              "Our drones lose battery capacity and ice up in Arctic winter, so surveillance "
              "patrols end after minutes at minus thirty degrees.")
    page.fill("textarea[name=context]", "Arctic winter, Finnmark plateau, no GNSS near the "
                                        "border, operated by small patrols.")
    page.fill("textarea[name=effect]", "Drones with cold-tolerant batteries that fly a full "
                                       "hour in Arctic cold with autonomous navigation.")
    page.get_by_label("Autonomous systems", exact=True).check()
    page.select_option("select[name=trl_min]", "5")
    page.select_option("select[name=trl_max]", "8")
    page.fill("input[name=deadline]", (date.today() + timedelta(days=45)).isoformat())
    page.select_option("select[name=status]", "open")
    steps.shot("challenge form filled")
    page.click("text=Save challenge")
    page.wait_for_url("**/challenges/*")
    assert "Challenge published." in flashes(page)
    assert page.locator("h1").inner_text() == ARCTIC_DRONE_CHALLENGE
    steps.shot("challenge published")

    page.click("text=Matching companies →")
    page.wait_for_url("**/matches")
    assert page.locator("h1").inner_text() == "Matching companies"
    items = page.locator("li.match-item")
    assert items.count() >= 3
    assert items.first.locator("h2").inner_text().startswith("1.")
    drone = page.locator("li.match-item", has_text=DRONE_COMPANY)
    rank = int(drone.locator(".match-rank").inner_text().rstrip("."))
    assert rank <= 2  # the Arctic drone maker is near the top of the ranking
    assert "Autonomous systems" in drone.locator(".match-explanation").inner_text()
    steps.shot("matching companies")

    drone.get_by_role("button", name="Add to shortlist").click()
    page.wait_for_load_state()
    assert f"{DRONE_COMPANY} added to the shortlist." in flashes(page)
    drone = page.locator("li.match-item", has_text=DRONE_COMPANY)
    assert drone.locator("h2 .badge").inner_text() == "Shortlisted"
    assert drone.get_by_role("button", name="Remove from shortlist").count() == 1
    steps.shot("shortlisted")

    comment = "Exactly the cold-weather battery work we need; invite to the next trial."
    drone.locator("textarea[name=comment]").fill(comment)
    drone.get_by_role("button", name="Relevant", exact=True).click()
    page.wait_for_load_state()
    assert f"Thank you: {DRONE_COMPANY} marked relevant." in flashes(page)
    drone = page.locator("li.match-item", has_text=DRONE_COMPANY)
    assert "You said: relevant" in drone.locator("legend").inner_text()
    assert drone.locator("textarea[name=comment]").input_value() == comment
    assert "chosen" in drone.get_by_role("button", name="Relevant", exact=True).get_attribute(
        "class")
    assert drone.locator("h2 .badge").inner_text() == "Shortlisted"
    steps.shot("feedback given")


def _invited_pairs_accepted_in_db(app, event_id: int, skip_company: str) -> int:
    """Every other invited company accepts through the service, as its own user would."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        pairs = db.session.scalars(select(EventPair).where(
            EventPair.event_id == event_id, EventPair.state == "invited")).all()
        accepted = 0
        for pair in pairs:
            if pair.company.name == skip_company:
                continue
            user = db.session.scalar(select(User).where(User.company_id == pair.company_id))
            respond_to_invitation(db.session, event, pair, user, accept=True)
            accepted += 1
        db.session.commit()
        db.session.remove()
        return accepted


def event_tab(page, name: str) -> None:
    page.get_by_role("navigation", name="Event tools").get_by_role("link", name=name).click()
    page.wait_for_load_state()


def _download(page, link_text: str, folder):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text, exact=True).click()
    download = info.value
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / download.suggested_filename
    download.save_as(target)
    return target


def test_organiser_runs_an_event_from_matchmaking_to_exports(page, steps, new_page,
                                                             portal_app):
    openpyxl = pytest.importorskip("openpyxl")
    icalendar = pytest.importorskip("icalendar")
    event_name = "Vestland subsea cluster day"
    log_in(page, ORGANISER_EMAIL, SEED_PASSWORD)
    page.goto("/events/new")
    page.fill("input[name=name]", event_name)
    page.fill("textarea[name=description]", "Meet naval and Arctic units in 1:1 meetings.")
    page.select_option("select[name=county]", "Vestland")
    page.fill("input[name=venue]", "Haakonsvern naval base, Bergen")
    page.fill("input[name=date]", (date.today() + timedelta(days=21)).isoformat())
    page.fill("input[name=start_time]", "09:00")
    page.fill("input[name=end_time]", "12:00")
    page.fill("input[name=meeting_minutes]", "20")
    page.fill("input[name=tables]", "4")
    steps.shot("new event")
    page.click("text=Create event")
    page.wait_for_url("**/events/*")
    assert "Event created as a draft" in flashes(page)
    assert page.locator("h1").inner_text() == event_name
    event_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    steps.shot("event created")

    event_tab(page, "Challenges")
    for title, unit in ((PUBLIC_CHALLENGE, NAVAL_UNIT), (REGISTERED_CHALLENGE, NAVAL_UNIT),
                        (ARCTIC_CHALLENGE, ARCTIC_UNIT)):
        page.select_option("select[name=challenge_id]", label=f"{title} ({unit})")
        page.get_by_role("button", name="Attach").click()
        page.wait_for_load_state()
        assert "Challenge attached." in flashes(page)
    attached = page.locator("section", has_text="Attached challenges").locator("tbody tr")
    assert attached.count() == 3
    steps.shot("challenges attached")

    event_tab(page, "Overview")
    page.get_by_role("button", name="Open registration").click()
    page.wait_for_load_state()
    assert "The event is now open." in flashes(page)
    steps.shot("registration open")

    event_tab(page, "Matchmaking")
    page.fill("input[name=top_n]", "3")
    # The browser world ranks with a bag-of-words stand-in for the model, whose fits mean
    # little: the journey proposes without a minimum fit (the rule has its own tests).
    page.fill("input[name=min_fit]", "0")
    page.get_by_role("button", name="Run matchmaking").click()
    page.wait_for_load_state()
    assert "Matchmaking done:" in flashes(page)
    harbour = page.locator("section.card", has_text=REGISTERED_CHALLENGE)
    assert harbour.locator("tbody tr").count() == 3
    evil_row = harbour.locator("tbody tr", has_text=EVIL_COMPANY)
    assert evil_row.count() == 1  # the name is shown as text, never as a formula or link
    steps.shot("matchmaking proposals")
    evil_row.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()
    harbour = page.locator("section.card", has_text=REGISTERED_CHALLENGE)
    assert "Locked" in harbour.locator("tbody tr", has_text=EVIL_COMPANY).inner_text()
    arctic = page.locator("section.card", has_text=ARCTIC_CHALLENGE)
    arctic.locator("tbody tr").last.get_by_role("button", name="Remove").click()
    page.wait_for_load_state()
    arctic = page.locator("section.card", has_text=ARCTIC_CHALLENGE)
    assert arctic.locator("tbody tr.pair-removed").count() == 1
    steps.shot("pairs locked and removed")

    page.get_by_role("link", name="Send invitations…").click()
    page.wait_for_load_state()
    assert "8 pairs will be invited" in page.locator("main").inner_text()
    steps.shot("invitations to confirm")
    page.get_by_role("button", name="Send 8 invitations").click()
    page.wait_for_load_state()
    assert "8 invitations sent to" in flashes(page)  # 3 challenges x top 3, one removed
    assert page.locator("tbody tr.pair-invited").count() == 8
    steps.shot("invitations sent")

    company_page = new_page()
    log_in(company_page, "post@evil.test", SEED_PASSWORD)
    company_page.goto(f"/events/{event_id}")
    invitations = company_page.locator("#invitations li")
    assert invitations.filter(has_text=REGISTERED_CHALLENGE).count() == 1
    steps.shot("company sees its invitations", page=company_page)
    accepted_in_browser = invitations.count()
    for _ in range(accepted_in_browser):
        invitations.first.get_by_role("button", name="Accept").click()
        company_page.wait_for_load_state()
        assert "Invitation accepted: you are registered." in flashes(company_page)
    assert invitations.count() == 0
    assert "is registered." in company_page.locator("#registration").inner_text()
    steps.shot("company accepted", page=company_page)
    accepted = accepted_in_browser + _invited_pairs_accepted_in_db(portal_app, event_id,
                                                                   EVIL_COMPANY)
    assert accepted == 8  # every invited pair is accepted

    event_tab(page, "Schedule")
    page.get_by_role("button", name="Build schedule").click()
    page.wait_for_load_state()
    assert f"Scheduled {accepted} meetings" in flashes(page)
    assert "0 accepted pairs could not be placed" in flashes(page)
    grid = page.locator("table.schedule-grid")
    assert grid.locator("td.meeting").count() == accepted
    assert EVIL_COMPANY in grid.inner_text()
    steps.shot("schedule built")

    event_tab(page, "Overview")
    steps.shot("event overview with exports")
    folder = steps.folder / "downloads"
    with portal_app.app_context():
        pair_count = len(db.session.scalars(select(EventPair).where(
            EventPair.event_id == event_id, EventPair.state != "removed")).all())
        meeting_count = len(db.session.scalars(select(Meeting).where(
            Meeting.event_id == event_id)).all())
        db.session.remove()
    assert pair_count == 8 and meeting_count == accepted

    csv_path = _download(page, "Match list (CSV)", folder)
    assert csv_path.suffix == ".csv"
    text = csv_path.read_bytes().decode("utf-8-sig")
    stamp = [line for line in text.splitlines() if line.startswith("#")]
    assert any(line.startswith("# Organiser: " + ORGANISER_EMAIL) for line in stamp)
    rows = list(csv.reader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("#")))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Event", "Challenge", "Company"]
    assert len(body) == pair_count
    companies = [row[header.index("Company")] for row in body]
    assert "'" + EVIL_COMPANY in companies and EVIL_COMPANY not in companies

    xlsx_path = _download(page, "Match list (Excel)", folder)
    book = openpyxl.load_workbook(xlsx_path)
    sheet = book["Matches"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0][:3]) == ["Event", "Challenge", "Company"]
    assert len(values) - 1 == pair_count
    evil_cells = [cell for cell in sheet["C"] if cell.value == "'" + EVIL_COMPANY]
    assert len(evil_cells) == companies.count("'" + EVIL_COMPANY) >= 1
    assert all(cell.data_type == "s" for cell in evil_cells)
    assert not any(cell.value == EVIL_COMPANY for cell in sheet["C"])
    assert "About" in book.sheetnames

    ics_path = _download(page, "Event calendar (.ics)", folder)
    calendar = icalendar.Calendar.from_ical(ics_path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == meeting_count
    assert all(event.get("dtstart") and event.get("uid") for event in events)
    steps.shot("exports downloaded")
