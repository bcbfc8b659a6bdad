"""Front page, dashboards per role, notifications and the static pages."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.db import db, utcnow
from portal.models import Challenge, Interest, Notification


def _challenge(**fields) -> Challenge:
    values = {"title": "A challenge", "problem": "A problem statement long enough to read.",
              "unit": "Unit D", "status": "open", "visibility": "public",
              "deadline": date.today() + timedelta(days=20)}
    values.update(fields)
    challenge = Challenge(**values)
    db.session.add(challenge)
    db.session.commit()
    return challenge


def test_front_page_explains_the_portal_to_anonymous_visitors(client, make_company):
    make_company()
    _challenge(title="Visible public call")
    _challenge(title="Hidden registered call", visibility="registered")
    page = client.get("/").get_data(as_text=True)
    assert "Register your company" in page
    assert "<strong>1</strong> open challenge" in page
    assert "<strong>1</strong> registered companies" in page
    assert "<strong>16</strong>" in page
    assert "Visible public call" in page and "Hidden registered call" not in page


@pytest.mark.parametrize("role, call_to_action", [
    ("sme", "Find challenges"), ("military", "Post a challenge"),
    ("organiser", "Plan a cluster event"), ("admin", "Approve accounts"),
])
def test_front_page_calls_to_action_by_role(client, login, make_user, role, call_to_action):
    login(make_user(role))
    assert call_to_action in client.get("/").get_data(as_text=True)


def test_pending_users_only_see_the_pending_page(client, login, make_user):
    login(make_user("organiser", status="pending"))
    for path in ("/", "/dashboard", "/notifications", "/challenges/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/pending")


def test_sme_dashboard_shows_checklist_interests_and_recommendations(client, login, make_user):
    user = make_user("sme")
    challenge = _challenge(title="Our interesting call")
    db.session.add(Interest(challenge_id=challenge.id, company_id=user.company_id,
                            pitch="We can help with this, truly.", status="shortlisted"))
    db.session.commit()
    login(user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/recommendations"' in page and "Recommended challenges" in page
    assert "Our interesting call" in page and "Shortlisted" in page
    assert "Capability description of 100+ words" in page and "(to do)" in page


def test_military_dashboard_lists_the_units_challenges_with_matches(client, login, make_user):
    user = make_user("military", unit="Unit D")
    mine = _challenge(title="Unit D draft", status="draft")
    _challenge(title="Someone else's", unit="Unit E")
    login(user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Unit D draft" in page and "Someone else" not in page
    assert f"/challenges/{mine.id}/matches" in page


def test_organiser_dashboard_links_events_and_shows_overview(client, login, make_user,
                                                             make_company):
    make_company(county="Troms")
    make_company(county="Troms", kind="research")
    login(make_user("organiser"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/events/"' in page and "Overview" in page and "Troms" in page


def test_admin_dashboard_counts_pending_users_and_companies_to_vet(client, login, make_user,
                                                                   make_company):
    make_user("military", status="pending")
    make_user("organiser", status="pending")
    make_company(clearance="facility", clearance_verified=False)
    login(make_user("admin"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/admin/users"' in page and 'href="/admin/companies"' in page
    assert "Accounts to approve <span class=\"badge badge-pending\">2</span>" in page
    assert "Companies to vet <span class=\"badge badge-pending\">1</span>" in page


def test_notifications_newest_first_and_mark_all_read(client, login, make_user):
    user, other = make_user("sme"), make_user("sme")
    now = utcnow()
    db.session.add_all([
        Notification(user_id=user.id, message="Older note", created_at=now - timedelta(hours=2)),
        Notification(user_id=user.id, message="Newer note", link="/challenges/1",
                     created_at=now),
        Notification(user_id=user.id, message="Bad link", link="//evil.example"),
        Notification(user_id=other.id, message="Someone else's note"),
    ])
    db.session.commit()
    login(user)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("Newer note") < page.index("Older note")
    assert "Someone else" not in page and "Mark all as read" in page
    assert 'href="//evil.example"' not in page
    response = client.post("/notifications/read")
    assert response.status_code == 302
    notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    assert all(note.read_at is not None for note in notes)
    untouched = db.session.scalar(select(Notification).where(Notification.user_id == other.id))
    assert untouched.read_at is None
    assert "Mark all as read" not in client.get("/notifications").get_data(as_text=True)


def test_notifications_need_login(client):
    assert client.get("/notifications").status_code == 302
    assert client.post("/notifications/read").status_code == 302


def test_static_pages(client):
    about = client.get("/about").get_data(as_text=True)
    assert "three party model" in about and "Cooperation for Security" in about
    assert "Military users" in about and "vetted SMEs only" in about
    assert client.get("/taxonomy").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_accessibility_statement_is_linked_from_every_page_footer(app, client):
    footer = client.get("/about").get_data(as_text=True).split('<footer', 1)[1]
    assert 'href="/accessibility"' in footer
    response = client.get("/accessibility")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in ("Conformance status", "Content that is not accessible", "How we tested",
                    "Report a problem", "Date"):
        assert f">{heading}</h2>" in html
    assert "https://www.uutilsynet.no/" in html
    contact = app.config.get("ACCESSIBILITY_CONTACT", "portal@localhost")
    assert f'href="mailto:{contact}"' in html


def test_accessibility_contact_comes_from_the_environment(monkeypatch, tmp_path):
    from portal.config import load_config

    monkeypatch.setenv("ACCESSIBILITY_CONTACT", "uu@forsvaret.test")
    assert load_config(tmp_path)["ACCESSIBILITY_CONTACT"] == "uu@forsvaret.test"
    monkeypatch.delenv("ACCESSIBILITY_CONTACT")
    monkeypatch.setenv("SMTP_SENDER", "portal@forsvaret.test")
    assert load_config(tmp_path)["ACCESSIBILITY_CONTACT"] == "portal@forsvaret.test"
