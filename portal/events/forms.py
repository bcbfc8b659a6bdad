"""Forms for regional cluster events. Every form is a FlaskForm, so every POST carries CSRF."""

from datetime import date

from flask_wtf import FlaskForm
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

from portal.models.enums import COUNTIES, EventStatus, MeetingOutcome, label
from portal.services.events import DEFAULT_MIN_FIT, DEFAULT_TOP_N, MAX_TOP_N


class EventForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)],
                       description="E.g. “Trøndelag defence innovation day”.")
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=5000)],
        description="Who should come, what to expect, practical details.")
    county = SelectField("County (region)", choices=[(c, c) for c in COUNTIES],
                         validators=[DataRequired()],
                         description="Companies from this county get the regional boost.")
    venue = StringField("Venue", validators=[DataRequired(), Length(max=200)])
    date = DateField("Date", validators=[DataRequired()])
    start_time = TimeField("Meetings start", validators=[DataRequired()])
    end_time = TimeField("Meetings end", validators=[DataRequired()])
    meeting_minutes = IntegerField(
        "Meeting length (minutes)", default=20, validators=[InputRequired(), NumberRange(5, 240)])
    tables = IntegerField("Number of meeting tables", default=10,
                          validators=[InputRequired(), NumberRange(1, 500)])
    regional_boost = DecimalField(
        "Regional boost", default=0.1, places=2,
        validators=[InputRequired(), NumberRange(0, 0.3)],
        description="0 to 0.3, added to the match score of companies in the event's county "
                    "(shown as “event region” in every explanation).")

    # Editing an event that already took place must not force its date forward.
    allow_past = False

    def validate_date(self, field):
        if field.data and field.data < date.today() and not self.allow_past:
            raise ValidationError("Choose a date that is not in the past.")

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("Meetings must end after they start.")
        if (self.start_time.data and field.data and self.meeting_minutes.data
                and isinstance(self.meeting_minutes.data, int)):
            start = self.start_time.data.hour * 60 + self.start_time.data.minute
            end = field.data.hour * 60 + field.data.minute
            if end - start < self.meeting_minutes.data:
                raise ValidationError("There must be room for at least one meeting.")

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
            raise ValidationError("The window must end after it starts.")


class AttachChallengeForm(WindowMixin, FlaskForm):
    challenge_id = SelectField("Challenge", coerce=int, validators=[DataRequired()],
                               description="Open challenges you may see.")
    available_from = TimeField("Owner available from", validators=[Optional()],
                               description="Leave empty if the owner can meet all day.")
    available_until = TimeField("Owner available until", validators=[Optional()])


class RegistrationForm(WindowMixin, FlaskForm):
    available_from = TimeField("Available from", validators=[Optional()],
                               description="Optional: when your people can meet.")
    available_until = TimeField("Available until", validators=[Optional()])


class StatusForm(FlaskForm):
    status = HiddenField(validators=[AnyOf([s.value for s in EventStatus])])


class MatchmakingForm(FlaskForm):
    top_n = IntegerField(
        "Companies per challenge", default=DEFAULT_TOP_N,
        validators=[InputRequired(), NumberRange(1, MAX_TOP_N)],
        description="The best companies that may see each challenge are proposed.")
    min_fit = IntegerField(
        "Minimum fit (0-100)", default=round(DEFAULT_MIN_FIT * 100),
        validators=[Optional(), NumberRange(0, 100)],
        description="A company is proposed only when its fit reaches this before the "
                    "regional boost: the boost orders companies that fit, it never adds one.")


class PairActionForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(["lock", "remove", "restore"])])


class DecisionForm(FlaskForm):
    decision = HiddenField(validators=[AnyOf(["accept", "decline"])])


class RequestMeetingForm(FlaskForm):
    challenge_id = SelectField("Challenge", coerce=int, validators=[DataRequired()])


class RatingForm(FlaskForm):
    outcome = SelectField(
        "Outcome", choices=[(o.value, label(o.value)) for o in MeetingOutcome],
        validators=[DataRequired()])


class ButtonForm(FlaskForm):
    """A POST with nothing but its CSRF token (send invitations, schedule, confirm...)."""
