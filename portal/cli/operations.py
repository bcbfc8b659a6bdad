"""Operations commands: ``backup FILE`` and ``restore FILE``."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from portal.db import db
from portal.services import audit, backup


def _database_label() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write every row of the database to FILE (JSON lines; gzip when FILE ends in .gz).

    The file holds password hashes and contact data: it is created with mode 0600. Restore it
    with `flask restore FILE` into a database migrated to the same revision.
    """
    try:
        summary = backup.backup_to_file(db.session, file)
    except backup.BackupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.rollback()  # end the read-only snapshot before writing the audit row
    audit.record(db.session, "backup_create", target_type="database",
                 details={"file": file.name, "revision": summary.revision,
                          "rows": summary.total_rows})
    db.session.commit()
    click.echo(f"Backed up {summary.total_rows} rows from {len(summary.rows)} tables "
               f"(revision {summary.revision}) to {file}.", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Delete every row already in the database first, instead of refusing.")
@click.option("--yes", is_flag=True, help="With --force: do not ask for confirmation.")
@with_appcontext
def restore_command(file: Path, force: bool, yes: bool) -> None:
    """Load the backup FILE into this database, in one transaction.

    The database must be migrated to the backup's revision (`flask db upgrade`) and hold no
    data apart from what the migrations seed; --force deletes existing rows first.
    """
    try:
        header = backup.read_header(file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if force and not yes:
        click.confirm(f"This deletes every row in {_database_label()} and replaces it with "
                      f"the backup of {header.created_at or 'unknown date'}. Continue?",
                      abort=True)
    try:
        summary = backup.restore_backup(db.session, file, force=force)
        db.session.commit()
    except backup.BackupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise click.ClickException(
            f"The restore failed and nothing was changed: {exc.__class__.__name__}: "
            f"{getattr(exc, 'orig', None) or exc}"
        ) from None
    click.echo(f"Restored {summary.total_rows} rows into {len(summary.rows)} tables "
               f"(revision {summary.revision}, backup of {summary.created_at}).", err=True)


COMMANDS = [backup_command, restore_command]
