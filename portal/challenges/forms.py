"""Forms for challenges and expressions of interest."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PortalForm
from portal.models.enums import (
    COUNTIES,
    ChallengeStatus,
    ContractModel,
    InterestStatus,
    Visibility,
    lazy_label,
)
from portal.services.challenges import ChallengeData, ChallengeFilters
from portal.services.schemas.challenge import (
    CONTEXT_MAX_LENGTH,
    EFFECT_MAX_LENGTH,
    PROBLEM_MAX_LENGTH,
    PROBLEM_MIN_LENGTH,
    SEARCH_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from portal.services.schemas.interest import PITCH_MAX_LENGTH, PITCH_MIN_LENGTH


def options(pairs) -> list[SelectChoice]:
    """Select choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, text) for value, text in pairs]


TRL_CHOICES = options([("", "—")] + [(str(level), str(level)) for level in range(1, 10)])


def optional_int(value):
    """Coerce a select value to int, with the empty choice as None."""
    if value in (None, ""):
        return None
    return int(value)


class MultiCheckboxField(SelectMultipleField):
    """A multi-select shown as checkboxes (``_macros.field`` renders it as a grid)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChallengeForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX_LENGTH)],
                        description=_l("One line a company understands at a glance."))
    problem = TextAreaField(
        _l("Problem statement"),
        validators=[DataRequired(), Length(min=PROBLEM_MIN_LENGTH, max=PROBLEM_MAX_LENGTH)],
        render_kw={"rows": 8},
        description=_l("What does not work today, and why it matters. Avoid classified details: "
                    "describe the need, not the gap in current capability."))
    context = TextAreaField(
        _l("Operational context"), validators=[Optional(), Length(max=CONTEXT_MAX_LENGTH)],
        description=_l("Where and how the solution would be used: Arctic, maritime, urban, "
                    "temperature, terrain, logistics, who operates it."))
    effect = TextAreaField(
        _l("Wanted effect"), validators=[DataRequired(), Length(max=EFFECT_MAX_LENGTH)],
        description=_l("The result you want, stated as an effect rather than a specification."))
    areas = MultiCheckboxField(_l("Technology areas"), coerce=int, validators=[Optional()])
    trl_min = SelectField(_l("Lowest TRL"), choices=TRL_CHOICES, coerce=optional_int,
                          validators=[Optional()])
    trl_max = SelectField(_l("Highest TRL"), choices=TRL_CHOICES, coerce=optional_int,
                          validators=[Optional()],
                          description=_l("The maturity range you can work with (1 = basic "
                                      "principles, 9 = proven in operations)."))
    deadline = DateField(_l("Deadline for expressions of interest"), validators=[Optional()],
                         description=_l("Required for open challenges."))
    contract_model = SelectField(
        _l("Contract model"),
        choices=options((m.value, lazy_label(m.value)) for m in ContractModel))
    county = SelectField(_l("Region preference"),
                         choices=options([("", _l("No preference"))] + [(c, c) for c in COUNTIES]),
                         description=_l("Optional: a county where you would prefer partners."))
    status = SelectField(_l("Status"))
    visibility = SelectField(
        _l("Who may see it"),
        choices=options((v.value, lazy_label(v.value)) for v in Visibility),
        default=Visibility.REGISTERED.value,
        description=_l("Public: anyone. Registered users: logged-in SMEs and staff. Vetted SMEs "
                    "only: companies whose security clearance an admin has verified."))

    def __init__(self, *args, original=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = original
        statuses = ([ChallengeStatus.DRAFT, ChallengeStatus.OPEN] if original is None
                    else list(ChallengeStatus))
        self.status.choices = options((s.value, lazy_label(s.value)) for s in statuses)

    def validate_trl_max(self, field):
        if (self.trl_min.data is not None and field.data is not None
                and self.trl_min.data > field.data):
            raise ValidationError(_l("The highest TRL cannot be below the lowest TRL."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not in validate_deadline: Optional() skips inline hooks on empty input.
        error = self._deadline_error() if not self.deadline.errors else None
        if error:
            self.deadline.errors = [*self.deadline.errors, error]
            return False
        return valid

    def _deadline_error(self) -> str | None:
        if self.status.data != ChallengeStatus.OPEN:
            return None
        deadline = self.deadline.data
        if deadline is None:
            return "An open challenge needs a deadline."
        original = self.original
        changed = (original is None or original.deadline != deadline
                   or original.status != ChallengeStatus.OPEN)
        if changed and deadline < date.today():
            return "The deadline of an open challenge cannot be in the past."
        return None

    def to_data(self) -> ChallengeData:
        return ChallengeData(
            title=self.title.data or "",
            problem=self.problem.data or "",
            context=self.context.data or "",
            effect=self.effect.data or "",
            area_ids=list(self.areas.data or []),
            trl_min=self.trl_min.data,
            trl_max=self.trl_max.data,
            deadline=self.deadline.data,
            contract_model=self.contract_model.data or None,
            county=self.county.data or None,
            status=self.status.data,
            visibility=self.visibility.data,
        )


class InterestForm(PortalForm):
    pitch = TextAreaField(
        _l("Your pitch"),
        validators=[DataRequired(), Length(min=PITCH_MIN_LENGTH, max=PITCH_MAX_LENGTH)],
        description=_l("%(min)d to %(max)d characters: what you offer, how mature it is, and a "
                       "relevant reference. The challenge owner sees your company profile with "
                       "it.", min=PITCH_MIN_LENGTH, max=PITCH_MAX_LENGTH))


class WithdrawInterestForm(PortalForm):
    """Button-only form: withdraws the company's interest."""


class InterestStatusForm(PortalForm):
    status = SelectField(_l("Status"), choices=options((s.value, lazy_label(s.value))
                                                   for s in InterestStatus))


class ChallengeFilterForm(PortalForm):
    """The GET search form of the challenge list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=SEARCH_MAX_LENGTH)],
                    render_kw={"placeholder": _l("e.g. sonar, drone, Arctic"), "type": "search"})
    area = SelectField(_l("Technology area"), default="", validators=[Optional()])
    county = SelectField(_l("Region"), default="",
                         choices=options([("", _l("Any region"))] + [(c, c) for c in COUNTIES]),
                         validators=[Optional()])
    trl = SelectField(_l("Fits TRL"), choices=options([("", _l("Any"))]) + TRL_CHOICES[1:],
                      coerce=optional_int,
                      validators=[Optional()])
    deadline_after = DateField(_l("Deadline from"), validators=[Optional()])
    deadline_before = DateField(_l("Deadline until"), validators=[Optional()])
    status = SelectField(_l("Status"), default="open", validators=[Optional()],
                         choices=options([("open", _l("Open")), ("closed", _l("Closed")),
                                           ("awarded", _l("Awarded")), ("draft", _l("Draft")),
                                           ("all", _l("All statuses"))]))

    def to_filters(self) -> ChallengeFilters:
        """The valid filters; a field with an error is ignored rather than failing the page."""
        def ok(field):
            return field.data if not field.errors else None

        return ChallengeFilters(
            q=(ok(self.q) or "").strip() or None,
            area=ok(self.area) or None,
            county=ok(self.county) or None,
            trl=ok(self.trl),
            deadline_after=ok(self.deadline_after),
            deadline_before=ok(self.deadline_before),
            status=ok(self.status) or "open",
        )
