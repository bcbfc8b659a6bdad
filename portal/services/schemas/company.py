"""The company profile: its fields' rules, read by the web form, the API and the OpenAPI
document. ``clearance_verified`` is never writable: only administrators vet."""

from typing import Any

from marshmallow import ValidationError, fields, post_load, pre_dump, validates

from portal.models import Company
from portal.models.enums import COUNTIES, Clearance, ProfileKind, SizeBand
from portal.services.accounts import check_email
from portal.services.schemas.base import Flag, Output, Strict, Text, choice, slugs, trl
from portal.services.validation import validate_country, validate_org_number, validate_website

NAME_MAX_LENGTH = 200
COUNTRY_LENGTH = 2
ORG_NUMBER_MAX_LENGTH = 20  # as typed, with spaces: "923 609 016"
MUNICIPALITY_MAX_LENGTH = 100
WEBSITE_MAX_LENGTH = 300
CONTACT_NAME_MAX_LENGTH = 200
CONTACT_EMAIL_MAX_LENGTH = 254
CONTACT_PHONE_MAX_LENGTH = 40
DESCRIPTION_MAX_LENGTH = 20000


class CompanySchema(Output):
    """A profile as the API returns it (its contact data included)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = choice(ProfileKind, required=True)
    org_number = fields.String(required=True, allow_none=True)
    country = fields.String(required=True, allow_none=True)
    county = fields.String(required=True, allow_none=True)
    municipality = fields.String(allow_none=True)
    size_band = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    description = fields.String(required=True)
    areas = fields.List(fields.String(), required=True)
    trl = trl(required=True, allow_none=True)
    clearance = choice(Clearance, required=True)
    clearance_verified = fields.Boolean(required=True, dump_only=True, metadata={
        "description": "Set by an administrator only."})
    export_control_experience = fields.Boolean()
    norwegian_owned = fields.Boolean()

    @pre_dump
    def _row(self, company: Company, **kwargs: Any) -> dict[str, Any]:
        return {**{name: getattr(company, name) for name in self.fields if name != "areas"},
                "description": company.description or "",
                "areas": [a.slug for a in company.areas],
                "clearance_verified": bool(company.clearance_verified),
                "export_control_experience": bool(company.export_control_experience),
                "norwegian_owned": bool(company.norwegian_owned)}


class CompanyUpdateSchema(Strict):
    """A profile's writable fields; on an edit, fields left out keep their values."""

    name = Text(blank=False, max_length=NAME_MAX_LENGTH)
    kind = choice(ProfileKind)
    org_number = fields.String(allow_none=True, metadata={
        "description": "Norwegian organisation number: 9 digits, modulus-11 check digit "
                       "(required when country is NO)."})
    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2."})
    county = choice(COUNTIES, allow_none=True)
    municipality = Text(allow_none=True, max_length=MUNICIPALITY_MAX_LENGTH)
    size_band = choice(SizeBand, allow_none=True)
    website = Text(allow_none=True, max_length=WEBSITE_MAX_LENGTH,
                   metadata={"description": "http(s) address."})
    contact_name = Text(allow_none=True, max_length=CONTACT_NAME_MAX_LENGTH)
    contact_email = Text(allow_none=True, max_length=CONTACT_EMAIL_MAX_LENGTH,
                         metadata={"format": "email"})
    contact_phone = Text(allow_none=True, max_length=CONTACT_PHONE_MAX_LENGTH)
    description = Text(blank=False, max_length=DESCRIPTION_MAX_LENGTH)
    areas = slugs(allow_none=True)
    trl = trl(allow_none=True)
    clearance = choice(Clearance)
    export_control_experience = Flag()
    norwegian_owned = Flag()

    @validates("org_number")
    def _org_number(self, value: str | None, **kwargs: Any) -> None:
        if value is not None and value.strip():
            _checked(validate_org_number, value)

    @validates("country")
    def _country(self, value: str, **kwargs: Any) -> None:
        _checked(validate_country, value)

    @validates("website")
    def _website(self, value: str | None, **kwargs: Any) -> None:
        if value:
            _checked(validate_website, value)

    @validates("contact_email")
    def _email(self, value: str | None, **kwargs: Any) -> None:
        if value:
            try:
                check_email(value)
            except ValueError:
                raise ValidationError("is not a valid email address.") from None

    @post_load
    def _normalised(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Codes in their stored form; optional texts left empty are null."""
        for name in ("municipality", "contact_name", "contact_phone", "website"):
            if name in data:
                data[name] = data[name] or None
        if "org_number" in data:
            number = (data["org_number"] or "").strip()
            data["org_number"] = validate_org_number(number) if number else None
        if "country" in data:
            data["country"] = validate_country(data["country"])
        if "contact_email" in data:
            data["contact_email"] = check_email(data["contact_email"]) \
                if data["contact_email"] else None
        return data


def _checked(validator: Any, value: str) -> None:
    try:
        validator(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None
