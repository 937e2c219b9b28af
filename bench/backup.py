"""Time and size of `flask consult backup` and `restore` on the demo and on the reference
consultation (bench/reference.py), SQLite or PostgreSQL.

For each set: loads it into --database-url (the demo after emptying it; the reference set
is built there unless one is found with --reuse), backs it up with the same service as
the command, restores the file into --restore-url (emptied first), and prints seconds,
the backup's size and the rows restored, which must equal the rows backed up.

    python bench/backup.py [--database-url URL] [--restore-url URL] [--reuse]
                           [--comments N] [--only demo,reference]

Both URLs default to SQLite files under bench/out/. A PostgreSQL database is emptied
only when it holds no tables or its name has "bench" in it (as bench/reference.py does).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `consult` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import reference
from consult.extensions import db
from consult.operations import backup as backups


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def _load_demo(database_url: str) -> None:
    from flask_migrate import upgrade

    from consult import demo

    reference.reset_database(database_url)
    app = reference.bench_app(database_url)
    with app.app_context(), app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        upgrade()
        demo.load()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def measure(name: str, database_url: str, restore_url: str, folder: Path) -> str:
    path = folder / f"{name}.backup"
    reference.reset_database(restore_url)
    source = reference.bench_app(database_url)
    with source.app_context():
        rows = sum(backups.row_counts(db.engine).values())
        made = backups.backup(db.engine, path)
        db.engine.dispose()
    target = reference.bench_app(restore_url)
    with target.app_context():
        restored = backups.restore(db.engine, path)
        restored_rows = sum(backups.row_counts(db.engine).values())
        db.engine.dispose()
    check = "" if restored_rows == rows else f"  ROWS DIFFER: {restored_rows}"
    return (f"{name:<10} {rows:>8} rows  backup {made.seconds:6.2f} s  {_size(made.size):>9}"
            f"  restore {restored.seconds:6.2f} s{check}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--restore-url", default=None)
    parser.add_argument("--reuse", action="store_true",
                        help="use the reference set already in --database-url if there is one")
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--only", default="demo,reference")
    options = parser.parse_args(argv)
    database_url = options.database_url or reference.default_database_url("backup")
    restore_url = options.restore_url or reference.default_database_url("restored")
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for name in options.only.split(","):
            started = time.perf_counter()
            if name == "demo":
                _load_demo(database_url)
            elif not (options.reuse and reference.find(database_url)):
                reference.build(database_url, comments=options.comments, progress=False)
            print(f"loaded {name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            lines.append(measure(name, database_url, restore_url, Path(folder)))
            print(lines[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
