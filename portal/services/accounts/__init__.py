"""Accounts: passwords, signup, login and throttling, session tokens, approval, roles and vetting.

Every function that changes data adds its audit row to the same session and leaves the commit to
the caller, so a change and its audit row land in one transaction. The submodules each hold one
concern; this package re-exports the names callers use (``from portal.services import accounts``).
"""

from portal.services.accounts.admin import (
    approve_user,
    change_role,
    companies_query,
    create_admin,
    disable_user,
    enable_user,
    unvet_company,
    users_query,
    vet_company,
)
from portal.services.accounts.areas import AREA_KINDS, add_area, slugify
from portal.services.accounts.emails import (
    check_email,
    email_taken,
    find_user_by_email,
    normalise_email,
    org_number_taken,
)
from portal.services.accounts.errors import AccountError, ThrottledError
from portal.services.accounts.login import LoginResult, attempt_login
from portal.services.accounts.passwords import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    change_password,
    check_current_password,
    common_passwords,
    end_all_sessions_and_tokens,
    hash_password,
    new_session_token,
    password_problem,
    record_logout,
    rotate_session_token,
    verify_password,
)
from portal.services.accounts.privacy import delete_account, export_json, pseudonym
from portal.services.accounts.recovery import (
    LINK_PROBLEM,
    request_reset,
    reset_password,
    user_for_reset_token,
)
from portal.services.accounts.signup import (
    SIGNUP_ROLES,
    check_signup_throttle,
    record_signup_refusal,
    register,
)
from portal.services.accounts.throttling import (
    login_retry_after,
    password_check_retry_after,
    signup_retry_after,
)
from portal.services.accounts.verification import (
    VERIFY_PROBLEM,
    mail_recipient,
    send_verification,
    verify_email,
)

__all__ = [
    "AREA_KINDS",
    "LINK_PROBLEM",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_MIN_LENGTH",
    "SIGNUP_ROLES",
    "VERIFY_PROBLEM",
    "AccountError",
    "LoginResult",
    "ThrottledError",
    "add_area",
    "approve_user",
    "attempt_login",
    "change_password",
    "change_role",
    "check_current_password",
    "check_email",
    "check_signup_throttle",
    "common_passwords",
    "companies_query",
    "create_admin",
    "delete_account",
    "disable_user",
    "email_taken",
    "enable_user",
    "end_all_sessions_and_tokens",
    "export_json",
    "find_user_by_email",
    "hash_password",
    "login_retry_after",
    "mail_recipient",
    "new_session_token",
    "normalise_email",
    "org_number_taken",
    "password_check_retry_after",
    "password_problem",
    "pseudonym",
    "record_logout",
    "record_signup_refusal",
    "register",
    "request_reset",
    "reset_password",
    "rotate_session_token",
    "send_verification",
    "signup_retry_after",
    "slugify",
    "unvet_company",
    "user_for_reset_token",
    "users_query",
    "verify_email",
    "verify_password",
    "vet_company",
]
