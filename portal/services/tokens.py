"""Personal API tokens: only a sha256 of each token is stored; the raw token is shown once."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.db import utcnow
from portal.models import ApiToken, User
from portal.services import audit

TOKEN_PREFIX = "pt_"  # noqa: S105  (a public marker that makes leaked tokens greppable)
LAST_USED_RESOLUTION = timedelta(minutes=1)
NAME_MAX_LENGTH = 100


class TokenError(LookupError):
    """No such token for this user (or it is already revoked)."""


def hash_token(raw: str) -> str:
    """The stored form of a token: sha256 hex of the raw string."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token for ``user``.

    Args:
        session: the database session (not committed here).
        user: the token's owner; requests with it act as this user.
        name: a label so the owner recognises it later (e.g. "CI export").

    Returns:
        (token row, raw token). The raw token is not stored anywhere: show it once.
    """
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=" ".join((name or "").split())[:NAME_MAX_LENGTH] or "API token",
        token_hash=hash_token(raw),
        prefix=raw[:8],
    )
    session.add(token)
    session.flush()
    audit.record(session, "create_token", actor=user, target=token,
                 details={"name": token.name, "prefix": token.prefix})
    return token, raw


def authenticate_token(session: Session, raw: str | None) -> User | None:
    """The user a raw API token belongs to, or None.

    The lookup goes by the token's sha256, so no stored secret is compared character by
    character. Revoked tokens, unknown tokens and disabled users give None; callers still check
    the user's role and approval (pending users get nothing the access helpers refuse them).
    Updates the token's ``last_used_at`` when it is more than a minute old (the caller
    commits), so a busy client does not turn every read into a write.

    Args:
        session: the database session.
        raw: the token from the ``Authorization: Bearer`` header.

    Returns:
        The token's user, or None.
    """
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))  # one round trip per API call, not two
        .where(ApiToken.token_hash == hash_token(raw))
    )
    if token is None or token.revoked_at is not None:
        return None
    user = token.user
    if not user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return user


def user_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, active first, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                      ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens; it stops working at once.

    Raises:
        TokenError: the token does not exist, belongs to someone else, or is already revoked.
    """
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise TokenError(_l("No such active token."))
    token.revoked_at = utcnow()
    audit.record(session, "revoke_token", actor=user, target=token,
                 details={"name": token.name, "prefix": token.prefix})
    return token


def revoke_all_tokens(session: Session, user: User, reason: str) -> int:
    """Revoke every active token of ``user`` for good (password change or reset, disabling,
    deletion); a later re-enabling brings none back.

    Returns:
        How many tokens were revoked (audited as one row when any were).
    """
    active = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                    ApiToken.revoked_at.is_(None))).all()
    now = utcnow()
    for token in active:
        token.revoked_at = now
    if active:
        audit.record(session, "revoke_all_tokens", target=user,
                     details={"reason": reason, "count": len(active),
                              "prefixes": [t.prefix for t in active]})
    return len(active)
