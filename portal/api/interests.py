"""API routes: an SME company's expressions of interest (list, express or edit, withdraw).

The same rules as the challenge page, through the same service functions (and so the same
audit rows and notifications): a challenge the caller may not see is 404, other roles than SME
are 403, and a pitch changes only while the challenge is open.
"""

from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError

from portal.api import bp
from portal.api.auth import api_abort, json_body, load, require_user
from portal.api.openapi import AUTH_REQUIRED, operation, returns
from portal.db import db
from portal.models import Challenge, User
from portal.models.enums import Role
from portal.services.access import can_see_challenge
from portal.services.interests import (
    DUPLICATE_MESSAGE,
    DuplicateInterestError,
    InterestError,
    edit_interest,
    express_interest,
    interest_of,
    interests_of_company,
    withdraw_interest,
)
from portal.services.schemas.components import ChallengePath, InterestListSchema, InterestSchema

_INTEREST = InterestSchema()
_INTERESTS = InterestListSchema()


def _sme_with_company(challenge_id: int) -> tuple[User, Challenge]:
    """The calling SME user and a challenge they may see, checked in the page's order: the
    challenge first (404), then the role (403), then the company profile (403)."""
    user = require_user()
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not can_see_challenge(user, challenge):
        api_abort(404, "No such challenge.")
    if user.role != Role.SME:
        api_abort(403, "Only SME users express interest in challenges.")
    if user.company_id is None:
        api_abort(403, "Create your company profile first: PUT /api/v1/me/company.")
    return user, challenge


def _refused(error: InterestError) -> NoReturn:
    db.session.rollback()
    api_abort(422, str(error))


# --------------------------------------------------------------------------- routes
@bp.get("/me/interests")
def my_interests():
    user = require_user(Role.SME)
    return _INTERESTS.dump({"items": interests_of_company(db.session, user)})


@bp.put("/challenges/<int:challenge_id>/interest")
def put_interest(challenge_id: int):
    user, challenge = _sme_with_company(challenge_id)
    pitch = load(InterestSchema(), json_body())["pitch"]
    existing = interest_of(db.session, user.company_id, challenge)
    try:
        if existing is None:
            interest = express_interest(db.session, user, challenge, pitch)
        else:
            interest = edit_interest(db.session, user, challenge, pitch)
        db.session.commit()
    except DuplicateInterestError as error:
        db.session.rollback()
        api_abort(409, str(error))
    except InterestError as error:
        _refused(error)
    except IntegrityError:
        # A concurrent call created the interest after our check; the unique constraint kept
        # one row.
        db.session.rollback()
        api_abort(409, str(DUPLICATE_MESSAGE))
    return _INTEREST.dump(interest), 201 if existing is None else 200


@bp.delete("/challenges/<int:challenge_id>/interest")
def delete_interest(challenge_id: int):
    user, challenge = _sme_with_company(challenge_id)
    if interest_of(db.session, user.company_id, challenge) is None:
        api_abort(404, "Your company has not expressed interest in this challenge.")
    try:
        withdraw_interest(db.session, user, challenge)
        db.session.commit()
    except InterestError as error:
        _refused(error)
    return "", 204


# --------------------------------------------------------------------------- OpenAPI
OPERATIONS: dict[str, dict[str, Any]] = {
    "/api/v1/me/interests": {
        "get": operation(
            "The caller's company's expressions of interest, newest first (SME users; only "
            "in challenges the caller may still see, as on the My interests page)",
            ["me", "interests"], security=AUTH_REQUIRED,
            responses={200: returns("Expressions of interest", InterestListSchema)},
            errors=(401, 403)),
    },
    "/api/v1/challenges/{challenge_id}/interest": {
        "put": operation(
            "Express the caller's company's interest in a challenge, or replace its pitch "
            "(SME users with a company profile; only while the challenge is open)",
            ["interests"], security=AUTH_REQUIRED, path=ChallengePath, body=InterestSchema,
            description="201 when the interest is new, 200 when its pitch was replaced (the "
                        "owner's verdict stays). The challenge's owner is notified either way. "
                        "A closed challenge, or one the company may not express interest in, "
                        "is 422.",
            responses={201: returns("The new expression of interest", InterestSchema),
                       200: returns("The edited expression of interest", InterestSchema)},
            errors=(400, 401, 403, 404, 409, 422)),
        "delete": operation(
            "Withdraw the caller's company's interest while the challenge is open (SME users)",
            ["interests"], security=AUTH_REQUIRED, path=ChallengePath,
            description="The owner is notified; the audit log keeps that the interest existed. "
                        "404 when the company has expressed no interest in the challenge, 422 "
                        "when the challenge is closed.",
            responses={204: {"description": "Withdrawn."}},
            errors=(400, 401, 403, 404, 422)),
    },
}
