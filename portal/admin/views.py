"""Administration: approve and manage accounts, vet companies, technology areas, the audit log,
the outbox and the matcher's encoding queue."""

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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.db import db
from portal.errors import render_error
from portal.extensions import login_manager
from portal.i18n import area_name
from portal.models import Area, Company, User
from portal.models.enums import Role, label
from portal.params import page_arg
from portal.services import accounts, audit, mail, matching

from .forms import AreaForm, AuditFilterForm, CompanyFilterForm, RoleForm, UserFilterForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 50
USER_FILTERS = ("role", "status", "page")
COMPANY_FILTERS = ("q", "verified", "clearance", "page")


@bp.before_request
def require_admin():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    return None


@bp.errorhandler(403)
def denied(_exc):
    # Denied requests to the admin area are part of the trail (security checklist 22).
    audit.record(db.session, "access_denied", actor=current_user._get_current_object(),
                 outcome="denied", details={"path": request.path, "method": request.method})
    db.session.commit()
    return render_error(403)


def _admin() -> User:
    return current_user._get_current_object()


def _kept_args(names: tuple[str, ...]) -> dict[str, str]:
    """The list filters to come back to after an action."""
    return {name: request.args[name] for name in names if request.args.get(name)}


def _page() -> int:
    return page_arg()


# --- Users -----------------------------------------------------------------------------------


@bp.get("/users")
def users():
    filters = UserFilterForm(formdata=request.args)
    filters.validate()
    role = filters.role.data if not filters.role.errors else None
    status = filters.status.data if not filters.status.errors else None
    page = db.paginate(accounts.users_query(role or None, status or None), page=_page(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/users.html", filters=filters, page=page,
                           roles=[(role.value, label(role.value)) for role in Role],
                           me=_admin(),
                           args={k: v for k, v in _kept_args(USER_FILTERS).items()
                                 if k != "page"},
                           kept=_kept_args(USER_FILTERS))


def _apply(operation, target, done: str, back: str, filters):
    """Run one account operation on ``target``: commit and confirm, or roll back and explain."""
    try:
        operation(db.session, _admin(), target)
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        # The user's notice e-mail, when SMTP is configured (else it waits in the outbox).
        if mail.smtp_configured(current_app.config):
            mail.deliver(db.session, current_app.config,
                         mail.unsent_account_message_ids(db.session))
            db.session.commit()
        flash(done, "success")
    return redirect(url_for(back, **_kept_args(filters)))


def _user_action(user_id: int, operation, done, **values: str):
    """``done`` is a message with ``%(email)s`` (and any ``values``) to fill in."""
    user = db.get_or_404(User, user_id)
    return _apply(operation, user, str(done) % {"email": user.email, **values}, "admin.users",
                  USER_FILTERS)


@bp.post("/users/<int:user_id>/approve")
def approve_user(user_id: int):
    return _user_action(user_id, accounts.approve_user, _l("%(email)s is approved."))


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    return _user_action(user_id, accounts.disable_user,
                        _l("%(email)s is disabled and logged out everywhere."))


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    return _user_action(user_id, accounts.enable_user, _l("%(email)s is enabled again."))


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
        return redirect(url_for("admin.users", **_kept_args(USER_FILTERS)))
    return _user_action(
        user_id,
        lambda session, admin, user: accounts.change_role(session, admin, user, form.role.data),
        _l("%(email)s is now: %(role)s."), role=label(form.role.data),
    )


# --- Companies -------------------------------------------------------------------------------


@bp.get("/companies")
def companies():
    filters = CompanyFilterForm(formdata=request.args)
    filters.validate()
    verified = {"yes": True, "no": False}.get(filters.verified.data or "")
    clearance = filters.clearance.data if not filters.clearance.errors else None
    query = accounts.companies_query(verified=verified, clearance=clearance or None,
                                     name=(filters.q.data or "").strip() or None)
    page = db.paginate(query, page=_page(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("admin/companies.html", filters=filters, page=page,
                           args={k: v for k, v in _kept_args(COMPANY_FILTERS).items()
                                 if k != "page"},
                           kept=_kept_args(COMPANY_FILTERS))


def _company_action(company_id: int, operation, done: str):
    company = db.get_or_404(Company, company_id)
    return _apply(operation, company, str(done) % {"name": company.name}, "admin.companies",
                  COMPANY_FILTERS)


@bp.post("/companies/<int:company_id>/vet")
def vet_company(company_id: int):
    return _company_action(company_id, accounts.vet_company,
                           _l("%(name)s is vetted: its users now see vetted-only challenges."))


@bp.post("/companies/<int:company_id>/unvet")
def unvet_company(company_id: int):
    return _company_action(company_id, accounts.unvet_company,
                           _l("Vetting of %(name)s is revoked, effective immediately."))


# --- Technology areas ------------------------------------------------------------------------


def _area_form() -> tuple[AreaForm, list[Area]]:
    areas = list(db.session.scalars(select(Area).order_by(Area.kind.desc(), Area.position)))
    form = AreaForm()
    kinds = {"priority": _("priority area"), "emerging": _("emerging technology")}
    form.related.choices = [SelectChoice(a.id, f"{area_name(a)} ({kinds.get(a.kind, a.kind)})")
                            for a in areas]
    return form, areas


@bp.route("/areas", methods=["GET", "POST"])
def areas():
    form, all_areas = _area_form()
    if form.validate_on_submit():
        try:
            translations = {key: getattr(form, key).data for key in
                            ("name_nb", "name_nn", "description_nb", "description_nn")}
            area = accounts.add_area(db.session, _admin(), name=form.name.data,
                                     kind=form.kind.data, description=form.description.data,
                                     related_ids=form.related.data, translations=translations)
        except accounts.AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The area \u201c%(name)s\u201d is added.", name=area.name), "success")
            return redirect(url_for("admin.areas"))
    status = 400 if form.errors else 200
    return render_template("admin/areas.html", form=form, areas=all_areas), status


# --- Audit log -------------------------------------------------------------------------------


@bp.get("/audit")
def audit_log():
    filters = AuditFilterForm(formdata=request.args)
    filters.action.choices = [SelectChoice("", "All actions")] + [
        SelectChoice(action) for action in audit.known_actions(db.session)
    ]
    filters.outcome.choices = [SelectChoice("", "All outcomes")] + [
        SelectChoice(outcome) for outcome in audit.known_outcomes(db.session)
    ]
    filters.validate()
    query = audit.search_query(
        actor_email=(filters.actor.data or "").strip() or None,
        action=filters.action.data or None,
        outcome=filters.outcome.data or None,
        date_from=filters.date_from.data if not filters.date_from.errors else None,
        date_to=filters.date_to.data if not filters.date_to.errors else None,
    )
    page = db.paginate(query, page=_page(), per_page=AUDIT_PAGE_SIZE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", filters=filters, page=page, args=args)


@bp.get("/outbox")
def outbox():
    """Account e-mail (reset and verification links, notices) not tied to an event."""
    return render_template("admin/outbox.html", messages=mail.account_messages(db.session),
                           smtp=mail.smtp_configured(current_app.config))


# --- Matching --------------------------------------------------------------------------------


@bp.get("/matching")
def matching_status():
    """The matcher's model and weights, and the saved texts waiting for encoding."""
    return render_template("admin/matching.html", stamp=matching.current_stamp(db.session),
                           queue=matching.encoding_status(db.session),
                           failed=matching.failed_encodings(db.session),
                           mode=matching.worker_mode(current_app.config))
