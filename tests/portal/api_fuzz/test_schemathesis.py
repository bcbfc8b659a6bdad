"""Property-based fuzzing of the JSON API against its own OpenAPI document (schemathesis 4).

The document is built in-process (``portal.api.openapi.build_document``, the same dict that
``/api/v1/openapi.json`` serves; a test below proves they are equal), one pytest item per
operation. Each generated request is sent with the bearer token of a user who may use the
operation (military owner for challenges, SME for /me, organiser for events), with path ids
mapped onto real rows part of the time, and the answer must be: no 5xx, a documented status
code, a documented content type and a body that fits the documented schema. A second test
calls every operation without credentials: 401 where the document requires security,
200/404 for public reads.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.api.openapi import build_document
from portal.db import db
from portal.models import (
    Challenge,
    Conversation,
    Event,
    EventChallenge,
    EventPair,
    Meeting,
    Message,
)
from portal.models.enums import Role
from portal.services import tokens

schema = schemathesis.openapi.from_dict(build_document())

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
FUZZ_SETTINGS = settings(
    max_examples=60, deadline=None, database=None,
    suppress_health_check=[
        # The app and its users are made once per operation and shared by its examples on
        # purpose: every example's transaction is rolled back, so they see the same world.
        HealthCheck.function_scoped_fixture,
        # One example is a whole request through the app (some build the matching index).
        HealthCheck.too_slow,
    ],
)


@pytest.fixture
def fuzz_world(make_user, make_company):
    """Users with tokens, challenges of the owner's unit, an organised event with a meeting."""
    owner = make_user(Role.MILITARY, unit="Brigade North")
    organiser = make_user(Role.ORGANISER)
    company = make_company(name="Fuzz Sonar AS", org_number="923609016",
                           description="Passive sonar and underwater acoustic sensors.")
    sme = make_user(Role.SME, company=company)
    challenges = [
        Challenge(title=f"Fuzz challenge {n}", problem="Passive sonar for quiet submarines.",
                  unit="Brigade North", owner_id=owner.id, status="open",
                  visibility=visibility)
        for n, visibility in enumerate(("public", "registered", "vetted"))
    ]
    db.session.add_all(challenges)
    event = Event(name="Fuzz day", county="Oslo", venue="Oslo",
                  date=date.today() + timedelta(days=10), start_time=time(9),
                  end_time=time(10), meeting_minutes=20, tables=2, status="open",
                  organiser_id=organiser.id)
    db.session.add(event)
    db.session.flush()
    db.session.add(EventChallenge(event_id=event.id, challenge_id=challenges[0].id))
    pair = EventPair(event_id=event.id, challenge_id=challenges[0].id, company_id=company.id,
                     state="accepted", score=0.5, components="{}")
    db.session.add(pair)
    db.session.flush()
    start = timedelta(hours=8)
    db.session.add(Meeting(event_id=event.id, pair_id=pair.id, slot=0, table_number=1,
                           starts_at=_at(event.date, start), ends_at=_at(event.date, start
                                                                         + timedelta(minutes=20)),
                           confirmed=True))
    conversation = Conversation(challenge_id=challenges[0].id, company_id=company.id,
                                started_by_id=owner.id)
    db.session.add(conversation)
    db.session.flush()
    db.session.add(Message(conversation_id=conversation.id, author_id=owner.id, side="staff",
                           body="Can your sonar hear quiet submarines?"))
    raw = {}
    for name, user in (("owner", owner), ("organiser", organiser), ("sme", sme)):
        raw[name] = tokens.create_token(db.session, user, "fuzz")[1]
    db.session.commit()
    return {"tokens": raw, "challenge_ids": [c.id for c in challenges], "event_ids": [event.id],
            "company_ids": [company.id], "conversation_ids": [conversation.id],
            "organiser": organiser}


def _at(day, offset):
    from datetime import datetime

    return datetime.combine(day, time(0)) + offset


def _caller_for(path: str) -> str:
    # Interests are the SME's own: as anyone else the fuzzing would only ever reach a 403.
    if path.startswith("/api/v1/me") or path.endswith("/interest"):
        return "sme"
    if path.startswith("/api/v1/events"):
        return "organiser"
    return "owner"


def _real_ids(case, world) -> None:
    """Point small generated ids at real rows (large ones stay, to exercise 404s)."""
    params = case.path_parameters or {}
    for name, pool in (("challenge_id", world["challenge_ids"]),
                       ("event_id", world["event_ids"]),
                       ("company_id", world["company_ids"]),
                       ("conversation_id", world["conversation_ids"])):
        value = params.get(name)
        if isinstance(value, int) and 0 <= value < 1000:
            params[name] = pool[value % len(pool)]


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_conforms_to_its_document(case, app, fuzz_world):
    _real_ids(case, fuzz_world)
    token = fuzz_world["tokens"][_caller_for(case.path)]
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    # The tests share one app context; end the request's transaction as teardown would.
    db.session.rollback()
    case.validate_response(response, checks=CHECKS)


PUBLIC_READS = {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/challenges"),
                ("GET", "/api/v1/challenges/{challenge_id}")}


@pytest.mark.parametrize("operation", [
    pytest.param(op, id=f"{op.method.upper()} {op.path}")
    for op in (result.ok() for result in schema.get_all_operations())
])
def test_operations_enforce_their_declared_security(operation, app, fuzz_world):
    method, path = operation.method.upper(), operation.path
    url = path
    for name in ("challenge_id", "event_id", "company_id", "conversation_id"):
        url = url.replace("{" + name + "}", str(fuzz_world[name + "s"][0]))
    body = {} if method in ("POST", "PUT") else None
    response = app.test_client().open(url, method=method, json=body)
    security = operation.definition.raw.get("security", build_document()["security"])
    anonymous_allowed = any(requirement == {} for requirement in security)
    if anonymous_allowed:
        assert (method, path) in PUBLIC_READS
        assert response.status_code in (200, 404), (method, path, response.status_code)
    else:
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.get_json()["error"]["code"] == 401
        assert "Bearer" in response.headers.get("WWW-Authenticate", ""), (method, path)
    # A bad token is 401 everywhere, public reads included.
    response = app.test_client().open(url, method=method, json=body,
                                      headers={"Authorization": "Bearer pt_not-a-token"})
    assert response.status_code == 401, (method, path)


HUGE = 10**20


@pytest.mark.parametrize("method,url", [
    ("GET", f"/api/v1/challenges/{HUGE}"),
    ("PUT", f"/api/v1/challenges/{HUGE}"),
    ("GET", f"/api/v1/events/{HUGE}/matches"),
    ("GET", f"/challenges/{HUGE}"),
    ("GET", f"/events/{HUGE}"),
    ("GET", "/api/v1/events/{event}/schedule.ics?company=" + str(HUGE)),
    ("GET", "/events/{event}/calendar.ics?company=" + str(HUGE)),
])
def test_ids_beyond_a_database_integer_are_404(app, fuzz_world, login, method, url):
    url = url.replace("{event}", str(fuzz_world["event_ids"][0]))
    client = app.test_client()
    headers = {}
    if "/api/" in url:
        headers = {"Authorization": f"Bearer {fuzz_world['tokens']['organiser']}"}
    else:
        login(fuzz_world["organiser"], client)
    response = client.open(url, method=method, json={} if method == "PUT" else None,
                           headers=headers)
    db.session.rollback()
    assert response.status_code == 404


def test_served_document_is_the_fuzzed_one(client):
    assert client.get("/api/v1/openapi.json").get_json() == build_document()


def test_every_api_rule_is_documented(app):
    documented = {(method.upper(), path) for path, item in build_document()["paths"].items()
                  for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            served |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented

