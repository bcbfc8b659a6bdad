"""Forms of the match pages: filters, shortlist, feedback, and area suggestions."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PortalForm
from portal.models.enums import COUNTIES
from portal.services.schemas.feedback import COMMENT_MAX_LENGTH, VERDICTS

TRL_CHOICES = [("", _l("Any TRL"))] + [(str(level), _l("TRL %(level)d or higher", level=level))
                                        for level in range(1, 10)]


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # left as text so the choice validator names the field


class MatchFilterForm(PortalForm):
    """Filters of the ranked companies (GET; no CSRF token needed for a read)."""

    class Meta:
        csrf = False

    county = SelectField(_l("County"),
                         choices=[("", _l("Any county"))] + [(c, c) for c in COUNTIES],
                         validators=[Optional()])
    min_trl = SelectField(_l("Minimum TRL"), choices=TRL_CHOICES, coerce=_optional_int,
                          validators=[Optional()])
    vetted_only = BooleanField(_l("Verified clearance only"))
    shortlisted = BooleanField(_l("Shortlisted only"))
    interested = BooleanField(_l("Expressed interest"))

    def values(self) -> dict:
        """The valid filters as keyword arguments of ``rank_companies`` (invalid ones dropped)."""
        county = self.county.data if self.county.data and not self.county.errors else None
        min_trl = self.min_trl.data if isinstance(self.min_trl.data, int) and \
            not self.min_trl.errors else None
        return {"county": county, "min_trl": min_trl, "vetted_only": bool(self.vetted_only.data)}

    def as_args(self) -> dict[str, str]:
        """The valid filters as query-string arguments (for links and redirects)."""
        values = self.values()
        args = {}
        if values["county"]:
            args["county"] = values["county"]
        if values["min_trl"] is not None:
            args["min_trl"] = str(values["min_trl"])
        if values["vetted_only"]:
            args["vetted_only"] = "y"
        if self.shortlisted.data:
            args["shortlisted"] = "y"
        if self.interested.data:
            args["interested"] = "y"
        return args

    @property
    def narrowing(self) -> bool:
        """Whether a filter keeps only shortlisted or interested companies."""
        return bool(self.shortlisted.data or self.interested.data)


class ShortlistForm(PortalForm):
    """Button-only form: toggles a company on the challenge's shortlist."""


class FeedbackForm(PortalForm):
    """Relevant / not relevant, with an optional comment."""

    verdict = StringField(_l("Verdict"), validators=[AnyOf(VERDICTS,
                                                       message=_l("Choose relevant or not "
                                                                  "relevant."))])
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Optional(), Length(max=COMMENT_MAX_LENGTH)],
                            description=_l("Why is this company a good or poor fit? Only staff see "
                                        "it; it helps tune the matcher."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AreaSuggestionForm(PortalForm):
    """Accept or reject each suggested technology area."""

    accept = MultiCheckboxField(_l("Accept"), validators=[Optional()])
    reject = MultiCheckboxField(_l("Reject"), validators=[Optional()])

    def validate_accept(self, field) -> None:
        both = set(field.data or ()) & set(self.reject.data or ())
        if both:
            raise ValidationError(_l("An area cannot be both accepted and rejected."))
