"""The base form of every page: WTForms' built-in messages come from the portal's catalogs.

WTForms ships a Bokmål catalog but no Nynorsk one, so its validators' messages are kept in our
own catalogs (marked below so that extraction finds them) and looked up in the page's language.
"""

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.services.accounts import PASSWORD_MAX_LENGTH


def N_(text: str) -> str:
    """Mark ``text`` for extraction only."""
    return text


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction only."""
    return singular, plural


# The built-in messages the portal's fields and validators can show.
BUILTIN_MESSAGES = (
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid integer value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    Nn_("Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long."),
    Nn_("Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters."),
    Nn_("Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long."),
    Nn_("'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field."),
)


class _CatalogTranslations:
    """What WTForms asks for; WTForms fills in the ``%(...)s`` values itself afterwards."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _CatalogTranslations()


class PortalForm(FlaskForm):
    """FlaskForm whose built-in messages follow the page's language (nb, nn or en), and which
    refuses text holding a NUL character (PostgreSQL cannot store one; refused on every
    database alike)."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [*field.errors, _l("Text may not contain a NUL character.")]
                valid = False
        return valid


class NewPasswordForm(PortalForm):
    """A new password typed twice (password change and reset share the rules and texts)."""

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
