"""``flask create-admin`` and ``flask create-token``."""

from sqlalchemy import select

from portal.db import db
from portal.models import AuditEntry, User
from portal.services import accounts, tokens

PASSWORD = "a long admin passphrase"


def test_create_admin_from_stdin(runner):
    result = runner.invoke(args=["create-admin", " Admin@Example.com ", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    assert user.role == "admin" and user.status == "active"
    assert accounts.verify_password(user.password_hash, PASSWORD)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create_admin"))
    assert entry.target_id == user.id and PASSWORD not in entry.details


def test_create_admin_prompts_twice(runner):
    result = runner.invoke(args=["create-admin", "admin@example.com"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    user = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    assert accounts.verify_password(user.password_hash, PASSWORD)


def test_create_admin_refuses_weak_or_short_passwords(runner):
    for weak in ("short", "password123", "admin"):
        result = runner.invoke(args=["create-admin", "admin@example.com", "--password-stdin"],
                               input=weak + "\n")
        assert result.exit_code != 0
        assert "Error" in result.output
    assert db.session.scalar(select(User)) is None


def test_create_admin_refuses_a_bad_email(runner):
    result = runner.invoke(args=["create-admin", "not-an-email", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code != 0 and "not a valid email" in result.output
    assert db.session.scalar(select(User)) is None


def test_create_admin_promotes_an_existing_user(runner, make_user):
    user = make_user("organiser", status="pending", email="org@example.com")
    result = runner.invoke(args=["create-admin", "ORG@example.com"])
    assert result.exit_code == 0, result.output
    user = db.session.get(User, user.id)
    assert user.role == "admin" and user.status == "active"
    assert accounts.verify_password(user.password_hash, "correct horse battery")


def test_create_token_prints_only_the_token(runner, make_user):
    user = make_user("organiser", email="org@example.com")
    result = runner.invoke(args=["create-token", "org@example.com", "--name", "nightly export"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    assert raw.startswith("pt_") and "\n" not in raw
    assert tokens.authenticate_token(db.session, raw).id == user.id
    assert user.api_tokens[0].name == "nightly export"


def test_create_token_for_unknown_user_fails(runner):
    result = runner.invoke(args=["create-token", "ghost@example.com"])
    assert result.exit_code != 0 and "No account" in result.output
