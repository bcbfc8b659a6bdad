"""Event pages: list, detail, organiser tools (challenges, matchmaking, invitations, schedule,
outbox, exports, dashboard), company registration, invitations and requests, ratings."""

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.db import db
from portal.downloads import attachment
from portal.events.forms import (
    AttachChallengeForm,
    ButtonForm,
    DecisionForm,
    EventForm,
    MatchmakingForm,
    PairActionForm,
    RatingForm,
    RegistrationForm,
    RequestMeetingForm,
    StatusForm,
)
from portal.models import OutboxMessage, User
from portal.models.enums import label
from portal.params import ascii_int
from portal.services import coverage, mail
from portal.services import events as service
from portal.services.events import DEFAULT_TOP_N, EventError

bp = Blueprint("events", __name__, url_prefix="/events")


def _user() -> User:
    return current_user._get_current_object()


def organiser_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not service.can_organise(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _managed(event_id: int):
    return service.get_event_for(db.session, _user(), event_id, manage=True)


def _back(event_id: int, endpoint: str = "events.detail"):
    return redirect(url_for(endpoint, event_id=event_id))

def _apply(action, success: str) -> bool:
    """Run one service call: commit and flash ``success``, or roll back and flash the rule it
    broke."""
    try:
        action()
    except EventError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True



def _send(export: service.ExportFile):
    return attachment(export.data, export.filename, export.mimetype)


# Lists and detail -----------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    user = _user()
    events = service.visible_events(db.session, user)
    return render_template("events/index.html", events=events,
                           challenge_counts={e.id: service.visible_challenge_count(user, e)
                                             for e in events},
                           can_create=service.can_organise(current_user))


@bp.get("/dashboard")
@organiser_required
def dashboard():
    # On the pages' 0-100 scale, as every score is shown.
    points = ascii_int((request.args.get("threshold") or "").strip())
    threshold = (coverage.DEFAULT_GAP_THRESHOLD if points is None
                 else min(100, points) / 100)
    return render_template(
        "events/dashboard.html", threshold=threshold,
        heat=coverage.county_area_heat(db.session),
        gaps=coverage.coverage_gaps(db.session, _user(), threshold=threshold),
        funnels=coverage.event_funnels(db.session, _user()),
    )


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create():
    form = EventForm()
    if form.validate_on_submit():
        event = service.create_event(db.session, _user(), **form.event_fields())
        db.session.commit()
        flash(_("Event created as a draft. Attach challenges, then open registration."), "success")
        return _back(event.id)
    return render_template("events/form.html", form=form, event=None)


@bp.get("/<int:event_id>")
@login_required
def detail(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    page = service.event_page(db.session, _user(), event)
    request_form = RequestMeetingForm()
    request_form.challenge_id.choices = [(c.id, c.title) for c in page.requestable]
    registration_form = RegistrationForm(obj=page.registration)
    return render_template(
        "events/detail.html", page=page, event=event, status_form=StatusForm(),
        registration_form=registration_form, request_form=request_form,
        button=ButtonForm(), rating_form=RatingForm(),
        slots=service.slot_local_times(event), local_time=service.local_time,
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _managed(event_id)
    form = EventForm(obj=event)
    form.allow_past = True
    if form.validate_on_submit():
        try:
            service.update_event(db.session, event, _user(), **form.event_fields())
        except EventError as exc:
            db.session.rollback()
            form.end_time.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Event updated."), "success")
            return _back(event.id)
    return render_template("events/form.html", form=form, event=event)


@bp.post("/<int:event_id>/status")
@login_required
def change_status(event_id: int):
    event = _managed(event_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    _apply(lambda: service.set_status(db.session, event, form.status.data, _user()),
           _("The event is now %(status)s.", status=label(form.status.data).lower()))
    return _back(event.id)


# Challenges -----------------------------------------------------------------------------------

@bp.route("/<int:event_id>/challenges", methods=["GET", "POST"])
@login_required
def challenges(event_id: int):
    event = _managed(event_id)
    form = AttachChallengeForm()
    form.challenge_id.choices = [
        (c.id, f"{c.title} ({c.unit})")
        for c in service.attachable_challenges(db.session, _user(), event)]
    if form.validate_on_submit():
        try:
            service.attach_challenge(db.session, event, form.challenge_id.data, _user(),
                                     available_from=form.available_from.data,
                                     available_until=form.available_until.data)
        except EventError as exc:
            db.session.rollback()
            form.challenge_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Challenge attached."), "success")
            return _back(event.id, "events.challenges")
    return render_template("events/challenges.html", event=event, form=form,
                           button=ButtonForm())


@bp.post("/<int:event_id>/challenges/<int:challenge_id>/detach")
@login_required
def detach(event_id: int, challenge_id: int):
    event = _managed(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    service.detach_challenge(db.session, event, challenge_id, _user())
    db.session.commit()
    flash(_("Challenge removed from the event, with its pairs and meetings."), "success")
    return _back(event.id, "events.challenges")


# Registration ---------------------------------------------------------------------------------

@bp.post("/<int:event_id>/register")
@login_required
def register(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    company = service.user_company(_user())
    if company is None:
        abort(403)
    form = RegistrationForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
        return _back(event.id)
    _apply(lambda: service.register_company(db.session, event, company, _user(),
                                            available_from=form.available_from.data,
                                            available_until=form.available_until.data),
           _("%(company)s is registered for %(event)s.", company=company.name, event=event.name))
    return _back(event.id)


@bp.post("/<int:event_id>/withdraw")
@login_required
def withdraw(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    company = service.user_company(_user())
    if company is None:
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    _apply(lambda: service.withdraw_company(db.session, event, company, _user()),
           _("Your registration is withdrawn and your meetings are cancelled."))
    return _back(event.id)


# Matchmaking and invitations ------------------------------------------------------------------

@bp.get("/<int:event_id>/matches")
@login_required
def matches(event_id: int):
    event = _managed(event_id)
    return render_template(
        "events/matches.html", event=event,
        form=MatchmakingForm(top_n=event.matchmaking_top_n or DEFAULT_TOP_N),
        action_form=PairActionForm(),
        button=ButtonForm(), groups=service.pairs_by_challenge(db.session, event),
        explanation=service.explanation)


@bp.post("/<int:event_id>/matchmaking")
@login_required
def matchmaking(event_id: int):
    event = _managed(event_id)
    form = MatchmakingForm()
    if not form.validate_on_submit():
        return render_template(
            "events/matches.html", event=event, form=form, action_form=PairActionForm(),
            button=ButtonForm(), groups=service.pairs_by_challenge(db.session, event),
            explanation=service.explanation), 400
    try:
        min_fit = form.min_fit.data
        summary = service.run_matchmaking(
            db.session, event, _user(), top_n=form.top_n.data,
            min_fit=service.DEFAULT_MIN_FIT if min_fit is None else min_fit / 100)
    except EventError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Matchmaking done: %(created)d new, %(updated)d updated, %(removed)d stale "
                "proposals removed, %(kept)d decided pairs kept.", created=summary.created,
                updated=summary.updated, removed=summary.removed_stale, kept=summary.kept),
              "success")
    return _back(event.id, "events.matches")


@bp.post("/<int:event_id>/pairs/<int:pair_id>/state")
@login_required
def pair_state(event_id: int, pair_id: int):
    event = _managed(event_id)
    pair = service.get_pair(db.session, event, pair_id)
    form = PairActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.set_pair_state(db.session, event, pair, form.action.data, _user())
    except EventError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
    anchor = f"#challenge-{pair.challenge_id}"
    return redirect(url_for("events.matches", event_id=event.id) + anchor)


@bp.get("/<int:event_id>/invitations")
@login_required
def confirm_invitations(event_id: int):
    event = _managed(event_id)
    pairs = service.invitable_pairs(db.session, event)
    return render_template("events/invitations.html", event=event, pairs=pairs,
                           companies=len({p.company_id for p in pairs}), button=ButtonForm())


@bp.post("/<int:event_id>/invitations")
@login_required
def invitations(event_id: int):
    event = _managed(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        summary = service.send_invitations(
            db.session, event, _user(),
            link=url_for("events.detail", event_id=event.id, _external=True))
    except EventError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(event.id, "events.matches")
    db.session.commit()
    if mail.smtp_configured(current_app.config):
        sent = mail.deliver(db.session, current_app.config, summary.message_ids)
        db.session.commit()
        flash(_("%(pairs)d invitations sent to %(companies)d companies; %(sent)d of "
                "%(messages)d e-mails delivered.", pairs=summary.pairs,
                companies=summary.companies, sent=sent, messages=summary.messages), "success")
    else:
        flash(_("%(pairs)d invitations sent to %(companies)d companies. E-mail is not "
                "configured: the %(messages)d messages are in the outbox.", pairs=summary.pairs,
                companies=summary.companies, messages=summary.messages), "success")
    return _back(event.id, "events.matches")


@bp.get("/<int:event_id>/outbox")
@login_required
def outbox(event_id: int):
    event = _managed(event_id)
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event_id == event.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())).all()
    return render_template("events/outbox.html", event=event, messages=messages,
                           smtp=mail.smtp_configured(current_app.config))


@bp.post("/<int:event_id>/pairs/<int:pair_id>/respond")
@login_required
def respond(event_id: int, pair_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    pair = service.get_pair(db.session, event, pair_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    accept = form.decision.data == "accept"
    _apply(lambda: service.respond_to_invitation(db.session, event, pair, _user(), accept=accept),
           _("Invitation accepted: you are registered.") if accept else _("Invitation declined."))
    return _back(event.id)


@bp.post("/<int:event_id>/requests")
@login_required
def request_meeting(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    form = RequestMeetingForm()
    form.challenge_id.choices = [
        (c.id, c.title) for c in service.requestable_challenges(db.session, event, _user())]
    if not form.validate_on_submit():
        flash(_("Choose a challenge you have not asked about yet."), "error")
        return _back(event.id)
    _apply(lambda: service.request_meeting(db.session, event, form.challenge_id.data, _user()),
           _("Meeting requested; the challenge owner will answer."))
    return _back(event.id)


@bp.post("/<int:event_id>/pairs/<int:pair_id>/decide")
@login_required
def decide(event_id: int, pair_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    pair = service.get_pair(db.session, event, pair_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    _apply(lambda: service.decide_request(db.session, event, pair, _user(),
                                          accept=form.decision.data == "accept"),
           _("Request answered."))
    return _back(event.id)


# Schedule -------------------------------------------------------------------------------------

@bp.get("/<int:event_id>/schedule")
@login_required
def schedule(event_id: int):
    event = _managed(event_id)
    return render_template("events/schedule.html", event=event, button=ButtonForm(),
                           view=service.schedule_view(db.session, event), outcome=None)


@bp.post("/<int:event_id>/schedule")
@login_required
def run_schedule(event_id: int):
    event = _managed(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        outcome = service.schedule_event(db.session, event, _user())
    except EventError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(event.id, "events.schedule")
    db.session.commit()
    result = outcome.result
    flash(_("Scheduled %(meetings)d meetings (%(status)s); %(unplaced)d accepted pairs could "
            "not be placed.", meetings=len(result.assignments), status=result.status,
            unplaced=len(result.unplaced)), "success")
    return render_template("events/schedule.html", event=event, button=ButtonForm(),
                           view=service.schedule_view(db.session, event), outcome=outcome)


@bp.post("/<int:event_id>/schedule/confirm")
@login_required
def confirm_schedule(event_id: int):
    event = _managed(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    count = service.confirm_schedule(db.session, event, _user())
    db.session.commit()
    flash(_("%(count)d meetings confirmed; rescheduling keeps them in place.", count=count),
          "success")
    return _back(event.id, "events.schedule")


@bp.get("/<int:event_id>/agenda")
@login_required
def agenda(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    scope = service.calendar_scope(db.session, _user(), event, request.args.get("company"),
                                   request.args.get("owner"))
    meetings = service.event_meetings(db.session, event, viewer=_user(), **scope)
    return render_template("events/agenda.html", event=event, meetings=meetings,
                           scope=scope, local_time=service.local_time,
                           tables=range(1, event.tables + 1))


# Exports --------------------------------------------------------------------------------------

@bp.get("/<int:event_id>/export/matches.<fmt>")
@login_required
def export_matches(event_id: int, fmt: str):
    event = _managed(event_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    export = service.build_export(db.session, event, "matches", fmt, _user())
    db.session.commit()
    return _send(export)


@bp.get("/<int:event_id>/export/schedule.xlsx")
@login_required
def export_schedule(event_id: int):
    event = _managed(event_id)
    export = service.build_export(db.session, event, "schedule", "xlsx", _user())
    db.session.commit()
    return _send(export)


@bp.get("/<int:event_id>/calendar.ics")
@login_required
def calendar(event_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    scope = service.calendar_scope(db.session, _user(), event, request.args.get("company"),
                                   request.args.get("owner"))
    export = service.build_export(db.session, event, "calendar", "ics", _user(), **scope)
    db.session.commit()
    return _send(export)


# After the event ------------------------------------------------------------------------------

@bp.post("/<int:event_id>/meetings/<int:meeting_id>/rate")
@login_required
def rate(event_id: int, meeting_id: int):
    event = service.get_event_for(db.session, _user(), event_id)
    form = RatingForm()
    if not form.validate_on_submit():
        abort(400)
    _apply(lambda: service.rate_meeting(db.session, event, meeting_id, _user(),
                                        form.outcome.data),
           _("Thank you: your rating helps the matchmaking learn."))
    return _back(event.id)

