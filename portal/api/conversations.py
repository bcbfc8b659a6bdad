"""API routes: the caller's conversations, starting one, and replying."""

from typing import Any

from flask import url_for

from portal.api import bp
from portal.api.auth import api_abort, json_body, load, require_user
from portal.api.openapi import AUTH_REQUIRED, operation, returns
from portal.db import db
from portal.services import conversations as talks
from portal.services import mail
from portal.services.schemas.components import (
    ConversationCreateSchema,
    ConversationListSchema,
    ConversationPath,
    ConversationSchema,
    MessageCreateSchema,
    MessageSchema,
)

_CONVERSATION = ConversationSchema()
_MESSAGE = MessageSchema()


def _link(conversation_id: int) -> str:
    return url_for("conversations.thread", conversation_id=conversation_id, _external=True)


def thread_json(thread: talks.Thread) -> dict[str, Any]:
    """One conversation as the caller may see it (hidden topic: no title, no messages)."""
    return _CONVERSATION.dump(thread)


def _body(body: str) -> str:
    try:
        return talks.clean_body(body)
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
    data = load(ConversationCreateSchema(), json_body())
    challenge_id, company_id, body = data["challenge_id"], data["company_id"], \
        _body(data["body"])
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
    body = _body(load(MessageCreateSchema(), json_body())["body"])
    try:
        posted = talks.reply(db.session, user, conversation_id, body, link=_link)
    except talks.ConversationNotFoundError as error:
        db.session.rollback()
        api_abort(404, str(error))
    except talks.ConversationInvalidError as error:
        db.session.rollback()
        api_abort(422, str(error))
    result = _MESSAGE.dump(posted.message)
    db.session.commit()
    _deliver(posted)
    return result, 201


# --------------------------------------------------------------------------- OpenAPI
OPERATIONS: dict[str, dict[str, Any]] = {
    "/api/v1/conversations": {
        "get": operation(
            "The caller's conversations, newest activity first, with messages and unread "
            "counts (administrators: every conversation)", ["conversations"],
            security=AUTH_REQUIRED,
            responses={200: returns("Conversations", ConversationListSchema)},
            errors=(401, 403)),
        "post": operation(
            "Start a conversation with a company about a challenge (its owners, organisers of "
            "an event it is attached to, administrators); continues the existing thread when "
            "there is one. A vetted-only challenge needs a company with verified clearance "
            "(422).", ["conversations"], security=AUTH_REQUIRED, body=ConversationCreateSchema,
            responses={201: returns("The conversation with its messages", ConversationSchema)},
            errors=(400, 401, 403, 404, 422)),
    },
    "/api/v1/conversations/{conversation_id}/messages": {
        "post": operation(
            "Reply in a conversation the caller takes part in (404 for anyone else)",
            ["conversations"], security=AUTH_REQUIRED, path=ConversationPath,
            body=MessageCreateSchema, responses={201: returns("The new message", MessageSchema)},
            errors=(400, 401, 403, 404, 422)),
    },
}
