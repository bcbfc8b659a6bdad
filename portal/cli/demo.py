"""``flask --app app seed-demo``: fictional companies, challenges and demo accounts."""

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from portal.db import db
from portal.demo import demo_accounts
from portal.demo import seed_demo as write_demo_data
from portal.demo.data import DEMO_PASSWORD


def refresh_match_index(session: Session, summary: dict) -> None:
    """Hook for the matcher: (re)index embeddings of the seeded profiles and challenges.

    Deliberately empty here; the matching feature fills it in (it runs after the seed has been
    committed, so a failure to index never loses the demo rows).
    """


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo companies, challenges, interests and five demo accounts (idempotent)."""
    summary = write_demo_data(db.session)
    db.session.commit()
    created, totals = summary["created"], summary["totals"]
    click.echo("Demo data: " + (", ".join(f"{count} {kind.replace('_', ' ')} created"
                                          for kind, count in created.items())
                                or "already present, nothing created") + ".")
    click.echo("In the database: " + ", ".join(f"{count} {kind.replace('_', ' ')}"
                                               for kind, count in totals.items()) + ".")
    click.echo(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role, note in demo_accounts():
        click.echo(f"  {email:<24} {role:<10} {note}")
    click.echo("These accounts exist only in databases where seed-demo was run.")
    refresh_match_index(db.session, summary)


COMMANDS = [seed_demo]
