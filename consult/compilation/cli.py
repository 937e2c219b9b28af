"""Commands of this area, added to `flask consult`: the compilation and the report on how
inputs were addressed, written to a file with a progress bar."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import click
from flask.cli import AppGroup

from consult.auth.models import User
from consult.cli import secretariat_account
from consult.compilation import addressed as addressing
from consult.compilation import service, table, word
from consult.drafts import service as drafts
from consult.drafts.models import Version
from consult.errors import DomainError
from consult.files import write_atomically
from consult.moderation.service import QueueFilter

FORMATS = ("csv", "xlsx", "docx")
PIECE = 1024 * 1024


def _version(slug: str, number: int, viewer: User | None) -> Version:
    try:
        return drafts.get_version(slug, number, viewer)
    except DomainError as error:
        raise click.ClickException(
            f"There is no published version {number} of {slug!r}"
            + (" (drafts are exported with --all)." if viewer is None else ".")
        ) from error


def _pieces(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    while piece := file.read(PIECE):
        yield piece


def _write_built(output: Path, build: Callable[[IO[bytes]], None]) -> None:
    """Formats written whole (XLSX, DOCX) go to a temporary file first, then into place."""
    with tempfile.TemporaryFile() as file:
        build(file)
        write_atomically(output, _pieces(file))


def register(group: AppGroup) -> None:
    """Add this area's commands to the consult command group."""

    @group.command("compilation")
    @click.option("--consultation", "slug", required=True, help="Short name of the consultation.")
    @click.option("--version", "number", type=int, required=True, help="Version number.")
    @click.option("--format", "format_", type=click.Choice(FORMATS), default="csv",
                  show_default=True)
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    @click.option("--all", "everything", is_flag=True,
                  help="The secretariat's own export: with pending, hidden and withdrawn input.")
    @click.option("--kind", default="", help="Only this kind (comment, amendment, ...).")
    @click.option("--status", default="", help="Only this status (published, merged, ...).")
    @click.option("--group", "stakeholder_group", default="", help="Only this stakeholder group.")
    @click.option("--disposition", default="", help="Only this answer ('none': unanswered).")
    @click.option("--words", default="", help="Only input containing these words.")
    def compilation_command(slug, number, format_, output, everything, kind, status,
                            stakeholder_group, disposition, words):
        """Write the compilation of comments on a version as CSV, XLSX or DOCX."""
        viewer = secretariat_account() if everything else None
        version = _version(slug, number, viewer)
        filters = QueueFilter(kind=kind, status=status, group=stakeholder_group,
                              disposition=disposition, text=words)
        try:
            found = service.compilation(viewer, version, filters, everything=everything)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        with click.progressbar(length=found.total, label=f"Writing {output.name}",
                               file=sys.stderr) as bar:

            def advance(_row: service.Row) -> None:
                bar.update(1)

            if format_ == "csv":
                write_atomically(output, table.compilation_csv(found, advance))
            elif format_ == "xlsx":
                _write_built(output, lambda file: table.compilation_xlsx(found, file, advance))
            else:
                _write_built(output, lambda file: word.compilation_docx(found, file, advance))
        click.echo(f"Wrote {found.total} rows of {slug!r} {version.label!r} to {output}.")

    @group.command("addressed")
    @click.option("--consultation", "slug", required=True, help="Short name of the consultation.")
    @click.option("--version", "number", type=int, required=True, help="Version number.")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def addressed_command(slug, number, output):
        """Write the report on how inputs to a version were addressed, as DOCX."""
        version = _version(slug, number, None)
        with click.progressbar(length=2, label=f"Writing {output.name}", file=sys.stderr) as bar:
            report = addressing.report(version, None)
            bar.update(1)
            _write_built(output, lambda file: word.addressed_docx(report, file))
            bar.update(1)
        click.echo(
            f"Wrote the report on {len(report.points)} points over {len(report.paragraphs)} "
            f"paragraphs of {slug!r} {version.label!r} to {output}."
        )
