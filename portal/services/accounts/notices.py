"""Notices to a user when an administrator acts on their account or company.

Each notice is an in-app notification and, when the address is verified, an e-mail in the
outbox (delivered through SMTP after the commit when it is configured).
"""

from sqlalchemy.orm import Session

from portal.models import Company, User
from portal.models.enums import label
from portal.services import mail
from portal.services.notifications import notify

GREETING = "Hello {name},"
SIGNATURE = "This is a notice from the SME challenge portal; you cannot reply to it."


def notify_account(session: Session, user: User, subject: str, text: str,
                   link: str | None = None) -> None:
    """Tell ``user`` in the portal, and by e-mail when their address is verified."""
    notify(session, user, text, link)
    if user.email_verified_at is None:
        return
    body = "\n".join([GREETING.format(name=user.full_name or user.email), "", text, "",
                      SIGNATURE])
    mail.queue(session, recipient=user.email, subject=subject, body=body)


def account_status_changed(session: Session, user: User, action: str) -> None:
    texts = {
        "approve_user": ("Your account is approved",
                         "An administrator approved your account: you can now use the portal."),
        "disable_user": ("Your account is disabled",
                         "An administrator disabled your account. You are logged out and your "
                         "API tokens are revoked. Contact the administrators if this is a "
                         "mistake."),
        "enable_user": ("Your account is enabled again",
                        "An administrator enabled your account again. Log in again; API "
                        "tokens revoked when it was disabled stay revoked."),
    }
    subject, text = texts[action]
    notify_account(session, user, subject, text, "/account/")


def role_changed(session: Session, user: User, before: str, after: str) -> None:
    notify_account(session, user, "Your role changed",
                   f"An administrator changed your role from {label(before)} to "
                   f"{label(after)}. Log in again to see the portal as {label(after)}.",
                   "/account/")


def vetting_changed(session: Session, company: Company, vetted: bool) -> None:
    if vetted:
        subject = "Your company is vetted"
        text = (f"An administrator verified the security clearance of {company.name}: you can "
                "now see challenges restricted to vetted companies.")
    else:
        subject = "Your company's vetting ended"
        text = (f"An administrator withdrew the vetting of {company.name}: challenges "
                "restricted to vetted companies are no longer shown to you.")
    for user in company.users:
        notify_account(session, user, subject, text, "/company/")
