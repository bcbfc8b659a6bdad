"""Conversations: a challenge's owners (or an organiser of an event it is attached to) and a
company, talking about that challenge.

Who takes part:

* the staff side: military users of the challenge's unit, organisers of an event the challenge
  is attached to, and administrators (who may read every thread; each of their reads is
  audit-logged);
* the company side: the approved SME users of the company.

Visibility follows the challenge: a conversation about a vetted-only challenge can only be
with a company whose clearance is verified, and when the company can no longer see the
challenge (vetting revoked, challenge back to draft) its users no longer see the challenge's
title or the thread's messages, and neither side can write in it. Nothing is ever deleted.

Services take a session, never commit, and raise :class:`ConversationError` subclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased, selectinload
from sqlalchemy.sql.elements import ColumnElement

from portal.db import utcnow
from portal.i18n import recipient_locale
from portal.models import (
    Challenge,
    Company,
    Conversation,
    ConversationRead,
    Event,
    EventChallenge,
    Message,
    OutboxMessage,
    User,
)
from portal.models.conversation import MESSAGE_MAX_LENGTH
from portal.models.enums import AccountStatus, Role, Visibility
from portal.services import audit, mail
from portal.services.access import PUBLISHED, can_edit_challenge, can_see_challenge
from portal.services.errors import DomainError, Invalid, NotFound
from portal.services.notifications import notify

STAFF = "staff"
COMPANY = "company"
HIDDEN_TOPIC = "A challenge no longer available to your company"


class ConversationError(DomainError):
    """Base of the conversation errors; the message is fit to show the user."""


class ConversationNotFoundError(ConversationError, NotFound):
    """No such conversation, challenge or company, or the user may not see it."""


class ConversationInvalidError(ConversationError, Invalid):
    """The request is understood but not allowed as it stands (message, vetting, state)."""


@dataclass
class Thread:
    """One conversation as ``viewer`` may see it."""

    conversation: Conversation
    side: str | None  # STAFF, COMPANY, or None for an administrator reading for oversight
    topic_visible: bool  # False: the company side may not see the challenge (nor the messages)
    messages: list[Message] = field(default_factory=list)
    unread: int = 0
    closed: bool = False  # the company may no longer see the challenge: no more replies

    @property
    def title(self) -> str:
        return self.conversation.challenge.title if self.topic_visible else HIDDEN_TOPIC

    @property
    def can_reply(self) -> bool:
        return self.side is not None and not self.closed


@dataclass
class Posted:
    """What a new message caused: the message and the outbox e-mails to deliver after commit."""

    conversation: Conversation
    message: Message
    created: bool
    outbox_ids: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------- rules
def clean_body(body: str | None) -> str:
    """The message text: plain text, stripped, 1 to MESSAGE_MAX_LENGTH characters.

    Raises:
        ConversationInvalidError: empty or too long.
    """
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not text:
        raise ConversationInvalidError(_l("Write a message first."))
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ConversationInvalidError(
            _l("A message can be at most %(max)d characters.", max=MESSAGE_MAX_LENGTH))
    return text


def company_sees_challenge(company: Company, challenge: Challenge) -> bool:
    """Whether the company's users may see the challenge (published; vetted-only needs a
    verified clearance)."""
    if challenge.status not in PUBLISHED:
        return False
    return challenge.visibility != Visibility.VETTED or bool(company.clearance_verified)


def _organises_event_of(session: Session, user: User, challenge_id: int) -> bool:
    return bool(session.scalar(select(exists().where(
        EventChallenge.challenge_id == challenge_id,
        EventChallenge.event_id == Event.id,
        Event.organiser_id == user.id,
    ))))


def is_staff_participant(session: Session, user: User, challenge: Challenge) -> bool:
    """The challenge's unit (military), administrators, or an organiser of an event the
    challenge is attached to."""
    if not user.is_approved:
        return False
    if can_edit_challenge(user, challenge):
        return True
    return user.role == Role.ORGANISER and _organises_event_of(session, user, challenge.id)


def side_of(session: Session, user: User, conversation: Conversation) -> str | None:
    """STAFF or COMPANY when ``user`` takes part in the conversation, else None."""
    if not user.is_approved:
        return None
    if user.role == Role.SME:
        return COMPANY if user.company_id == conversation.company_id else None
    if is_staff_participant(session, user, conversation.challenge):
        return STAFF
    return None


# --------------------------------------------------------------------------- reads
def _staff_clause(user: User) -> ColumnElement[bool]:
    """SQL condition on Conversation (joined with Challenge) for a staff user's threads."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.MILITARY:
        return Challenge.unit == user.unit if user.unit else false()
    if user.role == Role.ORGANISER:
        return Conversation.challenge_id.in_(
            select(EventChallenge.challenge_id).join(Event, EventChallenge.event_id == Event.id)
            .where(Event.organiser_id == user.id))
    return false()


def _company_topic_clause() -> ColumnElement[bool]:
    """SQL condition (Challenge and Company joined): the company may see the challenge."""
    return and_(Challenge.status.in_(PUBLISHED),
                or_(Challenge.visibility != Visibility.VETTED,
                    Company.clearance_verified.is_(True)))


def _unread_counts(session: Session, user: User, side: str,
                   conversation_ids: list[int]) -> dict[int, int]:
    if not conversation_ids:
        return {}
    last_read = (select(ConversationRead.last_read_message_id)
                 .where(ConversationRead.conversation_id == Message.conversation_id,
                        ConversationRead.user_id == user.id)
                 .correlate(Message).scalar_subquery())
    rows = session.execute(
        select(Message.conversation_id, func.count(Message.id))
        .where(Message.conversation_id.in_(conversation_ids), Message.side != side,
               Message.id > func.coalesce(last_read, 0))
        .group_by(Message.conversation_id))
    return {conversation_id: count for conversation_id, count in rows}


def _listing_side(user: User) -> str | None:
    if not user.is_approved:
        return None
    return COMPANY if user.role == Role.SME else STAFF


def threads_for(session: Session, user: User, *, with_messages: bool = False) -> list[Thread]:
    """The user's conversations, newest activity first, with unread counts.

    Administrators get every conversation (oversight). For the company side a thread whose
    challenge the company may no longer see keeps its place but shows neither title nor
    messages, and counts no unread messages.
    """
    side = _listing_side(user)
    if side is None:
        return []
    query = (select(Conversation).join(Challenge, Conversation.challenge_id == Challenge.id)
             .join(Company, Conversation.company_id == Company.id))
    if side == COMPANY:
        if user.company_id is None:
            return []
        query = query.where(Conversation.company_id == user.company_id)
    else:
        query = query.where(_staff_clause(user))
    options = [selectinload(Conversation.challenge), selectinload(Conversation.company)]
    if with_messages:
        options.append(selectinload(Conversation.messages).selectinload(Message.author))
    conversations = list(session.scalars(
        query.options(*options)
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())))
    unread = _unread_counts(session, user, side, [c.id for c in conversations])
    threads = []
    for conversation in conversations:
        closed = not company_sees_challenge(conversation.company, conversation.challenge)
        visible = side == STAFF or not closed
        thread = Thread(conversation=conversation, side=side, topic_visible=visible,
                        closed=closed, unread=unread.get(conversation.id, 0) if visible else 0)
        if with_messages and visible:
            thread.messages = list(conversation.messages)
        threads.append(thread)
    return threads


def unread_total(session: Session, user: User) -> int:
    """Unread messages across the user's conversations (one statement; for the header).

    Administrators count only conversations they started or wrote in: oversight of every
    thread is not a personal inbox.
    """
    side = _listing_side(user)
    if side is None or (side == COMPANY and user.company_id is None):
        return 0
    last_read = (select(ConversationRead.last_read_message_id)
                 .where(ConversationRead.conversation_id == Message.conversation_id,
                        ConversationRead.user_id == user.id)
                 .correlate(Message).scalar_subquery())
    query = (select(func.count(Message.id))
             .join(Conversation, Message.conversation_id == Conversation.id)
             .join(Challenge, Conversation.challenge_id == Challenge.id)
             .join(Company, Conversation.company_id == Company.id)
             .where(Message.side != side, Message.id > func.coalesce(last_read, 0)))
    if side == COMPANY:
        query = query.where(Conversation.company_id == user.company_id, _company_topic_clause())
    elif user.role == Role.ADMIN:
        written = aliased(Message)
        mine = (select(written.id).where(written.conversation_id == Conversation.id,
                                         written.author_id == user.id)
                .correlate(Conversation).exists())
        query = query.where(or_(Conversation.started_by_id == user.id, mine))
    else:
        query = query.where(_staff_clause(user))
    return session.scalar(query) or 0


def thread_for(session: Session, user: User, conversation_id: int) -> Thread:
    """One conversation with its messages, as ``user`` may see it.

    An administrator who is not otherwise a participant reads it for oversight; every
    administrator read is audit-logged.

    Raises:
        ConversationNotFoundError: no such conversation, or ``user`` takes no part in it.
    """
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFoundError("No such conversation.")
    side = side_of(session, user, conversation)
    if side is None:
        raise ConversationNotFoundError("No such conversation.")
    if user.role == Role.ADMIN:
        audit.record(session, "conversation_read", actor=user, target=conversation,
                     details={"challenge_id": conversation.challenge_id,
                              "company_id": conversation.company_id})
    closed = not company_sees_challenge(conversation.company, conversation.challenge)
    visible = side == STAFF or not closed
    thread = Thread(conversation=conversation, side=side, topic_visible=visible, closed=closed)
    if visible:
        thread.messages = list(conversation.messages)
    return thread


def mark_read(session: Session, user: User, thread: Thread) -> None:
    """Remember that ``user`` has seen every message of ``thread`` shown to them."""
    if not thread.messages:
        return
    newest = thread.messages[-1].id
    mark = session.get(ConversationRead, (thread.conversation.id, user.id))
    if mark is None:
        session.add(ConversationRead(conversation_id=thread.conversation.id, user_id=user.id,
                                     last_read_message_id=newest))
    elif mark.last_read_message_id < newest:
        mark.last_read_message_id = newest
        mark.read_at = utcnow()


def company_ids_with_conversation(session: Session, challenge: Challenge) -> set[int]:
    """Ids of the companies that already have a conversation about ``challenge``."""
    return set(session.scalars(select(Conversation.company_id).where(
        Conversation.challenge_id == challenge.id)))


# --------------------------------------------------------------------------- writes
def may_start(session: Session, user: User, challenge: Challenge) -> bool:
    """Whether ``user`` may start conversations about ``challenge``."""
    return (user.is_approved and user.role != Role.SME and can_see_challenge(user, challenge)
            and is_staff_participant(session, user, challenge))


def start(session: Session, user: User, challenge_id: int, company_id: int, body: str, *,
          link: Callable[[int], str] | None = None) -> Posted:
    """Start a conversation about a challenge with a company (or continue the existing one:
    there is one thread per challenge and company).

    Args:
        session: database session.
        user: the challenge's owner, an organiser of an event it is attached to, or an admin.
        challenge_id: the challenge the conversation is about.
        company_id: the company to talk to.
        body: the first message (plain text).
        link: absolute URL of a thread by id, for the e-mail (relative path when None).

    Raises:
        ConversationNotFoundError: unknown challenge or company, or the user may not start
            conversations about the challenge.
        ConversationInvalidError: a vetted-only challenge and an unvetted company, a challenge
            the company cannot see (a draft), or a bad message.
    """
    text = clean_body(body)
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or not may_start(session, user, challenge):
        raise ConversationNotFoundError("No such challenge.")
    company = session.get(Company, company_id)
    if company is None:
        raise ConversationNotFoundError("No such company.")
    if challenge.visibility == Visibility.VETTED and not company.clearance_verified:
        raise ConversationInvalidError(
            _l("This challenge is for vetted companies only: the company's clearance has not "
               "been verified."))
    if not company_sees_challenge(company, challenge):
        raise ConversationInvalidError(
            _l("The company cannot see this challenge yet: publish it first."))
    conversation = session.scalar(select(Conversation).where(
        Conversation.challenge_id == challenge.id, Conversation.company_id == company.id))
    created = conversation is None
    if conversation is None:
        conversation = Conversation(challenge=challenge, company=company, started_by_id=user.id)
        session.add(conversation)
        session.flush()
        audit.record(session, "conversation_start", actor=user, target=conversation,
                     details={"challenge_id": challenge.id, "company_id": company.id})
    posted = _post(session, user, conversation, STAFF, text, link=link)
    posted.created = created
    return posted


def reply(session: Session, user: User, conversation_id: int, body: str, *,
          link: Callable[[int], str] | None = None) -> Posted:
    """Add a message to a conversation the user takes part in.

    Raises:
        ConversationNotFoundError: no such conversation, or the user takes no part in it.
        ConversationInvalidError: the company may no longer see the challenge, or a bad
            message.
    """
    text = clean_body(body)
    conversation = session.get(Conversation, conversation_id)
    side = side_of(session, user, conversation) if conversation is not None else None
    if conversation is None or side is None:
        raise ConversationNotFoundError("No such conversation.")
    if not company_sees_challenge(conversation.company, conversation.challenge):
        raise ConversationInvalidError(
            _l("This conversation is closed: the company can no longer see its challenge."))
    return _post(session, user, conversation, side, text, link=link)


def _recipients(session: Session, conversation: Conversation, side: str,
                author: User) -> list[User]:
    if side == STAFF:
        users = session.scalars(select(User).where(
            User.company_id == conversation.company_id, User.role == Role.SME,
            User.status == AccountStatus.ACTIVE).order_by(User.id))
    else:
        ids = {conversation.challenge.owner_id, conversation.started_by_id}
        ids |= set(session.scalars(select(Message.author_id).where(
            Message.conversation_id == conversation.id, Message.side == STAFF)))
        ids.discard(None)
        users = session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))
    return [u for u in users if u.id != author.id and u.is_approved
            and (side == COMPANY or u.company_id == conversation.company_id)
            and (side == STAFF or is_staff_participant(session, u, conversation.challenge))]


def _post(session: Session, user: User, conversation: Conversation, side: str, text: str, *,
          link: Callable[[int], str] | None) -> Posted:
    message = Message(conversation=conversation, author_id=user.id, side=side, body=text)
    session.add(message)
    session.flush()
    conversation.last_message_at = message.created_at
    mark = session.get(ConversationRead, (conversation.id, user.id))
    if mark is None:
        session.add(ConversationRead(conversation_id=conversation.id, user_id=user.id,
                                     last_read_message_id=message.id))
    else:
        mark.last_read_message_id = message.id
    audit.record(session, "message_send", actor=user, target=message,
                 details={"conversation_id": conversation.id, "side": side})
    path = f"/messages/{conversation.id}"
    url = link(conversation.id) if link is not None else path
    challenge, company = conversation.challenge, conversation.company
    sender = challenge.unit if side == STAFF else company.name
    note = _l("New message from %(sender)s about “%(title)s”.", sender=sender,
              title=challenge.title)
    outbox: list[OutboxMessage] = []
    for recipient in _recipients(session, conversation, side, user):
        notify(session, recipient, note, path)
        # The e-mail carries no message text: the thread stays behind the portal's login.
        # It is written in the recipient's language, like the notification.
        with force_locale(recipient_locale(recipient)):
            subject = gettext("New message: %(title)s", title=challenge.title)
            body = "\n".join([
                gettext("Hello %(name)s,", name=recipient.full_name or recipient.email), "",
                gettext("%(sender)s sent you a message about the challenge “%(title)s”.",
                        sender=sender, title=challenge.title), "",
                gettext("Read it and reply in the portal: %(link)s", link=url), "",
                gettext("SME Challenge Portal"),
            ])
        outbox.append(mail.queue(session, recipient=recipient.email, subject=subject,
                                 body=body))
    session.flush()
    return Posted(conversation=conversation, message=message, created=False,
                  outbox_ids=[m.id for m in outbox])
