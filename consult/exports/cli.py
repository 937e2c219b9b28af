"""Commands of this area, added to `flask consult`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import click
from flask.cli import AppGroup

from consult.config import LANGUAGES
from consult.drafts import service as drafts
from consult.drafts.models import Consultation, Version
from consult.exports import text
from consult.extensions import db
from consult.files import write_atomically


def _version(slug: str, number: int) -> Version:
    """Any version, drafts too (the command line is the operator's); a clear error if not."""
    consultation = db.session.execute(
        db.select(Consultation).where(Consultation.slug == slug)
    ).scalar_one_or_none()
    if consultation is None:
        raise click.ClickException(f"There is no consultation {slug!r}.")
    for version in consultation.versions:
        if version.number == number:
            return version
    numbers = ", ".join(str(version.number) for version in consultation.versions) or "none"
    raise click.ClickException(
        f"Consultation {slug!r} has no version {number} (its versions: {numbers})."
    )


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if count < 1024 or unit == "MB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} bytes"


def _counted(chunks: Iterator[bytes] | bytes, finished: Callable[[], object]) -> Iterator[bytes]:
    """The chunks of an export, then one last step of the progress bar."""
    if isinstance(chunks, bytes):
        yield chunks
    else:
        yield from chunks
    finished()


def register(group: AppGroup) -> None:
    """Add this area's commands to the consult command group."""

    @group.command("export")
    @click.option("--consultation", "slug", required=True, help="Short name of the consultation.")
    @click.option("--version", "number", type=int, required=True, help="Version number (1, 2...).")
    @click.option(
        "--format",
        "format_",
        type=click.Choice(text.FORMAT_NAMES),
        required=True,
        help="md, html (print-ready), docx, pdf or akn (Akoma Ntoso XML).",
    )
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="File to write. Default: <symbol or short name>-<label>.<extension> here.",
    )
    @click.option(
        "--language",
        type=click.Choice(sorted(LANGUAGES)),
        default=text.DEFAULT_LANGUAGE,
        show_default=True,
        help="Language of the document (direction, date, page numbers).",
    )
    def export_command(slug: str, number: int, format_: str, output: Path | None, language: str):
        """Write the consolidated text of a version to a file (drafts included)."""
        version = _version(slug, number)
        export = text.formats()[format_]
        paragraphs = drafts.version_paragraphs(version)
        target = output or Path(text.download_name(version, export.extension))
        with click.progressbar(
            length=len(paragraphs) + 1, label=f"Writing {export.extension.upper()}"
        ) as bar:
            body = export.render(version, paragraphs, language=language, progress=bar.update)
            path = write_atomically(target, _counted(body, lambda: bar.update(1)))
        click.echo(f"Wrote {path} ({_size(path.stat().st_size)}).")
