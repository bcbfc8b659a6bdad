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
from portal.services.accounts.errors import AccountError
from portal.services.accounts.login import LoginResult, attempt_login, login_retry_after
from portal.services.accounts.passwords import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    change_password,
    common_passwords,
    hash_password,
    new_session_token,
    password_problem,
    record_logout,
    rotate_session_token,
    verify_password,
)
from portal.services.accounts.signup import SIGNUP_ROLES, register

__all__ = [
    "AREA_KINDS",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_MIN_LENGTH",
    "SIGNUP_ROLES",
    "AccountError",
    "LoginResult",
    "add_area",
    "approve_user",
    "attempt_login",
    "change_password",
    "change_role",
    "check_email",
    "common_passwords",
    "companies_query",
    "create_admin",
    "disable_user",
    "email_taken",
    "enable_user",
    "find_user_by_email",
    "hash_password",
    "login_retry_after",
    "new_session_token",
    "normalise_email",
    "org_number_taken",
    "password_problem",
    "record_logout",
    "register",
    "rotate_session_token",
    "slugify",
    "unvet_company",
    "users_query",
    "verify_password",
    "vet_company",
]
