"""Time of the people area's work on the reference consultation: the People page (one page
of accounts, searched), one person's data as a zip, verifying an organization (which marks
the person's input) and deleting an account (which empties it), for the stakeholder with
the most input. Each write is rolled back, so the set can be reused.

    python bench/people.py [--database-url URL] [--comments N] [--stakeholders N]
                           [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import event, func, select

if __package__ in (None, ""):  # run as a script: make `bench` and `consult` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import reference
from consult.auth.models import Role, User
from consult.comments.models import Comment
from consult.extensions import db
from consult.people import service


def _timed(work: Callable[[], object], repeat: int) -> tuple[float, int]:
    """Median seconds over repeat runs, and the statements one run sends."""
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("")

    times = []
    for run in range(repeat):
        if run == 0:
            event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
        if run == 0:
            event.remove(db.engine, "before_cursor_execute", count)
        db.session.rollback()
    return statistics.median(times), len(statements)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=reference.default_database_url("people"))
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--stakeholders", type=int, default=5_000)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    found = reference.find(args.database_url)
    if found is None or (found.comments, found.stakeholders) != (args.comments,
                                                                 args.stakeholders):
        reference.build(args.database_url, paragraphs=args.paragraphs,
                        comments=args.comments, stakeholders=args.stakeholders)
    app = reference.bench_app(args.database_url, SERVER_NAME="consult.bench")
    with app.app_context(), app.test_request_context():
        secretariat = db.session.execute(
            select(User).where(User.role == Role.SECRETARIAT).limit(1)
        ).scalar_one()
        busiest_id, written = db.session.execute(
            select(Comment.author_id, func.count()).group_by(Comment.author_id)
            .order_by(func.count().desc()).limit(1)
        ).one()
        people = db.session.execute(select(func.count()).select_from(User)).scalar_one()
        person = db.session.get(User, busiest_id)
        assert person is not None
        filters = service.PeopleFilter(text=person.organization[:6])

        def archive() -> None:
            service.archive_bytes(service.personal_data(person, person))

        def verify() -> None:
            person.organization_verified_at = None
            service.verify_organization(secretariat, person, person.organization)

        rows = [
            ("People page, first 50", lambda: service.people(secretariat)),
            ("People page, searched", lambda: service.people(secretariat, filters)),
            ("People page, last page", lambda: service.people(secretariat, page=10**6)),
            (f"data zip ({written} comments)", archive),
            (f"verify organization ({written} comments)", verify),
            (f"delete account ({written} comments)", lambda: service.erase(person)),
        ]
        print(f"{people:,} accounts, {args.comments:,} comments; {args.repeat} runs each "
              f"({db.engine.dialect.name})")
        print(f"{'':40} {'median ms':>10} {'queries':>8}")
        for label, work in rows:
            seconds, queries = _timed(work, args.repeat)
            print(f"{label:40} {seconds * 1000:10.1f} {queries:8d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
