"""Forms on the account page: password change and API tokens."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.services.accounts import PASSWORD_MAX_LENGTH


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(message="Enter your current password.")]
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(message="Choose a new password."),
                    Length(max=PASSWORD_MAX_LENGTH)],
        description="At least 8 characters; very common passwords are refused.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(message="Repeat the new password."),
                    EqualTo("new_password", message="The two passwords do not match.")],
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(message="Name the token."), Length(max=100)],
        description="So you recognise it later, e.g. \"Export script\".",
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password", validators=[DataRequired(message="Enter your password to confirm.")]
    )
    understood = BooleanField(
        "I understand that my account and personal data are deleted and cannot be restored.",
        validators=[DataRequired(message="Tick the box to confirm.")],
    )
