"""Creating and editing challenges: who may, what is validated, what is ignored."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import AuditEntry, Challenge, Interest, Notification


def form(**overrides) -> dict:
    data = {
        "title": "Arctic drone detection",
        "problem": "Forward units cannot detect small drones at low altitude in winter.",
        "context": "Inner Troms, minus 35 °C, polar night.",
        "effect": "Early warning and tracks in the common operational picture.",
        "areas": ["1", "3"],
        "trl_min": "4", "trl_max": "7",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),
        "contract_model": "prototype_test", "county": "Troms",
        "status": "open", "visibility": "registered",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _count() -> int:
    return db.session.scalar(select(func.count(Challenge.id)))


def test_military_user_creates_a_challenge_for_their_unit(client, login, make_user):
    user = make_user("military", unit="Brigade North")
    login(user)
    assert "Posted on behalf of" in client.get("/challenges/new").get_data(as_text=True)
    response = client.post("/challenges/new", data=form(unit="Other unit", owner_id="999"))
    assert response.status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert challenge.unit == "Brigade North" and challenge.owner_id == user.id
    assert challenge.status == "open" and challenge.visibility == "registered"
    assert (challenge.trl_min, challenge.trl_max) == (4, 7)
    assert {a.slug for a in challenge.areas} == {"c2-decision-support", "autonomy-ai"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "challenge_create"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Arctic drone detection" in page and "30 days left" in page


@pytest.mark.parametrize("role, status", [("sme", "active"), ("organiser", "active"),
                                          ("admin", "active")])
def test_only_approved_military_users_create(client, login, make_user, role, status):
    login(make_user(role, status=status))
    assert client.get("/challenges/new").status_code == 403
    assert client.post("/challenges/new", data=form()).status_code == 403
    assert _count() == 0


def test_pending_military_user_is_sent_to_the_pending_page(client, login, make_user):
    login(make_user("military", status="pending"))
    response = client.post("/challenges/new", data=form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/pending")
    assert _count() == 0


def test_anonymous_user_must_log_in(client):
    response = client.post("/challenges/new", data=form())
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert _count() == 0


@pytest.mark.parametrize("overrides, field, message", [
    ({"trl_min": "7", "trl_max": "3"}, "trl_max", "cannot be below"),
    ({"trl_min": "0"}, "trl_min", "Not a valid choice"),
    ({"deadline": (date.today() - timedelta(days=1)).isoformat()}, "deadline", "past"),
    ({"deadline": ""}, "deadline", "needs a deadline"),
    ({"status": "awarded"}, "status", "Not a valid choice"),
    ({"visibility": "secret"}, "visibility", "Not a valid choice"),
    ({"title": ""}, "title", "required"),
    ({"problem": "Too short"}, "problem", "between 30"),
    ({"county": "Atlantis"}, "county", "Not a valid choice"),
    ({"areas": ["9999"]}, "areas", "not a valid choice"),
])
def test_invalid_challenge_shows_errors_and_saves_nothing(client, login, make_user, overrides,
                                                          field, message):
    login(make_user("military"))
    response = client.post("/challenges/new", data=form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Please correct the highlighted fields" in page
    assert message.lower() in page.lower()
    assert _count() == 0


def test_a_draft_may_have_a_past_or_no_deadline(client, login, make_user):
    login(make_user("military"))
    past = (date.today() - timedelta(days=3)).isoformat()
    assert client.post("/challenges/new", data=form(status="draft", deadline=past)).status_code \
        == 302
    assert client.post("/challenges/new", data=form(status="draft", deadline="",
                                                    title="No deadline")).status_code == 302
    assert _count() == 2


def test_owner_edits_and_closes_and_interested_companies_hear(client, login, make_user,
                                                              make_challenge):
    owner = make_user("military", unit="Brigade North")
    challenge = make_challenge(unit="Brigade North", title="Old title")
    sme = make_user("sme")
    db.session.add(Interest(challenge_id=challenge.id, company_id=sme.company_id,
                            pitch="We can help with this, truly."))
    db.session.commit()
    login(owner)
    page = client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert "Old title" in page and 'value="awarded"' in page
    response = client.post(f"/challenges/{challenge.id}/edit",
                           data=form(title="New title", status="closed", visibility="public"))
    assert response.status_code == 302
    db.session.refresh(challenge)
    assert challenge.title == "New title" and challenge.status == "closed"
    assert challenge.unit == "Brigade North"
    note = db.session.scalar(select(Notification).where(Notification.user_id == sme.id))
    assert "New title" in note.message and "closed" in note.message


def test_editing_an_open_challenge_whose_deadline_passed_keeps_working(client, login, make_user,
                                                                       make_challenge):
    owner = make_user("military", unit="Unit P")
    passed = date.today() - timedelta(days=2)
    challenge = make_challenge(unit="Unit P", deadline=passed)
    login(owner)
    response = client.post(f"/challenges/{challenge.id}/edit",
                           data=form(title="Fixed typo", deadline=passed.isoformat()))
    assert response.status_code == 302
    db.session.refresh(challenge)
    assert challenge.title == "Fixed typo"


def test_military_user_cannot_edit_another_units_challenge(client, login, make_user,
                                                           make_challenge):
    theirs = make_challenge(unit="Unit B", title="B's challenge")
    their_draft = make_challenge(unit="Unit B", title="B's draft", status="draft")
    login(make_user("military", unit="Unit A"))
    assert client.get(f"/challenges/{theirs.id}/edit").status_code == 403
    assert client.post(f"/challenges/{theirs.id}/edit",
                       data=form(title="Hijacked")).status_code == 403
    assert client.post(f"/challenges/{their_draft.id}/edit",
                       data=form(title="Hijacked")).status_code == 404
    db.session.expire_all()
    assert db.session.get(Challenge, theirs.id).title == "B's challenge"
    assert db.session.get(Challenge, their_draft.id).title == "B's draft"
    page = client.get(f"/challenges/{theirs.id}").get_data(as_text=True)
    assert "Edit challenge" not in page


def test_sme_and_organiser_cannot_edit(client, login, make_user, make_challenge):
    public = make_challenge(visibility="public")
    vetted = make_challenge(visibility="vetted")
    login(make_user("sme"))
    assert client.post(f"/challenges/{public.id}/edit", data=form()).status_code == 403
    assert client.post(f"/challenges/{vetted.id}/edit", data=form()).status_code == 404
    login(make_user("organiser"))
    assert client.post(f"/challenges/{public.id}/edit", data=form()).status_code == 403


def test_admin_edits_any_challenge(client, login, make_user, make_challenge):
    draft = make_challenge(unit="Unit Z", status="draft")
    login(make_user("admin"))
    response = client.post(f"/challenges/{draft.id}/edit", data=form(title="Admin fixed",
                                                                      status="draft"))
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.title == "Admin fixed" and draft.unit == "Unit Z"


def test_bad_ids_are_404(client, login, make_user):
    login(make_user("admin"))
    assert client.get("/challenges/424242").status_code == 404
    assert client.get("/challenges/424242/edit").status_code == 404


def test_my_unit_page_lists_drafts_with_interest_counts(client, login, make_user,
                                                        make_challenge):
    user = make_user("military", unit="Unit M")
    draft = make_challenge(unit="Unit M", title="Our draft", status="draft")
    live = make_challenge(unit="Unit M", title="Our live one")
    make_challenge(unit="Unit N", title="Not ours")
    for _ in range(2):
        sme = make_user("sme")
        db.session.add(Interest(challenge_id=live.id, company_id=sme.company_id,
                                pitch="A pitch that is long enough."))
    db.session.commit()
    login(user)
    page = client.get("/challenges/mine").get_data(as_text=True)
    assert "Our draft" in page and "Our live one" in page and "Not ours" not in page
    assert f'/challenges/{live.id}#interests">2</a>' in page
    assert f'/challenges/{draft.id}#interests">0</a>' in page
    login(make_user("sme"))
    assert client.get("/challenges/mine").status_code == 403
