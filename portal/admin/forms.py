"""Administration forms: list filters (GET, no CSRF needed), role change, new technology area."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PortalForm
from portal.models.enums import AccountStatus, Clearance, Role, lazy_label


def _choices(values, everything: str | None = None) -> list[SelectChoice]:
    first = [SelectChoice("", everything)] if everything else []
    return first + [SelectChoice(v.value, lazy_label(v.value)) for v in values]


class FilterForm(PortalForm):
    """Read-only filters sent by GET: no CSRF token, and invalid values are simply ignored."""

    class Meta:
        csrf = False


class UserFilterForm(FilterForm):
    role = SelectField(_l("Role"), choices=_choices(Role, _l("All roles")), validators=[Optional()])
    status = SelectField(_l("Status"), choices=_choices(AccountStatus, _l("All statuses")),
                         validators=[Optional()])


class CompanyFilterForm(FilterForm):
    q = StringField(_l("Name contains"), validators=[Optional(), Length(max=200)])
    verified = SelectField(
        _l("Vetting"),
        choices=[SelectChoice("", _l("All")), SelectChoice("no", _l("Not vetted")),
                 SelectChoice("yes", _l("Vetted"))],
        validators=[Optional()],
    )
    clearance = SelectField(_l("Declared clearance"), choices=_choices(Clearance, _l("Any")),
                            validators=[Optional()])


class AuditFilterForm(FilterForm):
    actor = StringField(_l("Actor email contains"), validators=[Optional(), Length(max=254)])
    # Choices are filled from the log itself by the view.
    action = SelectField(_l("Action"), validate_choice=False, validators=[Optional()])
    outcome = SelectField(_l("Outcome"), validate_choice=False, validators=[Optional()])
    date_from = DateField(_l("From (UTC)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC)"), validators=[Optional()])


class RoleForm(PortalForm):
    role = SelectField(_l("Role"), choices=_choices(Role))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AreaForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Name the area.")),
                                           Length(max=200)])
    kind = RadioField(
        _l("Kind"),
        choices=[SelectChoice("priority", _l("Priority technology area")),
                 SelectChoice("emerging", _l("Emerging technology"))],
        default="emerging",
    )
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(message=_l("Describe the area.")), Length(min=40, max=4000)],
        description=_l("A few sentences on what the area covers. The matcher uses them to suggest "
                    "areas from free text, so name concrete technologies and uses."),
    )
    name_nb = StringField(_l("Name in Bokmål"), validators=[Optional(), Length(max=200)])
    name_nn = StringField(_l("Name in Nynorsk"), validators=[Optional(), Length(max=200)])
    description_nb = TextAreaField(_l("Description in Bokmål"),
                                   validators=[Optional(), Length(max=4000)])
    description_nn = TextAreaField(
        _l("Description in Nynorsk"), validators=[Optional(), Length(max=4000)],
        description=_l("Shown to readers of that language; the English name and description "
                       "are shown where these are empty, and the matcher always reads the "
                       "English."))
    related = MultiCheckboxField(
        _l("Related areas"), coerce=int, validators=[Optional()],
        description=_l("Areas of the other kind this one relates to (the crosswalk): an emerging "
                    "technology links to priority areas and the other way round."),
    )
