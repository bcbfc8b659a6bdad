"""API route: a company profile by id, for staff (and for the company's own users)."""

from typing import Any

from portal.api import bp
from portal.api.auth import api_abort, require_user
from portal.api.openapi import AUTH_REQUIRED, operation, returns
from portal.db import db
from portal.services.companies import CompanyNotFoundError, profile_for
from portal.services.schemas.components import CompanyPath, CompanySchema

_COMPANY = CompanySchema()


@bp.get("/companies/<int:company_id>")
def get_company(company_id: int):
    user = require_user()
    try:
        company = profile_for(db.session, user, company_id)
    except CompanyNotFoundError:
        api_abort(404, "No such company.")
    db.session.commit()  # the staff view's audit row
    return _COMPANY.dump(company)


OPERATIONS: dict[str, dict[str, Any]] = {
    "/api/v1/companies/{company_id}": {
        "get": operation(
            "A company or research institute profile with its contact person (military users, "
            "organisers and administrators; an SME user only their own company). Each staff "
            "view is audit-logged.", ["companies"], security=AUTH_REQUIRED, path=CompanyPath,
            responses={200: returns("The profile", CompanySchema)}, errors=(401, 403, 404)),
    },
}
