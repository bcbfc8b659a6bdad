"""Conversations and messages: the API's input and output."""

from typing import Any

from marshmallow import fields, pre_dump, validate

from portal.models import Message
from portal.models.conversation import MESSAGE_MAX_LENGTH
from portal.services.conversations import COMPANY, STAFF, Thread
from portal.services.schemas.base import Output, Strict, WholeNumber, choice
from portal.services.schemas.matches import CompanyRefSchema

_ID = validate.Range(min=1, max=2**31 - 1)


class AuthorSchema(Output):
    side = choice([STAFF, COMPANY], required=True)
    name = fields.String(required=True, allow_none=True)


class MessageSchema(Output):
    id = fields.Integer(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    body = fields.String(required=True)
    sent_at = fields.String(required=True, metadata={"format": "date-time"})

    @pre_dump
    def _row(self, message: Message, **kwargs: Any) -> dict[str, Any]:
        author = message.author
        return {"id": message.id,
                "author": {"side": message.side,
                           "name": (author.full_name or author.email)
                           if author is not None else None},
                "body": message.body,
                "sent_at": message.created_at.isoformat() + "Z"}


class TopicSchema(Output):
    id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    unit = fields.String(allow_none=True)


class ConversationSchema(Output):
    """One conversation as the caller may see it (hidden topic: no title, no messages)."""

    id = fields.Integer(required=True)
    challenge = fields.Nested(TopicSchema, required=True, metadata={
        "description": "For the company side, when the company may no longer see the "
                       "challenge, id and unit are null, the title is a placeholder and "
                       "messages is empty."})
    company = fields.Nested(CompanyRefSchema, required=True)
    messages = fields.List(fields.Nested(MessageSchema), required=True,
                           metadata={"description": "Oldest first."})
    unread = fields.Integer(required=True, validate=validate.Range(min=0))
    closed = fields.Boolean(metadata={
        "description": "The company may no longer see the challenge: no replies."})
    last_message_at = fields.String(metadata={"format": "date-time"})

    @pre_dump
    def _thread(self, thread: Thread, **kwargs: Any) -> dict[str, Any]:
        conversation = thread.conversation
        challenge = conversation.challenge
        return {"id": conversation.id,
                "challenge": {"id": challenge.id if thread.topic_visible else None,
                              "title": thread.title,
                              "unit": challenge.unit if thread.topic_visible else None},
                "company": conversation.company,
                "messages": thread.messages,
                "unread": thread.unread,
                "closed": thread.closed,
                "last_message_at": conversation.last_message_at.isoformat() + "Z"}


class ConversationListSchema(Output):
    items = fields.List(fields.Nested(ConversationSchema), required=True)


def _body(**kwargs: Any) -> fields.String:
    # The conversations service cleans the text (line ends, stripping) and checks its length
    # after cleaning (:func:`portal.services.conversations.clean_body`).
    return fields.String(metadata={
        "minLength": 1, "maxLength": MESSAGE_MAX_LENGTH,
        "description": "Plain text; shown escaped. Surrounding space is stripped."}, **kwargs)


class MessageCreateSchema(Strict):
    body = _body(required=True)


class ConversationCreateSchema(Strict):
    challenge_id = WholeNumber(required=True, validate=_ID)
    company_id = WholeNumber(required=True, validate=_ID)
    body = _body(required=True)


class ConversationPath(Output):
    conversation_id = fields.Integer(required=True, validate=validate.Range(min=1))
