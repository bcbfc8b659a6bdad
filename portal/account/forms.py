"""Forms on the account page: password change and API tokens."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.forms import PortalForm
from portal.services.accounts import PASSWORD_MAX_LENGTH


class PasswordChangeForm(PortalForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a new password.")),
                    Length(max=PASSWORD_MAX_LENGTH)],
        description=_l("At least 8 characters; very common passwords are refused."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=_l("Repeat the new password.")),
                    EqualTo("new_password", message=_l("The two passwords do not match."))],
    )


class TokenForm(PortalForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(message=_l("Name the token.")), Length(max=100)],
        description=_l("So you recognise it later, e.g. \"Export script\"."),
    )


class DeleteAccountForm(PortalForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Enter your password to confirm."))]
    )
    understood = BooleanField(
        _l("I understand that my account and personal data are deleted and cannot be restored."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
