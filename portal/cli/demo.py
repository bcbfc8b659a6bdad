"""``flask --app app seed-demo``: fictional companies, challenges and demo accounts."""

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import db
from portal.demo import demo_accounts
from portal.demo import seed_demo as write_demo_data
from portal.demo.data import DEMO_PASSWORD
from portal.demo.event import seed_demo_event
from portal.services import matching


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo companies, challenges, interests and five demo accounts (idempotent)."""
    if current_app.config["PORTAL_ENV"] == "production":
        # The demo accounts share a published password.
        raise click.ClickException("seed-demo refuses to run with PORTAL_ENV=production.")
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

    # Embeddings and the demo event come after the commit above: a failure here never loses
    # the demo rows, and a rerun encodes only what is missing.
    indexed = matching.index_all(db.session)
    db.session.commit()
    click.echo(f"Match index: {indexed['encoded']} passages encoded, {indexed['reused']} reused "
               f"({indexed['seconds']:.1f} s).")
    event = seed_demo_event(db.session)
    db.session.commit()
    if event is not None:
        click.echo(f"Demo event: {event.name} ({event.date.isoformat()}, {event.venue}).")


COMMANDS = [seed_demo]
