"""Notices to a user when an administrator acts on their account or company.

Each notice is an in-app notification and, when the address is verified, an e-mail in the
outbox (delivered through SMTP after the commit when it is configured). Both are written in
the recipient's language (their saved choice, else the portal's default).
"""

from flask_babel import LazyString, force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal.i18n import recipient_locale
from portal.models import Company, User
from portal.models.enums import label
from portal.services import mail
from portal.services.notifications import notify


def notify_account(session: Session, user: User, subject: LazyString, text: LazyString,
                   link: str | None = None) -> None:
    """Tell ``user`` in the portal, and by e-mail when their address is verified."""
    notify(session, user, text, link)
    if user.email_verified_at is None:
        return
    with force_locale(recipient_locale(user)):
        body = "\n".join([gettext("Hello %(name)s,", name=user.full_name or user.email), "",
                          str(text), "",
                          gettext("This is a notice from the SME challenge portal; you cannot "
                                  "reply to it.")])
        title = str(subject)
    mail.queue(session, recipient=user.email, subject=title, body=body)


def account_status_changed(session: Session, user: User, action: str) -> None:
    texts = {
        "approve_user": (_l("Your account is approved"),
                         _l("An administrator approved your account: you can now use the "
                            "portal.")),
        "disable_user": (_l("Your account is disabled"),
                         _l("An administrator disabled your account. You are logged out and "
                            "your API tokens are revoked. Contact the administrators if this "
                            "is a mistake.")),
        "enable_user": (_l("Your account is enabled again"),
                        _l("An administrator enabled your account again. Log in again; API "
                           "tokens revoked when it was disabled stay revoked.")),
    }
    subject, text = texts[action]
    notify_account(session, user, subject, text, "/account/")


class _Role:
    """A role's name, looked up in the language the notice is rendered in."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __str__(self) -> str:
        return str(label(self.value))


def role_changed(session: Session, user: User, before: str, after: str) -> None:
    notify_account(session, user, _l("Your role changed"),
                   _l("An administrator changed your role from %(before)s to %(after)s. Log in "
                      "again to see the portal as %(after)s.", before=_Role(before),
                      after=_Role(after)),
                   "/account/")


def vetting_changed(session: Session, company: Company, vetted: bool) -> None:
    if vetted:
        subject = _l("Your company is vetted")
        text = _l("An administrator verified the security clearance of %(company)s: you can "
                  "now see challenges restricted to vetted companies.", company=company.name)
    else:
        subject = _l("Your company's vetting ended")
        text = _l("An administrator withdrew the vetting of %(company)s: challenges restricted "
                  "to vetted companies are no longer shown to you.", company=company.name)
    for user in company.users:
        notify_account(session, user, subject, text, "/company/")
