"""The role x route table (security checklist 3): every rule of ``app.url_map``, every role.

Each row names a rule (endpoint + method), a variant when the outcome depends on the object
(a challenge's visibility, a draft event, an export format), how to build its URL from the
``world`` fixture, the form or JSON to send, and the expected outcome per role:

    ok            2xx, or a redirect that is the normal result (not to login or /pending,
                  and with no error or warning message flashed)
    refused       a redirect that flashed an error or warning (the action was not done)
    login         redirect to /auth/login
    pending       redirect to /pending
    bad_request   400 (access passed; the deliberately empty form was refused)
    unauthorized  401 (API without credentials)
    forbidden     403
    not_found     404
    invalid       422 (API validation)

A rule missing from the table, or a row naming a rule that no longer exists, fails
``test_table_lists_every_rule``. API GET rows run twice: with the bearer token and with the
session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.portal.access.conftest import ROLES, World, bearer, category

GROUPS = {
    "sme": ("sme_unvetted", "sme_vetted"),
    "mil": ("military_owner", "military_other"),
    "org": ("organiser_owner", "organiser_other"),
}
SHORT = {
    "anon": "anonymous", "pend": "pending_military", "smeU": "sme_unvetted",
    "smeV": "sme_vetted", "milO": "military_owner", "milX": "military_other",
    "orgO": "organiser_owner", "orgX": "organiser_other", "admin": "admin",
}


def E(default: str, **overrides: str) -> dict[str, str]:
    """Expected outcome per role: ``default``, then groups (sme, mil, org), then single roles."""
    table = dict.fromkeys(ROLES, default)
    for name, value in overrides.items():
        if name in GROUPS:
            for role in GROUPS[name]:
                table[role] = value
    for name, value in overrides.items():
        if name in SHORT:
            table[SHORT[name]] = value
        elif name not in GROUPS:
            raise KeyError(name)
    return table


@dataclass
class Row:
    endpoint: str
    method: str
    url: Callable[[World, str], str]
    expect: dict[str, str]
    variant: str = ""
    form: dict | Callable[[World], dict] | None = None
    json: Any = None
    api: bool = False
    late: bool = False  # runs after every other row (it changes what later rows would see)
    cookie_expect: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.method} {self.endpoint}" + (f"[{self.variant}]" if self.variant else "")


def ch(key: str, suffix: str = "", prefix: str = "/challenges/") -> Callable[[World, str], str]:
    return lambda w, _role: f"{prefix}{w.challenges[key].id}{suffix}"


def ev(suffix: str = "", which: str = "event", prefix: str = "/events/"):
    return lambda w, _role: f"{prefix}{getattr(w, which).id}{suffix}"


def fixed(path: str):
    return lambda _w, _role: path


# Shorthands for common rows of expectations.
PUBLIC = E("ok", pend="pending")
LOGGED_IN = E("ok", anon="login", pend="pending")
ADMIN_ONLY = E("forbidden", anon="login", pend="pending", admin="ok")
SME_ONLY = E("forbidden", anon="login", pend="pending", sme="ok")
MILITARY_ONLY = E("forbidden", anon="login", pend="pending", mil="ok")
ORGANISERS = E("forbidden", anon="login", pend="pending", org="ok", admin="ok")
MANAGE_OPEN_EVENT = E("forbidden", anon="login", pend="pending", orgO="ok", admin="ok")
MANAGE_DRAFT_EVENT = E("not_found", anon="login", pend="pending", orgO="ok", admin="ok")
EDIT_REGISTERED = E("forbidden", anon="login", pend="pending", milO="ok", admin="ok")
MATCHES_REGISTERED = E("forbidden", anon="login", pend="pending", milO="ok", org="ok",
                       admin="ok")
OWNER_OR_ADMIN_DRAFT = E("not_found", anon="login", pend="pending", milO="ok", admin="ok")
API_PUBLIC = E("ok", pend="forbidden")
API_LOGGED_IN = E("ok", anon="unauthorized", pend="forbidden")
API_SME = E("forbidden", anon="unauthorized", sme="ok")
PARTICIPANTS = E("not_found", anon="login", pend="pending", smeU="ok", milO="ok", orgO="ok",
                 admin="ok")
STARTERS = E("not_found", anon="login", pend="pending", milO="ok", orgO="ok", admin="ok")


def conv(suffix: str = "") -> Callable[[World, str], str]:
    return lambda w, _role: f"/messages/{w.extra['conversation'].id}{suffix}"


def _with(expect: dict[str, str], **overrides: str) -> dict[str, str]:
    out = dict(expect)
    out.update({SHORT[name]: value for name, value in overrides.items()})
    return out


ROWS: list[Row] = [
    # --- main
    Row("main.index", "GET", fixed("/"), PUBLIC),
    Row("main.about", "GET", fixed("/about"), PUBLIC),
    Row("main.accessibility", "GET", fixed("/accessibility"), PUBLIC),
    Row("main.privacy", "GET", fixed("/privacy"), E("ok")),
    Row("main.taxonomy", "GET", fixed("/taxonomy"), PUBLIC),
    Row("main.healthz", "GET", fixed("/healthz"), PUBLIC),
    Row("main.dashboard", "GET", fixed("/dashboard"), LOGGED_IN),
    Row("main.notifications", "GET", fixed("/notifications"), LOGGED_IN),
    Row("main.notifications_read", "POST", fixed("/notifications/read"), LOGGED_IN, form={}),
    Row("main.pending", "GET", fixed("/pending"), E("ok", anon="login")),
    # --- language switch (everyone, pending accounts included)
    Row("language.switch", "POST", fixed("/language"), E("ok"), form={"locale": "nb"}),
    # --- auth
    Row("auth.login", "GET", fixed("/auth/login"), PUBLIC),
    Row("auth.login", "POST", fixed("/auth/login"), PUBLIC, form={}),
    Row("auth.signup", "GET", fixed("/auth/signup"), PUBLIC),
    Row("auth.signup", "POST", fixed("/auth/signup"), PUBLIC, form={}),
    Row("auth.logout", "POST", fixed("/auth/logout"), E("ok"), form={}, late=True),
    Row("auth.forgot_password", "GET", fixed("/auth/forgot"), PUBLIC),
    Row("auth.forgot_password", "POST", fixed("/auth/forgot"), PUBLIC, form={}),
    # Without a valid token the reset page says the link is no good (400), to everyone.
    Row("auth.reset_password", "GET", fixed("/auth/reset?token=nonsense"),
        E("bad_request", pend="pending")),
    Row("auth.reset_password", "POST", fixed("/auth/reset"), E("bad_request", pend="pending"),
        form={}),
    Row("auth.verify_email", "GET", fixed("/auth/verify?token=nonsense"), E("bad_request")),
    # --- account (pending users may use it, except to create API tokens)
    Row("account.index", "GET", fixed("/account/"), E("ok", anon="login")),
    # Late: a password change revokes the user's API tokens, which other rows use.
    Row("account.change_password", "POST", fixed("/account/password"), E("ok", anon="login"),
        form={"current_password": "correct horse battery",
              "new_password": "a different long passphrase",
              "confirm": "a different long passphrase"}, late=True),
    # Every world user is verified already: the resend is refused with a message (a redirect).
    Row("account.resend_verification", "POST", fixed("/account/verify"), E("ok", anon="login"),
        form={}),
    Row("account.export", "GET", fixed("/account/export"), E("ok", anon="login")),
    # The empty form is refused (no password); a full deletion is in tests/portal/account.
    Row("account.delete", "POST", fixed("/account/delete"),
        E("bad_request", anon="login"), form={}),
    Row("account.create_token", "POST", fixed("/account/tokens"),
        E("ok", anon="login", pend="forbidden"), form={"name": "table token"}),
    Row("account.revoke_token", "POST",
        lambda w, role: f"/account/tokens/{w.spare_token_ids[role]}/revoke",
        E("ok", anon="login"), form={}, variant="own token"),
    # --- admin (target: a pending organiser "victim" and a spare company)
    Row("admin.users", "GET", fixed("/admin/users"), ADMIN_ONLY),
    Row("admin.companies", "GET", fixed("/admin/companies"), ADMIN_ONLY),
    Row("admin.audit_log", "GET", fixed("/admin/audit"), ADMIN_ONLY),
    Row("admin.outbox", "GET", fixed("/admin/outbox"), ADMIN_ONLY),
    Row("admin.matching_status", "GET", fixed("/admin/matching"), ADMIN_ONLY),
    Row("admin.areas", "GET", fixed("/admin/areas"), ADMIN_ONLY),
    Row("admin.areas", "POST", fixed("/admin/areas"), ADMIN_ONLY,
        form={"name": "Access test area", "kind": "emerging",
              "description": "An area added by the access tests to prove the admin form works."}),
    Row("admin.approve_user", "POST", lambda w, _r: f"/admin/users/{w.victim.id}/approve",
        ADMIN_ONLY, form={}),
    Row("admin.disable_user", "POST", lambda w, _r: f"/admin/users/{w.victim.id}/disable",
        ADMIN_ONLY, form={}),
    Row("admin.enable_user", "POST", lambda w, _r: f"/admin/users/{w.victim.id}/enable",
        ADMIN_ONLY, form={}),
    Row("admin.change_role", "POST", lambda w, _r: f"/admin/users/{w.victim.id}/role",
        ADMIN_ONLY, form={"role": "military"}),
    Row("admin.vet_company", "POST",
        lambda w, _r: f"/admin/companies/{w.companies['spare'].id}/vet", ADMIN_ONLY, form={}),
    Row("admin.unvet_company", "POST",
        lambda w, _r: f"/admin/companies/{w.companies['spare'].id}/unvet", ADMIN_ONLY, form={}),
    # --- challenges
    Row("challenges.index", "GET", fixed("/challenges/"), PUBLIC),
    Row("challenges.mine", "GET", fixed("/challenges/mine"), MILITARY_ONLY),
    Row("challenges.new", "GET", fixed("/challenges/new"), MILITARY_ONLY),
    Row("challenges.new", "POST", fixed("/challenges/new"), MILITARY_ONLY, form={}),
    Row("challenges.detail", "GET", ch("public"), PUBLIC, variant="public"),
    Row("challenges.detail", "GET", ch("registered"), E("ok", anon="not_found", pend="pending"),
        variant="registered"),
    Row("challenges.detail", "GET", ch("vetted"),
        E("ok", anon="not_found", pend="pending", smeU="not_found"), variant="vetted"),
    Row("challenges.detail", "GET", ch("draft"),
        E("not_found", pend="pending", milO="ok", admin="ok"), variant="draft"),
    Row("challenges.edit", "GET", ch("registered", "/edit"), EDIT_REGISTERED,
        variant="registered"),
    Row("challenges.edit", "GET", ch("vetted", "/edit"),
        E("forbidden", anon="login", pend="pending", smeU="not_found", milO="ok", admin="ok"),
        variant="vetted"),
    Row("challenges.edit", "GET", ch("draft", "/edit"), OWNER_OR_ADMIN_DRAFT, variant="draft"),
    Row("challenges.edit", "POST", ch("registered", "/edit"), EDIT_REGISTERED, form={},
        variant="registered, empty form"),
    Row("challenges.edit", "POST", ch("draft", "/edit"), OWNER_OR_ADMIN_DRAFT, form={},
        variant="draft, empty form"),
    Row("challenges.express", "POST", ch("registered", "/interest"), SME_ONLY, form={},
        variant="registered, empty pitch"),
    Row("challenges.express", "POST", ch("vetted", "/interest"),
        E("forbidden", anon="login", pend="pending", smeU="not_found", smeV="ok"), form={},
        variant="vetted, empty pitch"),
    Row("challenges.express", "POST", ch("draft", "/interest"),
        E("not_found", anon="login", pend="pending", milO="forbidden", admin="forbidden"),
        form={}, variant="draft"),
    # Only the unvetted SME's company has an interest in this challenge: the vetted SME is
    # refused with a message.
    Row("challenges.edit_interest", "POST", ch("registered", "/interest/edit"),
        _with(SME_ONLY, smeV="refused"),
        form={"pitch": "An updated pitch: our radar sees small boats in clutter."}),
    Row("challenges.withdraw_interest", "POST", ch("registered", "/interest/withdraw"),
        _with(SME_ONLY, smeV="refused"), form={}, late=True),
    Row("challenges.interest_status", "POST",
        lambda w, _r: f"/challenges/{w.challenges['registered'].id}/interests/{w.interest.id}",
        EDIT_REGISTERED, form={"status": "shortlisted"}),
    # --- matches
    Row("matches.challenge_matches", "GET", ch("registered", "/matches"), MATCHES_REGISTERED,
        variant="registered"),
    Row("matches.challenge_matches", "GET", ch("vetted", "/matches"),
        _with(MATCHES_REGISTERED, smeU="not_found"), variant="vetted"),
    Row("matches.challenge_matches", "GET", ch("draft", "/matches"), OWNER_OR_ADMIN_DRAFT,
        variant="draft"),
    Row("matches.shortlist", "GET", ch("registered", "/shortlist"), MATCHES_REGISTERED,
        variant="registered"),
    Row("matches.shortlist", "GET", ch("vetted", "/shortlist"),
        _with(MATCHES_REGISTERED, smeU="not_found"), variant="vetted"),
    Row("matches.toggle_shortlist", "POST",
        lambda w, _r: (f"/challenges/{w.challenges['registered'].id}/matches/"
                       f"{w.companies['vetted'].id}/shortlist"), MATCHES_REGISTERED, form={}),
    Row("matches.give_feedback", "POST",
        lambda w, _r: (f"/challenges/{w.challenges['registered'].id}/matches/"
                       f"{w.companies['vetted'].id}/feedback"), MATCHES_REGISTERED,
        form={"verdict": "relevant", "comment": "Good fit."}),
    Row("matches.give_feedback", "POST",
        lambda w, _r: (f"/challenges/{w.challenges['vetted'].id}/matches/"
                       f"{w.companies['unvetted'].id}/feedback"),
        _with(MATCHES_REGISTERED, smeU="not_found", milO="not_found", orgO="not_found",
              orgX="not_found", admin="not_found"),
        form={"verdict": "relevant"}, variant="vetted challenge, unvetted company"),
    Row("matches.recommendations", "GET", fixed("/recommendations"), SME_ONLY),
    Row("matches.area_suggestions", "GET", fixed("/company/areas/suggestions"), SME_ONLY),
    Row("matches.area_suggestions", "POST", fixed("/company/areas/suggestions"), SME_ONLY,
        form={}),
    # --- company profiles
    Row("smes.profile", "GET", fixed("/company/"), SME_ONLY),
    Row("smes.edit", "GET", fixed("/company/edit"), SME_ONLY),
    Row("smes.edit", "POST", fixed("/company/edit"), SME_ONLY, form={}, variant="empty form"),
    Row("smes.interests", "GET", fixed("/company/interests"), SME_ONLY),
    Row("smes.show", "GET", lambda w, _r: f"/company/{w.companies['vetted'].id}",
        E("ok", anon="login", pend="pending", smeU="not_found")),
    # --- conversations (the world's thread: owner unit x unvetted company, registered
    # challenge attached to organiser_owner's event)
    Row("conversations.index", "GET", fixed("/messages"), LOGGED_IN),
    Row("conversations.thread", "GET", conv(), PARTICIPANTS),
    Row("conversations.reply", "POST", conv(), PARTICIPANTS,
        form={"body": "A reply from the role x route table."}),
    Row("conversations.start", "GET",
        lambda w, _r: (f"/challenges/{w.challenges['registered'].id}/conversations/new"
                       f"?company={w.companies['vetted'].id}"), STARTERS),
    Row("conversations.start", "GET",
        lambda w, _r: (f"/challenges/{w.challenges['vetted'].id}/conversations/new"
                       f"?company={w.companies['unvetted'].id}"),
        _with(STARTERS, smeU="not_found"), variant="vetted challenge, unvetted company"),
    Row("conversations.start", "POST",
        lambda w, _r: f"/challenges/{w.challenges['registered'].id}/conversations/new",
        STARTERS, form=lambda w: {"company_id": str(w.companies["vetted"].id),
                                  "body": "Shall we talk about your radar?"}),
    # --- events
    Row("events.index", "GET", fixed("/events/"), LOGGED_IN),
    Row("events.dashboard", "GET", fixed("/events/dashboard"), ORGANISERS),
    Row("events.create", "GET", fixed("/events/new"), ORGANISERS),
    Row("events.create", "POST", fixed("/events/new"), ORGANISERS, form={},
        variant="empty form"),
    Row("events.detail", "GET", ev(), LOGGED_IN, variant="open"),
    Row("events.detail", "GET", ev(which="draft_event"), MANAGE_DRAFT_EVENT, variant="draft"),
    Row("events.edit", "GET", ev("/edit"), MANAGE_OPEN_EVENT, variant="open"),
    Row("events.edit", "GET", ev("/edit", which="draft_event"), MANAGE_DRAFT_EVENT,
        variant="draft"),
    Row("events.edit", "POST", ev("/edit"), MANAGE_OPEN_EVENT, form={}, variant="empty form"),
    Row("events.change_status", "POST", ev("/status"),
        _with(MANAGE_OPEN_EVENT, orgO="bad_request", admin="bad_request"), form={},
        variant="empty form"),
    Row("events.challenges", "GET", ev("/challenges"), MANAGE_OPEN_EVENT),
    Row("events.challenges", "POST", ev("/challenges"), MANAGE_OPEN_EVENT, form={},
        variant="empty form"),
    Row("events.detach", "POST",
        lambda w, _r: f"/events/{w.event.id}/challenges/{w.challenges['detachable'].id}/detach",
        MANAGE_OPEN_EVENT, form={}),
    Row("events.register", "POST", ev("/register"), SME_ONLY, form={}),
    Row("events.withdraw", "POST", ev("/withdraw"), SME_ONLY, form={}, late=True),
    Row("events.matches", "GET", ev("/matches"), MANAGE_OPEN_EVENT),
    Row("events.matchmaking", "POST", ev("/matchmaking"),
        _with(MANAGE_OPEN_EVENT, orgO="bad_request", admin="bad_request"), form={},
        variant="empty form"),
    Row("events.pair_state", "POST",
        lambda w, _r: f"/events/{w.event.id}/pairs/{w.pairs['proposed'].id}/state",
        MANAGE_OPEN_EVENT, form={"action": "lock"}),
    Row("events.confirm_invitations", "GET", ev("/invitations"), MANAGE_OPEN_EVENT),
    Row("events.invitations", "POST", ev("/invitations"), MANAGE_OPEN_EVENT, form={}),
    Row("events.outbox", "GET", ev("/outbox"), MANAGE_OPEN_EVENT),
    Row("events.respond", "POST",
        lambda w, _r: f"/events/{w.event.id}/pairs/{w.pairs['invited'].id}/respond",
        E("not_found", anon="login", pend="pending", smeU="ok"), form={"decision": "decline"}),
    # Every approved user gets the event page back with a message: the public challenge is
    # already taken by both registered companies, and nobody else has a company to register.
    # Which role's request writes a row: test_horizontal's
    # test_meeting_request_writes_a_row_only_for_a_registered_company.
    Row("events.request_meeting", "POST", ev("/requests"), E("refused", anon="login",
                                                              pend="pending"),
        form=lambda w: {"challenge_id": str(w.challenges["public"].id)}),
    Row("events.decide", "POST",
        lambda w, _r: f"/events/{w.event.id}/pairs/{w.pairs['requested'].id}/decide",
        E("forbidden", anon="login", pend="pending", milO="ok", orgO="ok", admin="ok"),
        form={"decision": "accept"}),
    Row("events.schedule", "GET", ev("/schedule"), MANAGE_OPEN_EVENT),
    Row("events.run_schedule", "POST", ev("/schedule"), MANAGE_OPEN_EVENT, form={}),
    Row("events.confirm_schedule", "POST", ev("/schedule/confirm"), MANAGE_OPEN_EVENT, form={}),
    Row("events.agenda", "GET", ev("/agenda"), _with(LOGGED_IN, orgX="forbidden")),
    Row("events.export_matches", "GET", ev("/export/matches.csv"), MANAGE_OPEN_EVENT,
        variant="csv"),
    Row("events.export_matches", "GET", ev("/export/matches.xlsx"), MANAGE_OPEN_EVENT,
        variant="xlsx"),
    Row("events.export_matches", "GET", ev("/export/matches.pdf"),
        _with(MANAGE_OPEN_EVENT, orgO="not_found", admin="not_found"), variant="pdf"),
    Row("events.export_matches", "GET", ev("/export/matches.csv", which="draft_event"),
        MANAGE_DRAFT_EVENT, variant="draft event"),
    Row("events.export_schedule", "GET", ev("/export/schedule.xlsx"), MANAGE_OPEN_EVENT),
    Row("events.calendar", "GET", ev("/calendar.ics"), _with(LOGGED_IN, orgX="forbidden"),
        variant="own"),
    Row("events.calendar", "GET",
        lambda w, _r: f"/events/{w.event.id}/calendar.ics?company={w.companies['unvetted'].id}",
        E("forbidden", anon="login", pend="pending", smeU="ok", orgO="ok", admin="ok"),
        variant="?company=unvetted"),
    Row("events.rate", "POST",
        lambda w, _r: f"/events/{w.event.id}/meetings/{w.meetings['meeting'].id}/rate",
        # Participants are refused with a message: the meeting has not taken place yet
        # (rating after it: tests/portal/events/test_views.py).
        E("forbidden", anon="login", pend="pending", smeU="refused", milO="refused"),
        form={"outcome": "follow_up"}),
    # --- JSON API (bearer token; GETs again with the session cookie)
    Row("api.openapi", "GET", fixed("/api/v1/openapi.json"), E("ok"), api=True,
        # The pending gate answers cookie calls before the API's own exemption for this
        # public document; harmless (it is public), recorded here so a change is noticed.
        cookie_expect={"pending_military": "forbidden"}),
    Row("api.list_challenges", "GET", fixed("/api/v1/challenges"), API_PUBLIC, api=True),
    Row("api.get_challenge", "GET", ch("public", prefix="/api/v1/challenges/"), API_PUBLIC,
        api=True, variant="public"),
    Row("api.get_challenge", "GET", ch("registered", prefix="/api/v1/challenges/"),
        E("ok", anon="not_found", pend="forbidden"), api=True, variant="registered"),
    Row("api.get_challenge", "GET", ch("vetted", prefix="/api/v1/challenges/"),
        E("ok", anon="not_found", pend="forbidden", smeU="not_found"), api=True,
        variant="vetted"),
    Row("api.get_challenge", "GET", ch("draft", prefix="/api/v1/challenges/"),
        E("not_found", pend="forbidden", milO="ok", admin="ok"), api=True, variant="draft"),
    Row("api.create", "POST", fixed("/api/v1/challenges"),
        E("forbidden", anon="unauthorized", mil="ok"), api=True,
        json={"title": "Route table challenge",
              "problem": "Minimal problem, stated in thirty characters or more.",
              "effect": "A wanted effect.", "visibility": "public"}),
    Row("api.update", "PUT", ch("registered", prefix="/api/v1/challenges/"),
        E("forbidden", anon="unauthorized", milO="ok", admin="ok"), api=True, json={},
        variant="registered"),
    Row("api.update", "PUT", ch("vetted", prefix="/api/v1/challenges/"),
        E("forbidden", anon="unauthorized", smeU="not_found", milO="ok", admin="ok"), api=True,
        json={}, variant="vetted"),
    Row("api.update", "PUT", ch("draft", prefix="/api/v1/challenges/"),
        E("not_found", anon="unauthorized", pend="forbidden", milO="ok", admin="ok"), api=True,
        json={}, variant="draft"),
    Row("api.challenge_matches", "GET", ch("registered", "/matches", "/api/v1/challenges/"),
        E("forbidden", anon="unauthorized", milO="ok", org="ok", admin="ok"), api=True,
        variant="registered"),
    Row("api.challenge_matches", "GET", ch("vetted", "/matches", "/api/v1/challenges/"),
        E("forbidden", anon="unauthorized", smeU="not_found", milO="ok", org="ok", admin="ok"),
        api=True, variant="vetted"),
    Row("api.challenge_matches", "GET", ch("draft", "/matches", "/api/v1/challenges/"),
        E("not_found", anon="unauthorized", pend="forbidden", milO="ok", admin="ok"), api=True,
        variant="draft"),
    Row("api.list_events", "GET", fixed("/api/v1/events"), API_LOGGED_IN, api=True),
    Row("api.event_matches", "GET", ev("/matches", prefix="/api/v1/events/"),
        E("forbidden", anon="unauthorized", orgO="ok", admin="ok"), api=True, variant="open"),
    Row("api.event_matches", "GET", ev("/matches?format=xlsx", prefix="/api/v1/events/"),
        E("forbidden", anon="unauthorized", orgO="ok", admin="ok"), api=True, variant="xlsx"),
    Row("api.event_matches", "GET", ev("/matches?format=pdf", prefix="/api/v1/events/"),
        E("forbidden", anon="unauthorized", orgO="invalid", admin="invalid"), api=True,
        variant="pdf"),
    Row("api.event_matches", "GET",
        ev("/matches", which="draft_event", prefix="/api/v1/events/"),
        E("not_found", anon="unauthorized", pend="forbidden", orgO="ok", admin="ok"), api=True,
        variant="draft"),
    Row("api.event_schedule_ics", "GET", ev("/schedule.ics", prefix="/api/v1/events/"),
        E("ok", anon="unauthorized", pend="forbidden", orgX="forbidden"), api=True,
        variant="own"),
    Row("api.event_schedule_ics", "GET",
        lambda w, _r: (f"/api/v1/events/{w.event.id}/schedule.ics"
                       f"?company={w.companies['unvetted'].id}"),
        E("forbidden", anon="unauthorized", smeU="ok", orgO="ok", admin="ok"), api=True,
        variant="?company=unvetted"),
    Row("api.get_company", "GET", lambda w, _r: f"/api/v1/companies/{w.companies['vetted'].id}",
        E("ok", anon="unauthorized", pend="forbidden", smeU="not_found"), api=True),
    Row("api.list_conversations", "GET", fixed("/api/v1/conversations"), API_LOGGED_IN,
        api=True),
    Row("api.create_conversation", "POST", fixed("/api/v1/conversations"),
        E("not_found", anon="unauthorized", pend="forbidden", milO="ok", orgO="ok", admin="ok"),
        api=True, json=lambda w: {"challenge_id": w.challenges["registered"].id,
                                  "company_id": w.companies["vetted"].id,
                                  "body": "Shall we talk about your radar?"}),
    Row("api.post_message", "POST",
        lambda w, _r: f"/api/v1/conversations/{w.extra['conversation'].id}/messages",
        _with(PARTICIPANTS, anon="unauthorized", pend="forbidden"), api=True,
        json={"body": "A reply through the API."}),
    Row("api.my_company", "GET", fixed("/api/v1/me/company"), API_SME, api=True),
    Row("api.update_my_company", "PUT", fixed("/api/v1/me/company"), API_SME, api=True,
        json={}),
    Row("api.my_recommendations", "GET", fixed("/api/v1/me/recommendations"), API_SME,
        api=True),
    Row("api.my_interests", "GET", fixed("/api/v1/me/interests"), API_SME, api=True),
    # The public challenge: the world's interest (registered challenge) stays for the web
    # rows above and the late withdrawal. The DELETE row withdraws what this PUT created.
    Row("api.put_interest", "PUT", ch("public", "/interest", "/api/v1/challenges/"),
        E("forbidden", anon="unauthorized", sme="ok"), api=True,
        json={"pitch": "Our radar sees small boats in sea clutter."}, variant="public"),
    Row("api.put_interest", "PUT", ch("vetted", "/interest", "/api/v1/challenges/"),
        E("forbidden", anon="unauthorized", smeU="not_found", smeV="ok"), api=True,
        json={"pitch": "Our radar sees small boats in sea clutter."}, variant="vetted"),
    Row("api.put_interest", "PUT", ch("draft", "/interest", "/api/v1/challenges/"),
        E("not_found", anon="unauthorized", pend="forbidden", milO="forbidden",
          admin="forbidden"), api=True,
        json={"pitch": "Our radar sees small boats in sea clutter."}, variant="draft"),
    Row("api.delete_interest", "DELETE", ch("public", "/interest", "/api/v1/challenges/"),
        E("forbidden", anon="unauthorized", sme="ok"), api=True, variant="public"),
    Row("api.put_feedback", "PUT",
        lambda w, _r: (f"/api/v1/challenges/{w.challenges['registered'].id}/feedback/"
                       f"{w.companies['vetted'].id}"),
        E("forbidden", anon="unauthorized", milO="ok", org="ok", admin="ok"), api=True,
        json={"verdict": "relevant", "comment": "Good fit."}),
    Row("api.put_feedback", "PUT",
        lambda w, _r: (f"/api/v1/challenges/{w.challenges['vetted'].id}/feedback/"
                       f"{w.companies['unvetted'].id}"),
        E("forbidden", anon="unauthorized", smeU="not_found", milO="not_found",
          org="not_found", admin="not_found"), api=True, json={"verdict": "relevant"},
        variant="vetted challenge, unvetted company"),
]

EXCLUDED_ENDPOINTS = {"static"}


def _ordered(rows: list[Row]) -> list[Row]:
    reads = [r for r in rows if r.method == "GET" and not r.late]
    writes = [r for r in rows if r.method != "GET" and not r.late]
    return reads + writes + [r for r in rows if r.late]


def test_table_lists_every_rule(app):
    in_map = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules() if rule.endpoint not in EXCLUDED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    in_table = {(row.endpoint, row.method) for row in ROWS}
    assert sorted(in_map - in_table) == [], "rules missing from the role x route table"
    assert sorted(in_table - in_map) == [], "table rows for rules that no longer exist"


def test_every_row_names_every_role():
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.name
        assert set(row.expect.values()) <= {
            "ok", "refused", "login", "pending", "bad_request", "unauthorized", "forbidden",
            "not_found", "invalid"}, row.name


def _call(client, row: Row, world: World, role: str, *, use_bearer: bool):
    url = row.url(world, role)
    headers = bearer(world, role) if use_bearer else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if row.json is not None:
        kwargs["json"] = row.json(world) if callable(row.json) else row.json
    elif row.form is not None:
        kwargs["data"] = row.form(world) if callable(row.form) else row.form
    return client.open(url, method=row.method, **kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_role_route_table(role, world, as_role):
    mismatches = []
    for row in _ordered(ROWS):
        expected = row.expect[role]
        if row.api:
            # Bearer token only: a fresh client without a session cookie.
            client = as_role("anonymous")
            response = _call(client, row, world, role, use_bearer=True)
            got = category(response)
            if got != expected:
                mismatches.append(f"{row.name} (bearer) {row.url(world, role)}: "
                                  f"expected {expected}, got {got} [{response.status_code}]")
            if row.method == "GET":
                cookie_expected = row.cookie_expect.get(role, expected)
                response = _call(as_role(role), row, world, role, use_bearer=False)
                got = category(response)
                if got != cookie_expected:
                    mismatches.append(
                        f"{row.name} (cookie) {row.url(world, role)}: expected "
                        f"{cookie_expected}, got {got} [{response.status_code}]")
            continue
        client = as_role(role)
        response = _call(client, row, world, role, use_bearer=False)
        got = category(response, client)
        if got != expected:
            mismatches.append(f"{row.name} {row.url(world, role)}: expected {expected}, got "
                              f"{got} [{response.status_code} "
                              f"{response.headers.get('Location', '')}]")
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)
