"""Account commands: ``create-admin`` and ``create-token``."""

import sys

import click
from flask.cli import with_appcontext

from portal.db import db
from portal.services import accounts, tokens


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line from stdin, so scripts can pipe a secret without it showing in `ps`.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@click.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@with_appcontext
def create_admin(email: str, password_stdin: bool) -> None:
    """Create an active administrator EMAIL, or promote the existing account EMAIL."""
    existing = accounts.find_user_by_email(db.session, email)
    password = None if existing is not None else _read_password(password_stdin)
    try:
        user, created = accounts.create_admin(db.session, email, password)
    except accounts.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    if created:
        click.echo(f"Created administrator {user.email}.", err=True)
    else:
        click.echo(f"Promoted {user.email} to administrator; the password is unchanged.",
                   err=True)


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="CLI token", show_default=True, help="A label for the token.")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create an API token for EMAIL and print it (only the token, on stdout)."""
    user = accounts.find_user_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with the email {email!r}.")
    if not user.is_active:
        raise click.ClickException(f"The account {user.email} is disabled.")
    _token, raw = tokens.create_token(db.session, user, name)
    db.session.commit()
    click.echo(raw)


COMMANDS = [create_admin, create_token]
