"""Challenge pages: search, detail, create and edit, and expressions of interest."""

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
from sqlalchemy.exc import IntegrityError

from portal.challenges.forms import (
    ChallengeFilterForm,
    ChallengeForm,
    InterestForm,
    InterestStatusForm,
    WithdrawInterestForm,
    options,
)
from portal.db import db
from portal.i18n import area_name
from portal.models import Interest, User
from portal.models.enums import ChallengeStatus, Role, label
from portal.params import page_arg
from portal.services.access import can_edit_challenge, can_see_matches, get_challenge_for
from portal.services.challenges import (
    create_challenge,
    days_left,
    list_areas,
    record_restricted_view,
    search_challenges,
    unit_challenges,
    update_challenge,
)
from portal.services.interests import (
    DUPLICATE_MESSAGE,
    DuplicateInterestError,
    InterestError,
    express_interest,
    interest_of,
    interests_for_challenge,
    set_interest_status,
)
from portal.services.interests import edit_interest as change_pitch
from portal.services.interests import withdraw_interest as withdraw

bp = Blueprint("challenges", __name__, url_prefix="/challenges")


def _viewer() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def _with_area_choices(form):
    areas = list_areas(db.session)
    form.areas.choices = options((area.id, area_name(area)) for area in areas)
    return {area.id: area.kind for area in areas}


@bp.get("/")
def index():
    areas = list_areas(db.session)
    form = ChallengeFilterForm(formdata=request.args)
    form.area.choices = options([("", _("Any area"))] + [(a.slug, area_name(a)) for a in areas])
    form.validate()
    filters = form.to_filters()
    page = search_challenges(db.session, _viewer(), filters,
                             page=page_arg(),
                             per_page=current_app.config["PAGE_SIZE"])
    return render_template("challenges/index.html", form=form, page=page,
                           filter_args=filters.as_args(), filters=filters)


@bp.get("/mine")
@login_required
def mine():
    viewer = _viewer()
    if not viewer.has_role(Role.MILITARY):
        abort(403)
    rows = unit_challenges(db.session, viewer)
    return render_template("challenges/mine.html", rows=rows)


def _render_detail(challenge, interest_form=None, edit_form=None):
    viewer = _viewer()
    can_edit = can_edit_challenge(viewer, challenge)
    own_interest = None
    may_express = False
    if viewer is not None and viewer.has_role(Role.SME):
        own_interest = interest_of(db.session, viewer.company_id, challenge)
        may_express = (own_interest is None and viewer.company_id is not None
                       and challenge.status == ChallengeStatus.OPEN)
    return render_template(
        "challenges/detail.html",
        challenge=challenge,
        days_left=days_left(challenge),
        can_edit=can_edit,
        can_see_matches=can_see_matches(viewer, challenge),
        own_interest=own_interest,
        may_express=may_express,
        interest_form=interest_form or (InterestForm() if may_express else None),
        edit_form=edit_form or (InterestForm(formdata=None, pitch=own_interest.pitch)
                                if own_interest is not None else None),
        withdraw_form=WithdrawInterestForm(),
        interests=interests_for_challenge(db.session, challenge) if can_edit else [],
        status_form=InterestStatusForm() if can_edit else None,
    )


@bp.get("/<int:challenge_id>")
def detail(challenge_id: int):
    challenge = get_challenge_for(db.session, _viewer(), challenge_id)
    record_restricted_view(db.session, _viewer(), challenge)
    db.session.commit()
    return _render_detail(challenge)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    viewer = _viewer()
    if not viewer.has_role(Role.MILITARY) or not viewer.unit:
        abort(403)
    form = ChallengeForm()
    area_kinds = _with_area_choices(form)
    if form.validate_on_submit():
        challenge = create_challenge(db.session, viewer, form.to_data())
        db.session.commit()
        flash(_("Challenge saved.") if challenge.status == ChallengeStatus.DRAFT
              else _("Challenge published."), "success")
        return redirect(url_for(".detail", challenge_id=challenge.id))
    return render_template("challenges/form.html", form=form, challenge=None,
                           area_kinds=area_kinds, unit=viewer.unit)


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id: int):
    viewer = _viewer()
    challenge = get_challenge_for(db.session, viewer, challenge_id, edit=True)
    form = ChallengeForm(obj=challenge, original=challenge)
    area_kinds = _with_area_choices(form)
    if not form.is_submitted():
        form.areas.data = [area.id for area in challenge.areas]
    if form.validate_on_submit():
        update_challenge(db.session, viewer, challenge, form.to_data())
        db.session.commit()
        flash(_("Challenge updated."), "success")
        return redirect(url_for(".detail", challenge_id=challenge.id))
    return render_template("challenges/form.html", form=form, challenge=challenge,
                           area_kinds=area_kinds, unit=challenge.unit)


@bp.post("/<int:challenge_id>/interest")
@login_required
def express(challenge_id: int):
    viewer = _viewer()
    challenge = get_challenge_for(db.session, viewer, challenge_id)
    if not viewer.has_role(Role.SME):
        abort(403)
    form = InterestForm()
    if not form.validate_on_submit():
        return _render_detail(challenge, interest_form=form)
    back = url_for(".detail", challenge_id=challenge.id, _anchor="interest")
    try:
        express_interest(db.session, viewer, challenge, form.pitch.data)
        db.session.commit()
    except DuplicateInterestError as error:
        db.session.rollback()
        flash(str(error), "info")
        return redirect(back)
    except InterestError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    except IntegrityError:
        # A second submission raced past the check; the unique constraint kept one row.
        db.session.rollback()
        flash(str(DUPLICATE_MESSAGE), "info")
        return redirect(back)
    flash(_("Your interest was sent to %(unit)s.", unit=challenge.unit), "success")
    return redirect(back)


def _own_interest_change(challenge_id: int):
    viewer = _viewer()
    challenge = get_challenge_for(db.session, viewer, challenge_id)
    if not viewer.has_role(Role.SME):
        abort(403)
    return viewer, challenge, url_for(".detail", challenge_id=challenge.id, _anchor="interest")


@bp.post("/<int:challenge_id>/interest/edit")
@login_required
def edit_interest(challenge_id: int):
    viewer, challenge, back = _own_interest_change(challenge_id)
    form = InterestForm()
    if not form.validate_on_submit():
        return _render_detail(challenge, edit_form=form)
    try:
        change_pitch(db.session, viewer, challenge, form.pitch.data)
    except InterestError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Your pitch was updated."), "success")
    return redirect(back)


@bp.post("/<int:challenge_id>/interest/withdraw")
@login_required
def withdraw_interest(challenge_id: int):
    viewer, challenge, back = _own_interest_change(challenge_id)
    if not WithdrawInterestForm().validate_on_submit():
        abort(400)
    try:
        withdraw(db.session, viewer, challenge)
    except InterestError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Your interest was withdrawn; %(unit)s has been told.", unit=challenge.unit),
          "success")
    return redirect(back)


@bp.post("/<int:challenge_id>/interests/<int:interest_id>")
@login_required
def interest_status(challenge_id: int, interest_id: int):
    viewer = _viewer()
    challenge = get_challenge_for(db.session, viewer, challenge_id, edit=True)
    interest = db.session.get(Interest, interest_id)
    if interest is None or interest.challenge_id != challenge.id:
        abort(404)
    form = InterestStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_interest_status(db.session, viewer, interest, form.status.data)
    except InterestError:
        abort(400)
    db.session.commit()
    flash(_("%(company)s marked as %(status)s.", company=interest.company.name,
            status=str(label(form.status.data)).lower()), "success")
    return redirect(url_for(".detail", challenge_id=challenge.id, _anchor="interests"))
