"""API route: a judgement of a match (relevant or not), by whoever may see the challenge's
matches on the web: its owning unit, organisers and administrators.

The same rules as the matches page, through the same service function (and so the same audit
row): a challenge the caller may not see, or a company that may not see the challenge, is 404;
a caller who sees the challenge but not its matches is 403, and the refusal is audit-logged.
"""

from typing import Any

from flask import request
from sqlalchemy import select

from portal.api import bp
from portal.api.auth import api_abort, json_body, load, require_user
from portal.api.openapi import AUTH_REQUIRED, operation, returns
from portal.db import db
from portal.models import Challenge, Company
from portal.services import audit
from portal.services.access import (
    can_see_challenge,
    can_see_matches,
    company_clause_for_challenge,
)
from portal.services.feedback import record_feedback
from portal.services.schemas.components import FeedbackPath, FeedbackSchema

_FEEDBACK = FeedbackSchema()


@bp.put("/challenges/<int:challenge_id>/feedback/<int:company_id>")
def put_feedback(challenge_id: int, company_id: int):
    user = require_user()
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not can_see_challenge(user, challenge):
        api_abort(404, "No such challenge.")
    if not can_see_matches(user, challenge):
        audit.record(db.session, "access_denied", actor=user, target=challenge,
                     outcome="denied", details={"path": request.path})
        db.session.commit()
        api_abort(403, "Only the owning unit, organisers and administrators judge matches.")
    company = db.session.scalar(select(Company).where(
        Company.id == company_id, company_clause_for_challenge(challenge)))
    if company is None:
        api_abort(404, "No such company for this challenge.")
    data = load(FeedbackSchema(), json_body())
    row = record_feedback(db.session, user, challenge, company,
                          relevant=data["verdict"] == "relevant", comment=data.get("comment") or "")
    db.session.commit()
    return _FEEDBACK.dump(row)


# --------------------------------------------------------------------------- OpenAPI
OPERATIONS: dict[str, dict[str, Any]] = {
    "/api/v1/challenges/{challenge_id}/feedback/{company_id}": {
        "put": operation(
            "Judge a match: is the company relevant for the challenge? (owning unit, "
            "organisers, administrators)", ["matches"], security=AUTH_REQUIRED,
            path=FeedbackPath, body=FeedbackSchema,
            description="One judgement per caller and pair: a new one replaces the caller's "
                        "earlier verdict and comment. The judgements tune the matcher. 404 when "
                        "the company may not see the challenge (a vetted-only challenge and an "
                        "unvetted company).",
            responses={200: returns("The stored judgement", FeedbackSchema)},
            errors=(400, 401, 403, 404, 422)),
    },
}
