"""The account page: who you are, password change, personal API tokens."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from portal.auth.views import deliver_now, start_session, verification_link
from portal.db import db
from portal.errors import too_many_requests
from portal.services import accounts, audit, tokens

from .forms import DeleteAccountForm, PasswordChangeForm, TokenForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _render(password_form=None, token_form=None, delete_form=None, status: int = 200):
    user = current_user._get_current_object()
    return render_template(
        "account/index.html",
        user=user,
        password_form=password_form or PasswordChangeForm(formdata=None),
        token_form=token_form or TokenForm(formdata=None),
        delete_form=delete_form or DeleteAccountForm(formdata=None),
        tokens=tokens.user_tokens(db.session, user),
    ), status


@bp.get("/")
@login_required
def index():
    return _render()


@bp.post("/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _render(password_form=form, status=400)
    user = current_user._get_current_object()
    try:
        accounts.change_password(db.session, user, form.current_password.data,
                                 form.new_password.data)
    except accounts.ThrottledError as exc:
        db.session.commit()
        return too_many_requests(exc.message, exc.retry_after)
    except accounts.AccountError as exc:
        # Keep the audit row of a wrong current password; nothing else was changed.
        db.session.commit()
        getattr(form, exc.field or "new_password").errors.append(exc.message)
        return _render(password_form=form, status=400)
    db.session.commit()
    # Every other session ended with the old token; this browser starts a fresh one.
    start_session(user)
    flash(_("Your password is changed. Other devices have been logged out and your API tokens "
            "revoked."), "success")
    return redirect(url_for("account.index"))


@bp.post("/tokens")
@login_required
def create_token():
    user = current_user._get_current_object()
    if not user.is_approved:
        abort(403)
    form = TokenForm()
    if not form.validate_on_submit():
        return _render(token_form=form, status=400)
    token, raw = tokens.create_token(db.session, user, form.name.data)
    db.session.commit()
    # Rendered straight from the POST, never stored in the session cookie: shown exactly once.
    return render_template("account/token_created.html", token=token, raw_token=raw)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    try:
        token = tokens.revoke_token(db.session, current_user._get_current_object(), token_id)
    except tokens.TokenError:
        abort(404)
    db.session.commit()
    flash(_("The token \u201c%(name)s\u201d is revoked.", name=token.name), "success")
    return redirect(url_for("account.index"))


@bp.post("/verify")
@login_required
def resend_verification():
    user = current_user._get_current_object()
    try:
        message = accounts.send_verification(db.session, user, verification_link)
    except accounts.AccountError as exc:
        flash(str(exc.message), "info")
        return redirect(url_for("account.index"))
    db.session.commit()
    deliver_now([message.id])
    flash(_("A new verification link is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("account.index"))


@bp.get("/export")
@login_required
def export():
    user = current_user._get_current_object()
    body = accounts.export_json(db.session, user)
    audit.record(db.session, "personal_data_export", actor=user, target=user,
                 details={"bytes": len(body)})
    db.session.commit()
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="portal-data-{user.id}.json"'})


@bp.post("/delete")
@login_required
def delete():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _render(delete_form=form, status=400)
    try:
        accounts.delete_account(db.session, current_user._get_current_object(),
                                form.password.data)
    except accounts.ThrottledError as exc:
        db.session.commit()
        return too_many_requests(exc.message, exc.retry_after)
    except accounts.AccountError as exc:
        db.session.commit()  # keep the audit row of the wrong password
        form.password.errors = [*form.password.errors, exc.message]
        return _render(delete_form=form, status=400)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Your account is deleted. Thank you for using the portal."), "success")
    return redirect(url_for("main.index"))
