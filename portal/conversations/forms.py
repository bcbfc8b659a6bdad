"""Forms of the message pages."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.models.conversation import MESSAGE_MAX_LENGTH


class MessageForm(FlaskForm):
    """One plain-text message (a reply, or the first message of a conversation)."""

    body = TextAreaField(
        "Message",
        validators=[DataRequired(message="Write a message first."),
                    Length(max=MESSAGE_MAX_LENGTH,
                           message=f"A message can be at most {MESSAGE_MAX_LENGTH} characters.")],
        description=f"Plain text, up to {MESSAGE_MAX_LENGTH} characters. The other side gets a "
                    "notification and an e-mail without the text.",
        render_kw={"rows": 6, "maxlength": MESSAGE_MAX_LENGTH},
    )


class StartForm(MessageForm):
    """The first message of a conversation with a company about a challenge."""

    company_id = HiddenField()
