"""Message pages: the inbox, one thread, replies, and starting a conversation."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.conversations.forms import MessageForm, StartForm
from portal.db import MAX_ID, db
from portal.models import Challenge, Company, Conversation, User
from portal.models.enums import Role
from portal.params import ascii_int
from portal.services import conversations as talks
from portal.services import mail

bp = Blueprint("conversations", __name__)


@bp.before_request
@login_required
def _login_first():
    return None


def _viewer() -> User:
    return current_user._get_current_object()


def thread_link(conversation_id: int) -> str:
    """Absolute URL of a thread, for e-mails."""
    return url_for("conversations.thread", conversation_id=conversation_id, _external=True)


def _deliver(posted: talks.Posted) -> None:
    """Send the queued e-mails once the message is committed (SMTP configured only)."""
    if posted.outbox_ids and mail.smtp_configured(current_app.config):
        mail.deliver(db.session, current_app.config, posted.outbox_ids)
        db.session.commit()


@bp.get("/messages")
def index():
    user = _viewer()
    return render_template("conversations/index.html",
                           threads=talks.threads_for(db.session, user),
                           oversight=user.role == Role.ADMIN)


def _thread_page(thread: talks.Thread, form: MessageForm):
    return render_template("conversations/thread.html", thread=thread, form=form)


@bp.get("/messages/<int:conversation_id>")
def thread(conversation_id: int):
    user = _viewer()
    try:
        found = talks.thread_for(db.session, user, conversation_id)
    except talks.ConversationNotFoundError:
        abort(404)
    talks.mark_read(db.session, user, found)
    db.session.commit()
    return _thread_page(found, MessageForm(formdata=None))


@bp.post("/messages/<int:conversation_id>")
def reply(conversation_id: int):
    user = _viewer()
    form = MessageForm()
    try:
        found = talks.thread_for(db.session, user, conversation_id)
    except talks.ConversationNotFoundError:
        abort(404)
    if not form.validate_on_submit():
        db.session.commit()  # an administrator's read is still audit-logged
        return _thread_page(found, form)
    try:
        posted = talks.reply(db.session, user, conversation_id, form.body.data, link=thread_link)
    except talks.ConversationInvalidError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".thread", conversation_id=conversation_id))
    db.session.commit()
    _deliver(posted)
    flash(_("Message sent."), "success")
    return redirect(url_for(".thread", conversation_id=conversation_id,
                            _anchor=f"message-{posted.message.id}"))


def _start_target(challenge_id: int, company_id: str | None) -> tuple[Challenge, Company]:
    """The challenge the viewer may start conversations about, and the company (404 else)."""
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not talks.may_start(db.session, _viewer(), challenge):
        abort(404)
    wanted = ascii_int(company_id)
    company = db.session.get(Company, wanted) if wanted is not None and wanted <= MAX_ID else None
    if company is None:
        abort(404)
    return challenge, company


@bp.route("/challenges/<int:challenge_id>/conversations/new", methods=["GET", "POST"])
def start(challenge_id: int):
    user = _viewer()
    form = StartForm()
    company_id = form.company_id.data if request.method == "POST" else request.args.get("company")
    challenge, company = _start_target(challenge_id, company_id)
    existing = db.session.scalar(select(Conversation).where(
        Conversation.challenge_id == challenge.id, Conversation.company_id == company.id))
    if existing is not None and request.method == "GET":
        return redirect(url_for(".thread", conversation_id=existing.id))
    problem = None
    if not talks.company_sees_challenge(company, challenge):
        problem = (_("This challenge is for vetted companies only, and this company's "
                     "clearance has not been verified.") if challenge.visibility == "vetted" and
                   not company.clearance_verified else
                   _("The company cannot see this challenge yet: publish it first."))
    if request.method == "POST" and form.validate_on_submit():
        try:
            posted = talks.start(db.session, user, challenge.id, company.id, form.body.data,
                                 link=thread_link)
        except talks.ConversationNotFoundError:
            abort(404)
        except talks.ConversationInvalidError as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            _deliver(posted)
            flash(_("Message sent to %(company)s.", company=company.name), "success")
            return redirect(url_for(".thread", conversation_id=posted.conversation.id))
    if request.method == "GET":
        form.company_id.data = str(company.id)
    return render_template("conversations/start.html", form=form, challenge=challenge,
                           company=company, problem=problem)
