"""API route: a company profile by id, for staff (and for the company's own users)."""

from typing import Any

from portal.api import bp
from portal.api.auth import AUTH_REQUIRED, api_abort, error_responses, require_user
from portal.api.me import company_json
from portal.db import db
from portal.services.companies import CompanyNotFoundError, profile_for


@bp.get("/companies/<int:company_id>")
def get_company(company_id: int):
    user = require_user()
    try:
        company = profile_for(db.session, user, company_id)
    except CompanyNotFoundError:
        api_abort(404, "No such company.")
    db.session.commit()  # the staff view's audit row
    return company_json(company)


PATHS: dict[str, Any] = {
    "/api/v1/companies/{company_id}": {
        "get": {
            "summary": "A company or research institute profile with its contact person "
                       "(military users, organisers and administrators; an SME user only "
                       "their own company). Each staff view is audit-logged.",
            "tags": ["companies"],
            "security": AUTH_REQUIRED,
            "parameters": [{"name": "company_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}}],
            "responses": {
                "200": {"description": "The profile",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Company"}}}},
                **error_responses(401, 403, 404),
            },
        },
    },
}
