"""The company profile form. It has no ``clearance_verified`` field: only admins verify."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import EmailField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.challenges.forms import TRL_CHOICES, MultiCheckboxField, optional_int, options
from portal.forms import PortalForm
from portal.models.enums import COUNTIES, Clearance, ProfileKind, SizeBand, lazy_label
from portal.services.accounts import check_email
from portal.services.profiles import RECOMMENDED_DESCRIPTION_WORDS, ProfileData
from portal.services.schemas.company import (
    CONTACT_EMAIL_MAX_LENGTH,
    CONTACT_NAME_MAX_LENGTH,
    CONTACT_PHONE_MAX_LENGTH,
    COUNTRY_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    MUNICIPALITY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    ORG_NUMBER_MAX_LENGTH,
    WEBSITE_MAX_LENGTH,
)
from portal.services.validation import validate_country, validate_org_number, validate_website

PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,38}$")


class CompanyForm(PortalForm):
    kind = RadioField(_l("Profile type"), default=ProfileKind.COMPANY.value,
                      render_kw={"class": "radio-list"},
                      choices=options((k.value, lazy_label(k.value)) for k in ProfileKind))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX_LENGTH)])
    country = StringField(
        _l("Country"), default="NO", validators=[DataRequired(), Length(max=COUNTRY_LENGTH)],
        description=_l("Two-letter ISO code: NO for Norway, SE, DK, DE, GB, US ..."))
    org_number = StringField(
        _l("Organisation number"), validators=[Length(max=ORG_NUMBER_MAX_LENGTH)],
        description=_l("Nine digits from the Brønnøysund Register. Required for Norwegian "
                    "companies; foreign companies may leave it empty."))
    county = SelectField(_l("County"), choices=options([("", "—")] + [(c, c) for c in COUNTIES]),
                         description=_l("Required for Norwegian companies."))
    municipality = StringField(_l("Municipality"),
                               validators=[Optional(), Length(max=MUNICIPALITY_MAX_LENGTH)])
    size_band = SelectField(_l("Employees"),
                            choices=options([("", "—")] + [(s.value, s.value) for s in SizeBand]))
    website = URLField(_l("Website"), validators=[Optional(), Length(max=WEBSITE_MAX_LENGTH)],
                       description=_l("Starting with https://"))
    contact_name = StringField(_l("Contact person"),
                               validators=[Optional(), Length(max=CONTACT_NAME_MAX_LENGTH)])
    contact_email = EmailField(_l("Contact email"),
                               validators=[Optional(), Length(max=CONTACT_EMAIL_MAX_LENGTH)])
    contact_phone = StringField(_l("Contact phone"),
                                validators=[Optional(), Length(max=CONTACT_PHONE_MAX_LENGTH)])
    description = TextAreaField(
        _l("Capability description"),
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX_LENGTH)],
        render_kw={"rows": 14},
        description=_l("The matcher's main input: aim for %(count)d+ words. Name your products "
                       "and methods, the environments they work in (Arctic, maritime, urban), "
                       "standards you meet, test results and customers. Concrete terms such as "
                       "“towed sonar array” or “JP-8” help challenge owners find you.",
                       count=RECOMMENDED_DESCRIPTION_WORDS))
    areas = MultiCheckboxField(_l("Technology areas"), coerce=int, validators=[Optional()])
    trl = SelectField(_l("TRL of main offering"), choices=TRL_CHOICES, coerce=optional_int,
                      validators=[Optional()],
                      description=_l("1 = basic principles observed, 9 = proven in operations."))
    clearance = SelectField(
        _l("Security clearance"),
        choices=options((c.value, lazy_label(c.value)) for c in Clearance),
        description=_l("Changing it withdraws any verification until an admin checks again."))
    export_control_experience = BooleanField(_l("We have export-control experience"))
    norwegian_owned = BooleanField(_l("Norwegian-controlled ownership"), default=True)

    def validate_country(self, field):
        try:
            field.data = validate_country(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def _norwegian(self) -> bool:
        return (self.country.data or "").strip().upper() == "NO"

    def validate_org_number(self, field):
        raw = (field.data or "").strip()
        if not raw:
            if self._norwegian():
                raise ValidationError(_l("Norwegian companies give their organisation number. "
                                      "Foreign companies: change the country."))
            return
        try:
            field.data = validate_org_number(raw)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_county(self, field):
        if self._norwegian() and not field.data:
            raise ValidationError(_l("Choose the county of your main office."))

    def validate_website(self, field):
        if field.data:
            try:
                field.data = validate_website(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from None

    def validate_contact_email(self, field):
        # The same rule as account emails, so the address copied from signup always passes.
        if field.data:
            try:
                field.data = check_email(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from None

    def validate_contact_phone(self, field):
        if field.data and not PHONE.match(field.data.strip()):
            raise ValidationError(_l("Use digits, spaces and an optional leading +, "
                                  "e.g. +47 22 33 44 55."))

    def to_data(self) -> ProfileData:
        return ProfileData(
            kind=self.kind.data,
            name=self.name.data or "",
            org_number=self.org_number.data or None,
            country=self.country.data or "NO",
            county=self.county.data or None,
            municipality=self.municipality.data,
            size_band=self.size_band.data or None,
            website=self.website.data,
            contact_name=self.contact_name.data,
            contact_email=(self.contact_email.data or "").strip().lower() or None,
            contact_phone=self.contact_phone.data,
            description=self.description.data or "",
            area_ids=list(self.areas.data or []),
            trl=self.trl.data,
            clearance=self.clearance.data,
            export_control_experience=self.export_control_experience.data,
            norwegian_owned=self.norwegian_owned.data,
        )
