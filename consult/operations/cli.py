"""`flask consult backup` and `flask consult restore`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from consult.extensions import db
from consult.operations import backup as backups


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"


def _unreachable(error: OperationalError) -> str:
    return (f"Cannot use the database {backups.describe(db.engine.url)}: "
            f"{str(error.orig).strip()}")


def _revision_notes(outcome: backups.Outcome) -> None:
    latest = backups.latest_revision()
    if outcome.revision and latest and outcome.revision != latest:
        click.echo(
            f"note: the backup's schema is at revision {outcome.revision}, this code's at "
            f"{latest}: run `flask db upgrade` before starting the application.",
            err=True,
        )
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)


def register(group: AppGroup) -> None:
    """Add the backup and restore commands to the consult command group."""

    @group.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path):
        """Write a consistent backup of the database to PATH (mode 0600), while the
        application runs: SQLite's online backup, or pg_dump's custom format."""
        try:
            outcome = backups.backup(db.engine, path)
        except backups.BackupError as error:
            raise click.ClickException(error.message) from error
        except OperationalError as error:
            raise click.ClickException(_unreachable(error)) from error
        click.echo(
            f"Backed up {outcome.database} to {outcome.path} ({_size(outcome.size)}, "
            f"{outcome.seconds:.1f} s, schema revision {outcome.revision or 'none'})."
        )
        click.echo("The file holds password hashes: keep it where only operators can read it.")

    @group.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True,
                  help="Replace a database that already holds data (asks first).")
    @click.option("--yes", is_flag=True, help="With --force: do not ask, replace.")
    def restore_command(path: Path, force: bool, yes: bool):
        """Replace the database's content with the backup in PATH. An empty database is
        filled; one holding data is replaced only with --force."""
        db.session.remove()
        try:
            rows = {n: c for n, c in backups.row_counts(db.engine).items() if c}
            if rows and force and not yes:
                click.echo(
                    f"WARNING: {backups.describe(db.engine.url)} holds {sum(rows.values())} "
                    f"rows in {len(rows)} tables. Restoring {path} deletes all of them.",
                    err=True,
                )
                click.confirm("Replace the database with the backup?", abort=True, err=True)
            outcome = backups.restore(db.engine, path, force=force)
        except backups.BackupError as error:
            raise click.ClickException(error.message) from error
        except OperationalError as error:
            raise click.ClickException(_unreachable(error)) from error
        total = sum(backups.row_counts(db.engine).values())
        click.echo(
            f"Restored {outcome.path} into {outcome.database}: {total} rows "
            f"({outcome.seconds:.1f} s, schema revision {outcome.revision or 'none'})."
        )
        _revision_notes(outcome)
