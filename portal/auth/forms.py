"""Signup and login forms. Each form carries only its own fields: extras posted are ignored."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from portal.forms import NewPasswordForm, PortalForm
from portal.models.enums import ProfileKind, Role, lazy_label
from portal.services.accounts import PASSWORD_MAX_LENGTH, check_email, password_problem
from portal.services.validation import validate_country, validate_org_number

ACCOUNT_TYPES = [
    SelectChoice(Role.SME.value, _l("SME: I represent a company or research institute")),
    SelectChoice(Role.MILITARY.value,
                 _l("Military user: I post capability challenges for my unit")),
    SelectChoice(Role.ORGANISER.value, _l("Organiser: I run regional cluster events")),
]


class SignupForm(PortalForm):
    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("Enter your email.")),
                                            Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Choose a password."))],
        description=_l("At least 8 characters. A passphrase of a few words is easy to remember "
                    "and hard to guess; very common passwords are refused."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(message=_l("Repeat the password.")),
                    EqualTo("password", message=_l("The two passwords do not match."))],
    )
    full_name = StringField(_l("Full name"),
                            validators=[DataRequired(message=_l("Enter your name.")),
                                                     Length(max=200)])
    account_type = RadioField(_l("Account type"), choices=ACCOUNT_TYPES, default=Role.SME.value,
                              validators=[InputRequired(message=_l("Choose an account type."))])
    company_name = StringField(_l("Company or institute name"), validators=[Optional(),
                                                                        Length(max=200)])
    profile_kind = RadioField(
        _l("Kind of organisation"),
        choices=[SelectChoice(kind.value, lazy_label(kind.value)) for kind in ProfileKind],
        default=ProfileKind.COMPANY.value,
    )
    country = StringField(
        _l("Country"), default="NO", validators=[Optional(), Length(max=2)],
        description=_l("Two-letter ISO code: NO for Norwegian companies, e.g. SE or DE otherwise."),
    )
    org_number = StringField(
        _l("Organisation number"), validators=[Optional(), Length(max=20)],
        description=_l("Nine digits from the Brønnøysund Register, e.g. 923 609 016. Required for "
                    "Norwegian companies; foreign companies may leave it empty."),
    )
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=200)],
                       description=_l("The unit you post challenges for, e.g. Coastal Ranger "
                                   "Command. An administrator checks it before approval."))

    def validate_email(self, field) -> None:
        try:
            field.data = check_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_password(self, field) -> None:
        if len(field.data or "") > PASSWORD_MAX_LENGTH:
            raise ValidationError(_l("Use at most %(count)d characters.",
                                     count=PASSWORD_MAX_LENGTH))
        problem = password_problem(field.data, self.email.data)
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.account_type.data == Role.SME:
            valid = self._validate_company() and valid
        elif self.account_type.data == Role.MILITARY and not (self.unit.data or "").strip():
            self.unit.errors.append("Give the unit you act for.")
            valid = False
        return valid

    def _validate_company(self) -> bool:
        valid = True
        if not (self.company_name.data or "").strip():
            self.company_name.errors.append("Give your company's or institute's name.")
            valid = False
        try:
            self.country.data = validate_country(self.country.data or "NO")
        except ValueError as exc:
            self.country.errors.append(str(exc))
            return False
        raw_number = (self.org_number.data or "").strip()
        if not raw_number:
            self.org_number.data = None
            if self.country.data == "NO":
                self.org_number.errors.append(
                    "Norwegian companies give their organisation number."
                )
                valid = False
            return valid
        try:
            self.org_number.data = validate_org_number(raw_number)
        except ValueError as exc:
            self.org_number.errors.append(str(exc))
            valid = False
        return valid


class LoginForm(PortalForm):
    email = StringField(_l("Email"), validators=[DataRequired(message=_l("Enter your email.")),
                                             Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(message=_l("Enter your password.")),
                                                     Length(max=PASSWORD_MAX_LENGTH)])
    next = HiddenField()


class ForgotPasswordForm(PortalForm):
    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("Enter your email.")),
                                                Length(max=254)])


class ResetPasswordForm(NewPasswordForm):
    token = HiddenField()
