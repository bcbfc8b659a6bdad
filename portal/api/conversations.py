"""API routes: the caller's conversations, starting one, and replying."""

from typing import Any

from flask import url_for

from portal.api import bp
from portal.api.auth import (
    AUTH_REQUIRED,
    api_abort,
    error_responses,
    json_body,
    reject_unknown,
    require_user,
)
from portal.db import db
from portal.models import Message
from portal.models.conversation import MESSAGE_MAX_LENGTH
from portal.services import conversations as talks
from portal.services import mail

_JSON = "application/json"


def _link(conversation_id: int) -> str:
    return url_for("conversations.thread", conversation_id=conversation_id, _external=True)


def _message_json(message: Message) -> dict[str, Any]:
    author = message.author
    return {
        "id": message.id,
        "author": {"side": message.side,
                   "name": (author.full_name or author.email) if author is not None else None},
        "body": message.body,
        "sent_at": message.created_at.isoformat() + "Z",
    }


def thread_json(thread: talks.Thread) -> dict[str, Any]:
    """One conversation as the caller may see it (hidden topic: no title, no messages)."""
    conversation = thread.conversation
    challenge, company = conversation.challenge, conversation.company
    return {
        "id": conversation.id,
        "challenge": {"id": challenge.id if thread.topic_visible else None,
                      "title": thread.title,
                      "unit": challenge.unit if thread.topic_visible else None},
        "company": {"id": company.id, "name": company.name},
        "messages": [_message_json(m) for m in thread.messages],
        "unread": thread.unread,
        "closed": thread.closed,
        "last_message_at": conversation.last_message_at.isoformat() + "Z",
    }


def _id(data: dict, name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        api_abort(422, f"{name} must be a positive whole number.", field=name)
    return value


def _body(data: dict) -> str:
    value = data.get("body")
    if not isinstance(value, str):
        api_abort(422, "body must be a string.", field="body")
    try:
        return talks.clean_body(value)
    except talks.ConversationInvalidError as error:
        api_abort(422, str(error), field="body")


def _deliver(posted: talks.Posted) -> None:
    from flask import current_app

    if posted.outbox_ids and mail.smtp_configured(current_app.config):
        mail.deliver(db.session, current_app.config, posted.outbox_ids)
        db.session.commit()


def _posted_thread(posted: talks.Posted) -> dict[str, Any]:
    conversation = posted.conversation
    return thread_json(talks.Thread(conversation=conversation, side=talks.STAFF,
                                    topic_visible=True, messages=list(conversation.messages)))


@bp.get("/conversations")
def list_conversations():
    user = require_user()
    threads = talks.threads_for(db.session, user, with_messages=True)
    return {"items": [thread_json(t) for t in threads]}


@bp.post("/conversations")
def create_conversation():
    user = require_user()
    data = json_body()
    reject_unknown(data, {"challenge_id", "company_id", "body"})
    challenge_id, company_id, body = _id(data, "challenge_id"), _id(data, "company_id"), \
        _body(data)
    try:
        posted = talks.start(db.session, user, challenge_id, company_id, body, link=_link)
    except talks.ConversationNotFoundError as error:
        db.session.rollback()
        api_abort(404, str(error))
    except talks.ConversationInvalidError as error:
        db.session.rollback()
        api_abort(422, str(error))
    result = _posted_thread(posted)
    db.session.commit()
    _deliver(posted)
    return result, 201


@bp.post("/conversations/<int:conversation_id>/messages")
def post_message(conversation_id: int):
    user = require_user()
    data = json_body()
    reject_unknown(data, {"body"})
    body = _body(data)
    try:
        posted = talks.reply(db.session, user, conversation_id, body, link=_link)
    except talks.ConversationNotFoundError as error:
        db.session.rollback()
        api_abort(404, str(error))
    except talks.ConversationInvalidError as error:
        db.session.rollback()
        api_abort(422, str(error))
    result = _message_json(posted.message)
    db.session.commit()
    _deliver(posted)
    return result, 201


# --------------------------------------------------------------------------- OpenAPI
_ID_FIELD = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
_BODY_FIELD = {"type": "string", "minLength": 1, "maxLength": MESSAGE_MAX_LENGTH,
               "description": "Plain text; shown escaped. Surrounding space is stripped."}

SCHEMAS: dict[str, Any] = {
    "Message": {
        "type": "object",
        "required": ["id", "author", "body", "sent_at"],
        "properties": {
            "id": {"type": "integer"},
            "author": {"type": "object", "required": ["side", "name"], "properties": {
                "side": {"type": "string", "enum": [talks.STAFF, talks.COMPANY]},
                "name": {"type": "string", "nullable": True}}},
            "body": {"type": "string"},
            "sent_at": {"type": "string", "format": "date-time"},
        },
    },
    "Conversation": {
        "type": "object",
        "required": ["id", "challenge", "company", "messages", "unread"],
        "properties": {
            "id": {"type": "integer"},
            "challenge": {
                "type": "object", "required": ["id", "title"],
                "description": "For the company side, when the company may no longer see the "
                               "challenge, id and unit are null, the title is a placeholder "
                               "and messages is empty.",
                "properties": {"id": {"type": "integer", "nullable": True},
                               "title": {"type": "string"},
                               "unit": {"type": "string", "nullable": True}}},
            "company": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}}},
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"},
                         "description": "Oldest first."},
            "unread": {"type": "integer", "minimum": 0},
            "closed": {"type": "boolean",
                       "description": "The company may no longer see the challenge: no replies."},
            "last_message_at": {"type": "string", "format": "date-time"},
        },
    },
    "ConversationCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["challenge_id", "company_id", "body"],
        "properties": {"challenge_id": _ID_FIELD, "company_id": _ID_FIELD, "body": _BODY_FIELD},
    },
    "MessageCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {"body": _BODY_FIELD},
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/conversations": {
        "get": {
            "summary": "The caller's conversations, newest activity first, with messages and "
                       "unread counts (administrators: every conversation)",
            "tags": ["conversations"],
            "security": AUTH_REQUIRED,
            "responses": {
                "200": {"description": "Conversations", "content": {_JSON: {"schema": {
                    "type": "object", "required": ["items"], "properties": {"items": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Conversation"}}}}}}},
                **error_responses(401, 403),
            },
        },
        "post": {
            "summary": "Start a conversation with a company about a challenge (its owners, "
                       "organisers of an event it is attached to, administrators); continues "
                       "the existing thread when there is one. A vetted-only challenge needs "
                       "a company with verified clearance (422).",
            "tags": ["conversations"],
            "security": AUTH_REQUIRED,
            "requestBody": {"required": True, "content": {_JSON: {
                "schema": {"$ref": "#/components/schemas/ConversationCreate"}}}},
            "responses": {
                "201": {"description": "The conversation with its messages",
                        "content": {_JSON: {"schema": {
                            "$ref": "#/components/schemas/Conversation"}}}},
                **error_responses(400, 401, 403, 404, 422),
            },
        },
    },
    "/api/v1/conversations/{conversation_id}/messages": {
        "post": {
            "summary": "Reply in a conversation the caller takes part in (404 for anyone else)",
            "tags": ["conversations"],
            "security": AUTH_REQUIRED,
            "parameters": [{"name": "conversation_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}}],
            "requestBody": {"required": True, "content": {_JSON: {
                "schema": {"$ref": "#/components/schemas/MessageCreate"}}}},
            "responses": {
                "201": {"description": "The new message",
                        "content": {_JSON: {"schema": {
                            "$ref": "#/components/schemas/Message"}}}},
                **error_responses(400, 401, 403, 404, 422),
            },
        },
    },
}
