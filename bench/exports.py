"""Time and peak memory of every export on the reference consultation.

Builds the reference set (bench/reference.py: 300 paragraphs, 20,000 comments, 5,000
stakeholders) in a throwaway SQLite file under /tmp unless one of that size is there,
gives a third of its submissions an answer, merges 2 % and hides 1 % (so every column
has something to say), makes a Rev.1 with a tenth of the paragraphs changed (for the
redline and the report on how inputs were addressed), then runs each export in a
process of its own and prints, per export: seconds, the process's peak resident memory
(ru_maxrss) and how much the export added to what the process held before it began,
the size of the file, and with --tracemalloc the peak of Python's own allocations
(slower: it traces every one).

    python bench/exports.py [--database-url URL] [--comments N] [--reuse]
                            [--tracemalloc] [--only md,pdf,csv,xlsx,...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy import bindparam, select, update

if __package__ in (None, ""):  # run as a script: make `bench` and `consult` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import reference
from consult.auth.models import User
from consult.comments.models import Comment
from consult.extensions import db

DEFAULT_URL = f"sqlite:///{Path(tempfile.gettempdir()) / 'consult-bench' / 'reference.sqlite'}"
TEXT_EXPORTS = ("md", "html", "docx-text", "pdf", "akn", "redline-docx", "redline-html")
EXPORTS = TEXT_EXPORTS + (
    "csv", "xlsx", "docx", "csv-all", "addressed-docx", "addressed-page", "statistics-page",
    "csv-http",
)
REVISION_NUMBER = 2
DISPOSITIONS = ("accepted", "partially_accepted", "noted", "not_accepted")


def moderate(database_url: str, seed: int = 2025) -> bool:
    """Answer a third of the top-level input, merge 2 % into an earlier comment on the same
    paragraph and hide 1 %, in bulk, once. Returns whether it did anything."""
    app = reference.bench_app(database_url)
    with app.app_context():
        if db.session.execute(
            select(Comment.id).where(Comment.disposition.is_not(None)).limit(1)
        ).first():
            return False
        rng = random.Random(seed)
        rows = db.session.execute(
            select(Comment.id, Comment.paragraph_id)
            .where(Comment.root_id.is_(None), Comment.paragraph_id.is_not(None))
            .order_by(Comment.id)
        ).all()
        earlier: dict[int, int] = {}
        answers, merges, hidden = [], [], []
        for ident, paragraph_id in rows:
            draw = rng.random()
            if draw < 0.02 and paragraph_id in earlier:
                merges.append({"ident": ident, "into": earlier[paragraph_id]})
                continue
            if draw < 0.03:
                hidden.append(ident)
                continue
            earlier[paragraph_id] = ident
            if draw < 0.36:
                answers.append({"ident": ident, "answer": rng.choice(DISPOSITIONS)})
        comment = Comment.__table__
        if answers:
            db.session.execute(
                update(comment).where(comment.c.id == bindparam("ident")).values(
                    disposition=bindparam("answer"),
                    disposition_rationale="Considered with the co-facilitators; see the "
                                          "revision.",
                ),
                answers,
            )
        if merges:
            db.session.execute(
                update(comment).where(comment.c.id == bindparam("ident")).values(
                    status="merged", merged_into_id=bindparam("into")
                ),
                merges,
            )
        if hidden:
            db.session.execute(
                update(Comment).where(Comment.id.in_(hidden)).values(
                    status="hidden", moderation_reason="Off topic."
                )
            )
        db.session.commit()
        click.echo(f"Moderated: {len(answers)} answered, {len(merges)} merged, "
                   f"{len(hidden)} hidden.", err=True)
        db.engine.dispose()
    return True


def revise(database_url: str, seed: int = 2026) -> bool:
    """Make Rev.1 from the reference version once: the same paragraphs and lineage keys, a
    tenth of them reworded, a few deleted and a few added. Returns whether it did."""
    from consult.database import new_key, utcnow
    from consult.drafts.models import Paragraph, Version
    from consult.markup import render_markdown

    app = reference.bench_app(database_url)
    with app.app_context():
        first = db.session.execute(
            select(Version).where(Version.number == reference.VERSION_NUMBER)
        ).scalar_one()
        if db.session.execute(
            select(Version.id).where(Version.based_on_id == first.id)
        ).first():
            return False
        rng = random.Random(seed)
        now = utcnow()
        revision = Version(
            consultation_id=first.consultation_id, number=REVISION_NUMBER, label="Rev.1",
            document_symbol=first.document_symbol, status="draft", moderation="post",
            based_on_id=first.id, created_at=now,
        )
        db.session.add(revision)
        db.session.flush()
        kept: dict[int, Paragraph] = {}
        position = 0
        for paragraph in db.session.execute(
            select(Paragraph).where(Paragraph.version_id == first.id)
            .order_by(Paragraph.position)
        ).scalars():
            draw = rng.random()
            if draw < 0.02 and paragraph.parent_id is None:
                continue
            body = paragraph.body
            if draw < 0.12:
                words = body.split(" ")
                words[rng.randrange(len(words))] = "meaningfully"
                body = " ".join(words)
            position += 1
            copy = Paragraph(
                version_id=revision.id, position=position, kind=paragraph.kind,
                number_label=paragraph.number_label, body=body,
                body_html=render_markdown(body, line_breaks=False),
                lineage_key=paragraph.lineage_key,
                parent_id=kept[paragraph.parent_id].id if paragraph.parent_id in kept else None,
            )
            db.session.add(copy)
            db.session.flush()
            kept[paragraph.id] = copy
            if draw > 0.98 and paragraph.kind == "operative":
                position += 1
                added = "*Invites* all stakeholders to report on the measures taken."
                db.session.add(Paragraph(
                    version_id=revision.id, position=position, kind="operative",
                    number_label="", body=added,
                    body_html=render_markdown(added, line_breaks=False), lineage_key=new_key(),
                ))
        db.session.commit()
        click.echo(f"Made Rev.1: {position} paragraphs.", err=True)
        db.engine.dispose()
    return True


def _text_export(what: str, size_of: Callable[[Callable[[IO[bytes]], None]], int]) -> int:
    """Make one of the exports of the text itself; returns its size in bytes."""
    from consult.database import utcnow
    from consult.drafts import service as drafts
    from consult.exports import akn, docx, redline, text

    version = drafts.get_version(reference.SLUG, reference.VERSION_NUMBER, None)
    if what == "md":
        return size_of(lambda file: file.writelines(text.markdown(version)))
    if what == "html":
        return size_of(lambda file: file.writelines(text.html(version)))
    if what == "akn":
        return size_of(lambda file: file.writelines(akn.akn(version)))
    if what == "pdf":
        return size_of(lambda file: file.write(text.pdf(version)))
    if what == "docx-text":
        return size_of(lambda file: file.write(docx.docx(version)))
    revision = db.session.execute(
        select(type(version)).where(type(version).number == REVISION_NUMBER)
    ).scalar_one()
    if what == "redline-docx":
        return size_of(lambda file: file.write(
            redline.redline_docx(version, revision, author="Secretariat", date=utcnow())
        ))
    return size_of(lambda file: file.write(redline.redline_html(version, revision).encode()))


# One export, in a process of its own --------------------------------------------------------


def _maxrss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    """Resident memory of this process now (Linux), else its peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _maxrss_mb()


def _into_file(write: Callable[[IO[bytes]], None]) -> int:
    with tempfile.TemporaryFile() as file:
        write(file)
        return file.tell()


def run_one(database_url: str, what: str, traced: bool) -> dict[str, Any]:
    """Make one export and say what it cost."""
    from consult.compilation import addressed, service, table, word
    from consult.drafts import service as drafts

    app = reference.bench_app(database_url)
    with app.app_context():
        secretariat = db.session.get(User, 1)
        version = drafts.get_version(reference.SLUG, reference.VERSION_NUMBER, None)
        _ = version.consultation.title
        client = app.test_client()
        before = _rss_mb()
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        rows = 0

        def count(_row: object) -> None:
            nonlocal rows
            rows += 1

        if what in TEXT_EXPORTS:
            size = _text_export(what, _into_file)
        elif what in ("csv", "csv-all"):
            everything = what == "csv-all"
            found = service.compilation(secretariat if everything else None, version,
                                        everything=everything)
            size = _into_file(lambda file: file.writelines(table.compilation_csv(found, count)))
        elif what == "xlsx":
            found = service.compilation(None, version)
            size = _into_file(lambda file: table.compilation_xlsx(found, file, count))
        elif what == "docx":
            found = service.compilation(None, version)
            size = _into_file(lambda file: word.compilation_docx(found, file, count))
        elif what == "addressed-docx":
            report = addressed.report(version, None)
            rows = len(report.points)
            size = _into_file(lambda file: word.addressed_docx(report, file))
        else:
            path = {
                "addressed-page": "/c/{slug}/v/{n}/addressed",
                "statistics-page": "/c/{slug}/v/{n}/statistics",
                "csv-http": "/c/{slug}/v/{n}/compilation.csv",
            }[what].format(slug=reference.SLUG, n=reference.VERSION_NUMBER)
            response = client.get(path)
            size = sum(len(piece) for piece in response.response)  # type: ignore[union-attr]
            response.close()
            assert response.status_code == 200, (what, response.status_code)
        seconds = time.perf_counter() - start
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
        if traced:
            tracemalloc.stop()
        peak = _maxrss_mb()
    return {
        "what": what, "seconds": seconds, "rows": rows, "bytes": size,
        "rss_before": before, "rss_peak": peak, "traced_peak": traced_peak,
    }


def measure(database_url: str, what: str, traced: bool) -> dict[str, Any]:
    """Run one export in a fresh interpreter, so each peak is its own."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", what,
               "--database-url", database_url] + (["--tracemalloc"] if traced else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        raise click.ClickException(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report_line(found: dict[str, Any]) -> str:
    traced = f"{found['traced_peak']:8.1f}" if found["traced_peak"] is not None else "       -"
    return (
        f"{found['what']:<16} {found['seconds']:8.2f} {found['rss_peak']:9.1f} "
        f"{found['rss_peak'] - found['rss_before']:9.1f} {traced} "
        f"{found['bytes'] / 2**20:8.2f} {found['rows']:7d}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--stakeholders", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true",
                        help="use the set in the database whatever its size")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report the peak of Python's allocations (slower)")
    parser.add_argument("--only", default=",".join(EXPORTS),
                        help=f"comma-separated, among: {', '.join(EXPORTS)}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(run_one(options.database_url, options.child, options.tracemalloc)))
        return 0
    found = reference.find(options.database_url)
    sizes = (options.paragraphs, options.comments, options.stakeholders)
    if found is None or (not options.reuse and (
        found.paragraphs, found.comments, found.stakeholders) != sizes):
        reference.build(options.database_url, *sizes)
        found = reference.find(options.database_url)
    assert found is not None
    moderate(options.database_url)
    revise(options.database_url)
    click.echo(f"{reference.describe(found)}")
    click.echo("Each export in a process of its own; memory in MB: the process's peak RSS, "
               "its growth over the RSS before the export, and Python's own peak (traced).")
    click.echo(f"{'export':<16} {'seconds':>8} {'peak RSS':>9} {'+export':>9} "
               f"{'traced':>8} {'file MB':>8} {'rows':>7}")
    for what in [name.strip() for name in options.only.split(",") if name.strip()]:
        if what not in EXPORTS:
            raise click.ClickException(f"unknown export {what!r}")
        click.echo(report_line(measure(options.database_url, what, options.tracemalloc)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
