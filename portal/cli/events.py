"""``flask --app app export-matches EVENT_ID --format csv|xlsx|ics -o FILE``."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.db import db
from portal.models import Event, User
from portal.services import events as service

KINDS = {"csv": ("matches", "csv"), "xlsx": ("matches", "xlsx"), "ics": ("calendar", "ics")}


@click.command("export-matches")
@click.argument("event_id", type=int)
@click.option("--format", "fmt", type=click.Choice(sorted(KINDS)), default="csv",
              show_default=True, help="csv/xlsx: the match list; ics: the event's meetings.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              required=True, help="File to write ('-' for standard output).")
@click.option("--actor", "actor_email", default=None,
              help="E-mail of the organiser or admin exporting (stamped and audited); "
                   "default: the event's organiser.")
@with_appcontext
def export_matches(event_id: int, fmt: str, output: Path, actor_email: str | None) -> None:
    """Export an event's match list (CSV, XLSX) or meeting calendar (ICS)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event {event_id}.")
    actor = event.organiser
    if actor_email:
        actor = db.session.scalar(select(User).where(User.email == actor_email.strip().lower()))
        if actor is None or not service.can_manage_event(actor, event):
            raise click.ClickException(f"{actor_email} may not export event {event_id}.")
    kind, file_format = KINDS[fmt]
    export = service.build_export(db.session, event, kind, file_format, actor, via="cli")
    db.session.commit()
    if str(output) == "-":
        click.get_binary_stream("stdout").write(export.data)
    else:
        output.write_bytes(export.data)
        click.echo(f"Wrote {export.rows} rows to {output} ({len(export.data)} bytes).", err=True)


COMMANDS = [export_matches]
