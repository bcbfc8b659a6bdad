"""Forms for regional cluster events. Every form is a PortalForm (a FlaskForm): POSTs carry CSRF."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.forms import PortalForm
from portal.models.enums import COUNTIES, EventStatus, MeetingOutcome, lazy_label
from portal.services.events import DEFAULT_MIN_FIT, DEFAULT_TOP_N, MAX_TOP_N


class EventForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("E.g. “Trøndelag defence innovation day”."))
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=5000)],
        description=_l("Who should come, what to expect, practical details."))
    county = SelectField(_l("County (region)"), choices=[(c, c) for c in COUNTIES],
                         validators=[DataRequired()],
                         description=_l("Companies from this county get the regional boost."))
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    date = DateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Meetings start"), validators=[DataRequired()])
    end_time = TimeField(_l("Meetings end"), validators=[DataRequired()])
    meeting_minutes = IntegerField(
        _l("Meeting length (minutes)"), default=20,
        validators=[InputRequired(), NumberRange(5, 240)])
    tables = IntegerField(_l("Number of meeting tables"), default=10,
                          validators=[InputRequired(), NumberRange(1, 500)])
    regional_boost = DecimalField(
        _l("Regional boost"), default=0.1, places=2,
        validators=[InputRequired(), NumberRange(0, 0.3)],
        description=_l("0 to 0.3 (up to 30 points), added to the fit of companies in the "
                       "event's county to order the proposals; it never makes a company that "
                       "does not fit a proposal."))

    # Editing an event that already took place must not force its date forward.
    allow_past = False

    def validate_date(self, field):
        if field.data and field.data < date.today() and not self.allow_past:
            raise ValidationError(_l("Choose a date that is not in the past."))

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("Meetings must end after they start."))
        if (self.start_time.data and field.data and self.meeting_minutes.data
                and isinstance(self.meeting_minutes.data, int)):
            start = self.start_time.data.hour * 60 + self.start_time.data.minute
            end = field.data.hour * 60 + field.data.minute
            if end - start < self.meeting_minutes.data:
                raise ValidationError(_l("There must be room for at least one meeting."))

    def event_fields(self) -> dict:
        return {
            "name": self.name.data.strip(), "description": (self.description.data or "").strip(),
            "county": self.county.data, "venue": self.venue.data.strip(), "date": self.date.data,
            "start_time": self.start_time.data, "end_time": self.end_time.data,
            "meeting_minutes": self.meeting_minutes.data, "tables": self.tables.data,
            "regional_boost": float(self.regional_boost.data),
        }


class WindowMixin:
    def validate_available_until(self, field):
        if self.available_from.data and field.data and field.data <= self.available_from.data:
            raise ValidationError(_l("The window must end after it starts."))


class AttachChallengeForm(WindowMixin, PortalForm):
    challenge_id = SelectField(_l("Challenge"), coerce=int, validators=[DataRequired()],
                               description=_l("Open challenges you may see."))
    available_from = TimeField(_l("Owner available from"), validators=[Optional()],
                               description=_l("Leave empty if the owner can meet all day."))
    available_until = TimeField(_l("Owner available until"), validators=[Optional()])


class RegistrationForm(WindowMixin, PortalForm):
    available_from = TimeField(_l("Available from"), validators=[Optional()],
                               description=_l("Optional: when your people can meet."))
    available_until = TimeField(_l("Available until"), validators=[Optional()])


class StatusForm(PortalForm):
    status = HiddenField(validators=[AnyOf([s.value for s in EventStatus])])


class MatchmakingForm(PortalForm):
    top_n = IntegerField(
        _l("Companies per challenge"), default=DEFAULT_TOP_N,
        validators=[InputRequired(), NumberRange(1, MAX_TOP_N)],
        description=_l("The best companies that may see each challenge are proposed."))
    min_fit = IntegerField(
        _l("Minimum fit (0-100)"), default=round(DEFAULT_MIN_FIT * 100),
        validators=[Optional(), NumberRange(0, 100)],
        description=_l("A company is proposed only when its fit reaches this before the "
                       "regional boost: the boost orders companies that fit, it never adds one."))


class PairActionForm(PortalForm):
    action = HiddenField(validators=[AnyOf(["lock", "remove", "restore"])])


class DecisionForm(PortalForm):
    decision = HiddenField(validators=[AnyOf(["accept", "decline"])])


class RequestMeetingForm(PortalForm):
    challenge_id = SelectField(_l("Challenge"), coerce=int, validators=[DataRequired()])


class RatingForm(PortalForm):
    outcome = SelectField(
        _l("Outcome"), choices=[(o.value, lazy_label(o.value)) for o in MeetingOutcome],
        validators=[DataRequired()])


class ButtonForm(PortalForm):
    """A POST with nothing but its CSRF token (send invitations, schedule, confirm...)."""
