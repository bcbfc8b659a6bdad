"""Forms of the message pages."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm
from portal.models.conversation import MESSAGE_MAX_LENGTH


class MessageForm(PortalForm):
    """One plain-text message (a reply, or the first message of a conversation)."""

    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(message=_l("Write a message first.")),
                    Length(max=MESSAGE_MAX_LENGTH,
                           message=_l("A message can be at most %(max)d characters.",
                                      max=MESSAGE_MAX_LENGTH))],
        description=_l("Plain text, up to %(max)d characters. The other side gets a "
                       "notification and an e-mail without the text.", max=MESSAGE_MAX_LENGTH),
        render_kw={"rows": 6, "maxlength": MESSAGE_MAX_LENGTH},
    )


class StartForm(MessageForm):
    """The first message of a conversation with a company about a challenge."""

    company_id = HiddenField()
