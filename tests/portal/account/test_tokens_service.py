"""portal.services.tokens: create, authenticate, revoke."""

from portal.db import db
from portal.models import AuditEntry
from portal.services import tokens


def test_authenticate_returns_the_owner_and_records_use(make_user):
    user = make_user("organiser")
    token, raw = tokens.create_token(db.session, user, "  Calendar   sync ")
    db.session.commit()
    assert raw.startswith("pt_") and len(raw) > 40
    assert token.name == "Calendar sync"
    assert token.last_used_at is None
    assert tokens.authenticate_token(db.session, raw) == user
    assert token.last_used_at is not None


def test_unknown_malformed_and_revoked_tokens_fail(make_user):
    user = make_user("organiser")
    token, raw = tokens.create_token(db.session, user, "x")
    db.session.commit()
    for bad in (None, "", raw[:-1], raw + "x", "Bearer " + raw, raw[3:], "pt_" + "a" * 300):
        assert tokens.authenticate_token(db.session, bad) is None
    tokens.revoke_token(db.session, user, token.id)
    db.session.commit()
    assert tokens.authenticate_token(db.session, raw) is None


def test_disabled_users_tokens_fail(make_user):
    user = make_user("organiser")
    _token, raw = tokens.create_token(db.session, user, "x")
    user.status = "disabled"
    db.session.commit()
    assert tokens.authenticate_token(db.session, raw) is None


def test_revoke_checks_ownership_and_is_audited(make_user):
    owner, other = make_user("military"), make_user("military")
    token, _raw = tokens.create_token(db.session, owner, "x")
    db.session.commit()
    try:
        tokens.revoke_token(db.session, other, token.id)
    except tokens.TokenError:
        pass
    else:
        raise AssertionError("revoking another user's token must fail")
    assert token.revoked_at is None
    tokens.revoke_token(db.session, owner, token.id)
    db.session.commit()
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["create_token", "revoke_token"]


def test_tokens_are_unique(make_user):
    user = make_user("sme")
    raws = {tokens.create_token(db.session, user, str(n))[1] for n in range(20)}
    assert len(raws) == 20
