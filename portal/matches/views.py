"""Match pages: ranked companies for a challenge, recommendations for an SME, area suggestions."""

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select

from portal.db import db
from portal.i18n import area_name
from portal.matches.forms import AreaSuggestionForm, FeedbackForm, MatchFilterForm, ShortlistForm
from portal.models import Area, Challenge, Company, User
from portal.models.enums import Role
from portal.services import audit, feedback, matching, shortlists
from portal.services.access import (
    can_see_challenge,
    can_see_matches,
    company_clause_for_challenge,
)

bp = Blueprint("matches", __name__)

PAGE_TOP_K = 20
SUGGESTIONS = 6


@bp.app_template_filter("highlight_terms")
def highlight_terms(text: str | None, terms) -> Markup:
    """Escape ``text``, then wrap whole-word occurrences of ``terms`` in ``<mark>``.

    Terms are the matcher's (lower-case, plurals conflated), so "sonar" also marks "sonars" and
    "battery" marks "batteries". Escaping happens first: user text never reaches the page raw.
    """
    safe = str(escape(text or ""))
    patterns = []
    for term in sorted({str(t) for t in terms or () if t}, key=len, reverse=True):
        word = re.escape(str(escape(term)))
        if term.endswith("y") and len(term) > 3:
            patterns.append(re.escape(str(escape(term[:-1]))) + r"(?:y|ies)")
        else:
            patterns.append(word + r"(?:es|s)?")
    if not patterns:
        return Markup(safe)  # noqa: S704  (escaped above)
    regex = re.compile(r"(?<![\w&#])(" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)
    return Markup(regex.sub(r"<mark>\1</mark>", safe))  # noqa: S704  (escaped above)


def _viewer() -> User:
    return current_user._get_current_object()


def _deny(target=None) -> None:
    audit.record(db.session, "access_denied", actor=_viewer(), target=target, outcome="denied",
                 details={"path": request.path})
    db.session.commit()
    abort(403)


def _challenge_for_matches(challenge_id: int) -> Challenge:
    """The challenge, if the viewer may see its matches: 404 if it is invisible, else 403."""
    viewer = _viewer()
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not can_see_challenge(viewer, challenge):
        abort(404)
    if not can_see_matches(viewer, challenge):
        _deny(challenge)
    return challenge


def _company_for(challenge: Challenge, company_id: int) -> Company:
    """A company that may be matched with the challenge (404 otherwise)."""
    company = db.session.scalar(
        select(Company).where(Company.id == company_id,
                                 company_clause_for_challenge(challenge))
    )
    if company is None:
        abort(404)
    return company


def _sme_company() -> Company | None:
    """The SME viewer's company (403 for other roles; None when no profile exists yet)."""
    viewer = _viewer()
    if not viewer.has_role(Role.SME):
        _deny()
    return viewer.company


def _profile_first():
    flash(_("Create your company profile first: recommendations and suggestions are made from it."),
          "info")
    return redirect(url_for("smes.edit"))


def _render_matches(challenge: Challenge, filters: MatchFilterForm, *,
                    feedback_forms: dict | None = None):
    filters.validate()
    shown = shortlists.shown_count(request.values.get("show"))
    page = matching.match_page(db.session, _viewer(), challenge,
                               top_k=shortlists.MAX_SHOWN if filters.narrowing else shown,
                               **filters.values())
    items = page.matches.items
    matching_rows = page.matches.candidates
    if filters.narrowing:
        items = shortlists.narrow(
            items, shortlisted=page.shortlisted if filters.shortlisted.data else None,
            interested=(shortlists.interested_ids(db.session, challenge)
                        if filters.interested.data else None))
        matching_rows = len(items)
    items = items[:shown]
    forms = feedback_forms or {}
    for item in items:
        if item.company.id not in forms:
            existing = page.feedback.get(item.company.id)
            forms[item.company.id] = FeedbackForm(
                formdata=None, comment=existing.comment if existing else "")
    for company_id, form in forms.items():  # one comment box per company: ids must differ
        form.comment.id = form.comment.label.field_id = f"comment-{company_id}"
    return render_template(
        "matches/challenge.html", challenge=challenge, page=page, filters=filters,
        filter_args=filters.as_args(), feedback_forms=forms, shortlist_form=ShortlistForm(),
        items=items, shown=shown, matching_rows=matching_rows,
        more=shown + shortlists.PAGE_SIZE if matching_rows > shown and
        shown < shortlists.MAX_SHOWN else None,
    )


@bp.get("/challenges/<int:challenge_id>/shortlist")
@login_required
def shortlist(challenge_id: int):
    challenge = _challenge_for_matches(challenge_id)
    return render_template("matches/shortlist.html", challenge=challenge,
                           entries=shortlists.shortlist(db.session, _viewer(), challenge),
                           shortlist_form=ShortlistForm())


@bp.get("/challenges/<int:challenge_id>/matches")
@login_required
def challenge_matches(challenge_id: int):
    challenge = _challenge_for_matches(challenge_id)
    return _render_matches(challenge, MatchFilterForm(request.args))


def _back(challenge: Challenge, company: Company, filters: MatchFilterForm):
    if request.form.get("next") == "shortlist":
        return redirect(url_for(".shortlist", challenge_id=challenge.id))
    filters.validate()
    args = filters.as_args()
    if request.form.get("show"):
        args["show"] = str(shortlists.shown_count(request.form.get("show")))
    return redirect(url_for(".challenge_matches", challenge_id=challenge.id,
                            _anchor=f"company-{company.id}", **args))


@bp.post("/challenges/<int:challenge_id>/matches/<int:company_id>/shortlist")
@login_required
def toggle_shortlist(challenge_id: int, company_id: int):
    challenge = _challenge_for_matches(challenge_id)
    company = _company_for(challenge, company_id)
    form = ShortlistForm()
    if not form.validate_on_submit():
        abort(400)
    added = feedback.toggle_shortlist(db.session, _viewer(), challenge, company)
    db.session.commit()
    flash((_("%(company)s added to the shortlist.", company=company.name) if added
           else _("%(company)s removed from the shortlist.", company=company.name)), "success")
    return _back(challenge, company, MatchFilterForm(request.form))


@bp.post("/challenges/<int:challenge_id>/matches/<int:company_id>/feedback")
@login_required
def give_feedback(challenge_id: int, company_id: int):
    challenge = _challenge_for_matches(challenge_id)
    company = _company_for(challenge, company_id)
    form = FeedbackForm()
    filters = MatchFilterForm(request.form)
    if not form.validate_on_submit():
        return _render_matches(challenge, filters, feedback_forms={company.id: form})
    relevant = form.verdict.data == "relevant"
    feedback.record_feedback(db.session, _viewer(), challenge, company, relevant=relevant,
                             comment=form.comment.data or "")
    db.session.commit()
    flash((_("Thank you: %(company)s marked relevant.", company=company.name) if relevant
           else _("Thank you: %(company)s marked not relevant.", company=company.name)),
          "success")
    return _back(challenge, company, filters)


@bp.get("/recommendations")
@login_required
def recommendations():
    company = _sme_company()
    if company is None:
        return _profile_first()
    matches = matching.rank_challenges(db.session, _viewer(), company, top_k=PAGE_TOP_K)
    return render_template("matches/recommendations.html", company=company, matches=matches)


@bp.route("/company/areas/suggestions", methods=["GET", "POST"])
@login_required
def area_suggestions():
    company = _sme_company()
    if company is None:
        return _profile_first()
    suggestions = matching.suggest_areas(db.session, company.description or "",
                                         top_k=SUGGESTIONS)
    form = AreaSuggestionForm()
    # Every known area is a valid choice: the suggestions may shift between GET and POST.
    choices = [(area.slug, area_name(area)) for area in db.session.scalars(select(Area))]
    form.accept.choices = choices
    form.reject.choices = choices
    if form.validate_on_submit():
        added = matching.accept_suggested_areas(db.session, _viewer(), company,
                                                form.accept.data or [], form.reject.data or [])
        db.session.commit()
        if added:
            flash(_("Added to your profile: %(areas)s.",
                    areas=", ".join(area_name(a) for a in added)), "success")
        else:
            flash(_("No new areas were added."), "info")
        return redirect(url_for(".area_suggestions"))
    own = {a.id for a in company.areas}
    return render_template("matches/area_suggestions.html", company=company,
                           suggestions=suggestions, own=own, form=form)
