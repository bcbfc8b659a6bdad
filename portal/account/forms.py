"""Forms on the account page: password change and API tokens."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.forms import NewPasswordForm, PortalForm


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))]
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
