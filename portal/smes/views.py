"""Company profile pages: the SME user's own profile, its interests, and a staff view by id."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.challenges.forms import options
from portal.db import db
from portal.i18n import area_name
from portal.models import Company
from portal.models.enums import Role
from portal.services.challenges import list_areas
from portal.services.companies import CompanyNotFoundError, profile_for
from portal.services.interests import interests_of_company
from portal.services.profiles import (
    RECOMMENDED_DESCRIPTION_WORDS,
    DuplicateOrgNumberError,
    company_users,
    profile_checklist,
    save_profile,
    word_count,
)
from portal.smes.forms import CompanyForm

bp = Blueprint("smes", __name__, url_prefix="/company")

DUPLICATE_ORG_NUMBER = ("A profile with this organisation number is already registered. Ask a "
                        "colleague to add you, or contact the administrators.")


@bp.before_request
@login_required
def _login_first():
    # Every page needs a login; the pending gate (auth) runs before this.
    return None


def _sme_user():
    if current_user.role != Role.SME:
        abort(403)
    return current_user._get_current_object()


def _render_profile(company: Company, *, own: bool):
    return render_template(
        "smes/profile.html",
        company=company,
        own=own,
        users=company_users(db.session, company),
        checklist=profile_checklist(company) if own else [],
        words=word_count(company.description),
        recommended_words=RECOMMENDED_DESCRIPTION_WORDS,
    )


@bp.get("/")
def profile():
    user = _sme_user()
    if user.company is None:
        flash(_("Create your company profile to express interest and get recommendations."), "info")
        return redirect(url_for(".edit"))
    return _render_profile(user.company, own=True)


@bp.route("/edit", methods=["GET", "POST"])
def edit():
    user = _sme_user()
    company = user.company
    form = CompanyForm(obj=company)
    areas = list_areas(db.session)
    form.areas.choices = options((area.id, area_name(area)) for area in areas)
    if company is not None and not form.is_submitted():
        form.areas.data = [area.id for area in company.areas]
        form.country.data = company.country or "NO"
    if form.validate_on_submit():
        try:
            save_profile(db.session, user, company, form.to_data())
            db.session.commit()
        except (DuplicateOrgNumberError, IntegrityError):
            # IntegrityError: a concurrent save took the number after our check.
            db.session.rollback()
            form.org_number.errors = [*form.org_number.errors, DUPLICATE_ORG_NUMBER]
        except ValueError as error:
            # The form validates the same rules; this guards against the two drifting apart.
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Company profile saved."), "success")
            return redirect(url_for(".profile"))
    return render_template("smes/edit.html", form=form, company=company,
                           area_kinds={area.id: area.kind for area in areas},
                           words=word_count(form.description.data),
                           recommended_words=RECOMMENDED_DESCRIPTION_WORDS)


@bp.get("/interests")
def interests():
    user = _sme_user()
    return render_template("smes/interests.html", interests=interests_of_company(db.session, user),
                           company=user.company)


@bp.get("/<int:company_id>")
def show(company_id: int):
    """A company profile: staff see any (audit-logged), an SME only their own (else 404)."""
    user = current_user._get_current_object()
    if user.role == Role.SME and user.company_id == company_id:
        return redirect(url_for(".profile"))
    try:
        company = profile_for(db.session, user, company_id)
    except CompanyNotFoundError:
        abort(404)
    db.session.commit()
    return _render_profile(company, own=False)
