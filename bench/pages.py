"""Time the version page and a busy paragraph's page on the reference consultation.

For each page: the server time of N requests through the test client (median and p95),
the SQL queries each request makes, and the time to render the same template from the
same context already in memory. The ratio server/in-memory says how much the database
and the Python around it add to the rendering itself; the target is at most 2. A second,
small reference set (same paragraphs, 200 comments) shows whether the query count grows
with the number of comments; the target is that it does not.

    python bench/pages.py [--database-url URL] [--requests N] [--reuse] [--small]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import pstats
import re
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import Flask, before_render_template, render_template
from flask_login import login_user
from sqlalchemy import event
from sqlalchemy.engine import make_url

if __package__ in (None, ""):  # run as a script: make `bench` and `consult` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import reference
from consult.auth.models import User
from consult.extensions import db

RATIO_TARGET = 2.0
SMALL = {"paragraphs": 20, "comments": 400, "stakeholders": 50, "requests": 3,
         "baseline_comments": 60}
IGNORED = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b", re.I)


@dataclass(frozen=True)
class Page:
    """One page to measure, and who looks at it."""

    name: str
    path: str
    signed_in: bool = False
    target: bool = True  # the pages; the others are shown for understanding


@dataclass
class Measurement:
    page: Page
    comments: int
    server_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    memory_ms: list[float] = field(default_factory=list)
    memory_queries: int = 0
    size: int = 0
    profile: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.server_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.server_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def memory(self) -> float:
        return statistics.median(self.memory_ms)

    @property
    def ratio(self) -> float:
        return self.median / self.memory if self.memory else math.inf

    @property
    def query_count(self) -> int:
        """Queries per request; every request should make the same number."""
        return max(self.queries)


@dataclass
class Report:
    large: reference.ReferenceSet
    baseline: reference.ReferenceSet
    measurements: list[Measurement]
    baseline_measurements: list[Measurement]
    large_reused: bool = False
    baseline_reused: bool = False

    def missed(self) -> list[str]:
        """One line per missed target; empty when every target holds."""
        lines = []
        for item in self.measurements:
            if item.ratio > RATIO_TARGET and item.page.target:
                lines.append(
                    f"TARGET MISSED: {item.page.name}: server/in-memory ratio "
                    f"{item.ratio:.2f} > {RATIO_TARGET:g}"
                )
        for large, small in zip(self.measurements, self.baseline_measurements, strict=True):
            if large.query_count != small.query_count:
                lines.append(
                    f"TARGET MISSED: {large.page.name}: {small.query_count} queries with "
                    f"{small.comments} comments but {large.query_count} with {large.comments}"
                )
        return lines


class QueryCounter:
    """Counts the statements sent to the database, without transaction control."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any,
                 context: Any, executemany: bool) -> None:
        if not IGNORED.match(statement):
            self.statements.append(statement)

    def reset(self) -> list[str]:
        seen, self.statements = self.statements, []
        return seen


@contextmanager
def counting(app: Flask) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


def pages_of(made: reference.ReferenceSet) -> list[Page]:
    busy = made.url(made.busy_position)
    where = f"busy ¶ {made.busy_position}"
    return [
        Page(f"version page ({made.paragraphs} ¶)", made.url()),
        Page(f"{where}, page 1", busy),
        Page(f"{where}, most endorsed", busy + "?sort=endorsed"),
        Page(f"{where}, last page", busy + "?page=100000", target=False),
        Page(f"{where}, page 1, signed in", busy, signed_in=True, target=False),
    ]


READER_ID = 2  # the first stakeholder: has commented and endorsed here and there


def _sign_in(client: Any) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = f"{READER_ID}.0"
        session["_fresh"] = True


@dataclass
class Captured:
    """What a view handed to render_template, with everything the template needs loaded."""

    template: str
    context: dict[str, Any]
    reader: User | None
    queries: int


def _capture(app: Flask, page: Page, counter: QueryCounter) -> Captured:
    """Run the view once and keep the context it rendered with.

    The context comes from Flask's before_render_template signal, less what context
    processors add (they run again on every render, as in a request). A second render
    while the session is still open loads whatever the template reaches lazily; the
    queries it makes are counted, since a template that queries is not "from memory".
    """
    seen: list[tuple[str, dict[str, Any]]] = []

    def capture(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        seen.append((template.name, dict(context)))

    with app.test_request_context(page.path):
        reader = db.session.get(User, READER_ID) if page.signed_in else None
        if reader is not None:
            login_user(reader)
        with before_render_template.connected_to(capture, app):
            app.full_dispatch_request()
        name, context = seen[-1]
        injected: dict[str, Any] = {}
        app.update_template_context(injected)
        own = {key: value for key, value in context.items() if key not in injected}
        counter.reset()
        render_template(name, **own)
        queries = len(counter.reset())
    return Captured(name, own, reader, queries)


def _render(app: Flask, page: Page, captured: Captured) -> float:
    """Milliseconds to render the captured context again, in a request for the same URL."""
    with app.test_request_context(page.path):
        if captured.reader is not None:
            login_user(captured.reader)
        start = time.perf_counter()
        render_template(captured.template, **captured.context)
        return (time.perf_counter() - start) * 1000


def _measure_page(app: Flask, page: Page, measured: Measurement, requests: int, warmup: int,
                  counter: QueryCounter, profile: bool) -> None:
    """Alternate whole requests and in-memory renders, so both meet the same machine load.

    Each request runs in its own app context and database session, as in production.
    """
    client = app.test_client()
    if page.signed_in:
        _sign_in(client)
    for _ in range(warmup):
        if client.get(page.path).status_code != 200:
            raise click.ClickException(f"{page.path} did not answer 200")
    captured = _capture(app, page, counter)
    measured.memory_queries = captured.queries
    profiler = cProfile.Profile() if profile else None
    for _ in range(requests):
        counter.reset()
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        response = client.get(page.path)
        spent = time.perf_counter() - start
        if profiler:
            profiler.disable()
        if response.status_code != 200:
            raise click.ClickException(f"{page.path} answered {response.status_code}")
        measured.server_ms.append(spent * 1000)
        measured.statements = counter.reset()
        measured.queries.append(len(measured.statements))
        measured.size = len(response.data)
        measured.memory_ms.append(_render(app, page, captured))
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        measured.profile = out.getvalue()


def measure(made: reference.ReferenceSet, requests: int, warmup: int = 2,
            profile: bool = False) -> list[Measurement]:
    app = reference.bench_app(made.database_url)
    results = []
    try:
        with counting(app) as counter:
            for page in pages_of(made):
                measured = Measurement(page=page, comments=made.comments)
                _measure_page(app, page, measured, requests, warmup, counter, profile)
                results.append(measured)
    finally:
        with app.app_context():
            db.engine.dispose()
    return results


# The reference sets ------------------------------------------------------------------------


def baseline_url(database_url: str) -> str:
    """Where the small set lives: beside the large one (file "-small", database "_small")."""
    url = make_url(database_url)
    if reference.is_postgresql(database_url):
        return url.set(database=f"{url.database}_small").render_as_string(hide_password=False)
    path = Path(url.database or "reference.sqlite")
    return f"sqlite:///{path.with_name(path.stem + '-small' + path.suffix)}"


def obtain(database_url: str, sizes: dict[str, int], *, reuse: bool, busy_share: float,
           create_database: bool, progress: bool) -> tuple[reference.ReferenceSet, bool]:
    """The reference set of these sizes: the one in the database with --reuse, else built."""
    if reuse:
        found = reference.find(database_url)
        if found is not None and all(
            getattr(found, key) == value for key, value in sizes.items()
        ):
            return found, True
        if progress:
            click.echo(f"No reference set of these sizes in {reference._display(database_url)}"
                       "; building it.", err=True)
    made = reference.build(database_url, busy_share=busy_share, progress=progress,
                           create_database=create_database, **sizes)
    return made, False


# Printing --------------------------------------------------------------------------------------


def table(measurements: Sequence[Measurement]) -> str:
    width = max(28, *(len(item.page.name) + 2 for item in measurements))
    lines = [
        f"{'page':<{width}}  comments  server ms (median/p95)  queries  in-memory ms  "
        f"ratio     KB"
    ]
    for item in measurements:
        memory = f"{item.memory:.1f}" + ("*" if item.memory_queries else "")
        name = item.page.name + ("" if item.page.target else " †")
        lines.append(
            f"{name:<{width}}  {item.comments:>8}  "
            f"{f'{item.median:.1f} / {item.p95:.1f}':<22}  {item.query_count:>7}  "
            f"{memory:>12}  {item.ratio:>5.2f}  {item.size / 1024:>5.0f}"
        )
    if any(item.memory_queries for item in measurements):
        lines.append("* the template itself queried the database while rendering from memory")
    if not all(item.page.target for item in measurements):
        lines.append("† shown to explain the others; the issue's ratio target is not judged on it")
    return "\n".join(lines)


def query_table(report: Report) -> str:
    width = max(28, *(len(item.page.name) for item in report.measurements))
    small, large = report.baseline.comments, report.large.comments
    lines = [f"{'queries per request':<{width}}  {small:>6} comments  {large:>6} comments"]
    for big, little in zip(report.measurements, report.baseline_measurements, strict=True):
        same = "same" if big.query_count == little.query_count else "DIFFERENT"
        lines.append(
            f"{big.page.name:<{width}}  {little.query_count:>15}  {big.query_count:>15}  {same}"
        )
    return "\n".join(lines)


def describe_set(made: reference.ReferenceSet, reused: bool) -> str:
    how = "reused" if reused else f"built in {made.build_seconds:.1f} s"
    return f"{reference._display(made.database_url)} ({how}): {reference.describe(made)}"


def print_report(report: Report, *, show_queries: bool) -> None:
    engine = "PostgreSQL" if reference.is_postgresql(report.large.database_url) else "SQLite"
    click.echo(f"\nReference sets on {engine}:")
    click.echo("  " + describe_set(report.large, report.large_reused))
    click.echo("  " + describe_set(report.baseline, report.baseline_reused))
    requests = len(report.measurements[0].server_ms)
    click.echo(f"\n{requests} requests per page after warm-up; anonymous reader unless "
               "said otherwise.\n")
    click.echo(table(report.measurements))
    click.echo("")
    click.echo(query_table(report))
    click.echo("")
    if show_queries:
        for item in report.measurements:
            click.echo(f"-- {item.page.name}: {item.query_count} queries")
            for statement in item.statements:
                click.echo("   " + " ".join(statement.split())[:300])
        click.echo("")
    for item in report.measurements:
        if item.profile:
            click.echo(f"-- profile of {item.page.name} ({requests} requests)\n{item.profile}")
    missed = report.missed()
    for line in missed:
        click.echo(line)
    if not missed:
        click.echo(f"Targets hold: ratio <= {RATIO_TARGET:g} on the judged pages, and the same "
                   f"query counts with {report.baseline.comments} and "
                   f"{report.large.comments} comments.")
    else:
        if not any("queries with" in line for line in missed):
            click.echo(f"Query counts: the same with {report.baseline.comments} and "
                       f"{report.large.comments} comments.")
        if not any("ratio" in line for line in missed):
            click.echo(f"Ratio: at most {RATIO_TARGET:g} on every page it is judged on.")


# Command line ---------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    reference.add_size_options(parser)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first")
    parser.add_argument("--reuse", action="store_true",
                        help="use the reference sets already built, when their sizes match")
    parser.add_argument("--small", action="store_true",
                        help="tiny sizes for a smoke run (20 ¶, 400 comments, 3 requests)")
    parser.add_argument("--baseline-comments", type=int, default=200,
                        help="comments in the small set that shows query counts do not grow")
    parser.add_argument("--baseline-database-url",
                        help="where the small set goes (default: beside the large one)")
    parser.add_argument("--show-queries", action="store_true",
                        help="print the SQL of one request per page")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile summary of the timed requests of each page")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    options = parser.parse_args(argv)
    if options.small:
        for key, value in SMALL.items():
            if parser.get_default(key) == getattr(options, key):
                setattr(options, key, value)
    return options


def run(options: argparse.Namespace) -> Report:
    database_url = options.database_url or reference.default_database_url()
    small_url = options.baseline_database_url or baseline_url(database_url)
    progress = not options.quiet
    common = {"reuse": options.reuse, "busy_share": options.busy_share,
              "create_database": options.create_database, "progress": progress}
    sizes = {"paragraphs": options.paragraphs, "stakeholders": options.stakeholders}
    large, large_reused = obtain(database_url, {**sizes, "comments": options.comments},
                                 **common)
    baseline, baseline_reused = obtain(
        small_url, {**sizes, "comments": options.baseline_comments}, **common
    )
    if progress:
        click.echo("Measuring...", err=True)
    measurements = measure(large, options.requests, options.warmup, options.profile)
    baseline_measurements = measure(baseline, max(1, min(options.requests, 3)), 1)
    return Report(large, baseline, measurements, baseline_measurements,
                  large_reused, baseline_reused)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures; a missed target is printed, not an error: this is a benchmark."""
    options = parse(argv)
    try:
        report = run(options)
    except click.ClickException as error:
        error.show()
        return 1
    print_report(report, show_queries=options.show_queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
