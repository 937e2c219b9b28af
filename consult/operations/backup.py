"""Backing up and restoring consult's database, SQLite or PostgreSQL.

A backup is one file: for SQLite a copy made with SQLite's online backup API, for
PostgreSQL a pg_dump archive in custom format. Both are consistent snapshots taken while
the application keeps writing, and both are written beside their target, synced and
renamed into place (a killed backup leaves the previous file) with mode 0600: they hold
password hashes.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine, make_url

from consult.errors import DomainError
from consult.files import atomic_path

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
BACKUP_MODE = 0o600
# The backup reaches for the lock as long as the application's own writers would.
LOCK_WAIT_SECONDS = 30


class BackupError(DomainError):
    """A backup or restore could not be made; the message says why and what to do."""


class NotEmpty(BackupError):
    """The database to restore into holds data, and --force was not given."""

    def __init__(self, message: str, rows: dict[str, int]) -> None:
        super().__init__(message)
        self.rows = rows


@dataclass
class Outcome:
    """What a backup or restore did, for the person running it."""

    path: Path
    database: str
    size: int
    seconds: float
    revision: str | None = None
    notes: list[str] = field(default_factory=list)


# What is in a database ----------------------------------------------------------------------


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each table of the database (the Alembic bookkeeping table left out)."""
    if engine.dialect.name == "sqlite" and not _sqlite_file(engine).exists():
        return {}
    with engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
        preparer = connection.dialect.identifier_preparer
        return {
            name: int(
                connection.exec_driver_sql(f"SELECT count(*) FROM {preparer.quote(name)}")
                .scalar_one()
            )
            for name in sorted(names)
        }


def revision_of(engine: Engine) -> str | None:
    """The Alembic revision the database is at, None when it has never been migrated."""
    with engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def describe(url: str | URL) -> str:
    """The database's address without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _refuse_unless_empty(engine: Engine, force: bool) -> None:
    rows = {name: count for name, count in row_counts(engine).items() if count}
    if rows and not force:
        shown = ", ".join(f"{count} in {name}" for name, count in list(rows.items())[:5])
        raise NotEmpty(
            f"{describe(engine.url)} is not empty: it holds {sum(rows.values())} rows "
            f"({shown}{', ...' if len(rows) > 5 else ''}). Restoring replaces all of them. "
            "Back it up first, then run restore again with --force to replace it.",
            rows,
        )


def _kind_of_file(path: Path) -> str:
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError as error:
        raise BackupError(f"There is no backup file {path}.") from error
    except IsADirectoryError as error:
        raise BackupError(f"{path} is a folder, not a backup file.") from error
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a consult backup: neither a SQLite database nor a pg_dump archive "
        "in custom format."
    )


def _check_kind(path: Path, engine: Engine) -> None:
    found, wanted = _kind_of_file(path), engine.dialect.name
    if found != wanted:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"{path} is a backup of a {names[found]} database, but DATABASE_URL points at "
            f"{names.get(wanted, wanted)}. Restore it into a {names[found]} database."
        )


# Entry points ----------------------------------------------------------------------------------


def backup(engine: Engine, path: str | Path) -> Outcome:
    """Write a consistent backup of the database to path, while the application runs."""
    target = Path(path)
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the name of the backup file to write.")
    started = time.perf_counter()
    if engine.dialect.name == "sqlite":
        _sqlite_backup(engine, target)
    elif engine.dialect.name == "postgresql":
        _pg_backup(engine, target)
    else:
        raise BackupError(f"Backing up a {engine.dialect.name} database is not supported.")
    return Outcome(
        path=target,
        database=describe(engine.url),
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
        revision=revision_of(engine),
    )


def restore(engine: Engine, path: str | Path, *, force: bool = False) -> Outcome:
    """Replace the database's content with a backup's.

    Refuses a database that holds rows unless force is given: restoring replaces them.
    """
    source = Path(path)
    _check_kind(source, engine)
    _refuse_unless_empty(engine, force)
    started = time.perf_counter()
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, source)
    else:
        _pg_restore(engine, source)
    engine.dispose()
    outcome = Outcome(
        path=source,
        database=describe(engine.url),
        size=source.stat().st_size,
        seconds=time.perf_counter() - started,
        revision=revision_of(engine),
    )
    if outcome.revision is None:
        outcome.notes.append("The backup holds no migration revision: is it consult's?")
    return outcome


# SQLite ----------------------------------------------------------------------------------------


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(
            "Only a SQLite database in a file can be backed up and restored "
            f"(DATABASE_URL is {describe(engine.url)})."
        )
    return Path(database)


def _sqlite_backup(engine: Engine, target: Path) -> None:
    """SQLite's online backup API, in one step: the copy is one read transaction, so it
    is a consistent snapshot however many writers the application has (WAL lets them go
    on meanwhile), and it includes what sits in the write-ahead log."""
    database = _sqlite_file(engine)
    if not database.exists():
        raise BackupError(f"There is no SQLite database at {database}.")
    if target.resolve() == database.resolve():
        raise BackupError("The backup file cannot be the database itself.")
    source = sqlite3.connect(database, timeout=LOCK_WAIT_SECONDS)
    try:
        with atomic_path(target, mode=BACKUP_MODE) as temporary:
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)
                # One self-contained file, whatever the live database's journal mode.
                copy.execute("PRAGMA journal_mode = DELETE")
                _check_sqlite(copy, target)
            finally:
                copy.close()
    finally:
        source.close()


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _sqlite_restore(engine: Engine, source: Path) -> None:
    """Copy the backup into the live database with the same backup API, page by page
    under the database's write lock: other connections, even of running application
    processes, see the old content or the new, and no stale write-ahead log is left to
    mix the two (as replacing the file under a running application would)."""
    database = _sqlite_file(engine)
    backup_file = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _check_sqlite(backup_file, source)
        database.parent.mkdir(parents=True, exist_ok=True)
        live = sqlite3.connect(database, timeout=LOCK_WAIT_SECONDS)
        try:
            backup_file.backup(live)
        except sqlite3.Error as error:
            raise BackupError(f"Restoring into {database} failed: {error}") from error
        finally:
            live.close()
    finally:
        backup_file.close()


# PostgreSQL -------------------------------------------------------------------------------------


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The connection string for the PostgreSQL client tools, and their environment: the
    password goes in PGPASSWORD, never on a command line others can read."""
    url = engine.url
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _major(version_text: str) -> int | None:
    """15 from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    match = re.search(r"\)\s*(\d+)", version_text)
    return int(match.group(1)) if match else None


def _tool(name: str, engine: Engine) -> tuple[str, int | None, int | None]:
    """Find a PostgreSQL client tool; compare its major version with the server's."""
    with engine.connect() as connection:
        server_number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    server = server_number // 10000
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH. Install the PostgreSQL client tools of the server's "
            f"version ({server}), e.g. apt-get install postgresql-client-{server}, and run "
            "again."
        )
    output = subprocess.run(
        [found, "--version"], capture_output=True, text=True, check=False
    ).stdout
    return found, _major(output), server


def _run(command: list[str], environment: dict[str, str], what: str,
         versions: Callable[[], str]) -> None:
    finished = subprocess.run(command, capture_output=True, text=True, env=environment,
                              check=False)
    if finished.returncode != 0:
        message = finished.stderr.strip() or f"exit status {finished.returncode}"
        raise BackupError(f"{what} failed: {message}{versions()}")


def _pg_backup(engine: Engine, target: Path) -> None:
    """pg_dump in custom format: one consistent snapshot, taken while others write."""
    pg_dump, client, server = _tool("pg_dump", engine)
    if client is not None and server is not None and client < server:
        raise BackupError(
            f"pg_dump is version {client} but the server is version {server}: pg_dump cannot "
            f"back up a newer server. Install postgresql-client-{server} and put its pg_dump "
            "first on PATH."
        )
    connection, environment = _libpq(engine)
    with atomic_path(target, mode=BACKUP_MODE) as temporary:
        _run(
            [pg_dump, "--format=custom", "--file", str(temporary), "--dbname", connection],
            environment,
            "pg_dump",
            lambda: f" (pg_dump {client}, server {server})" if client != server else "",
        )


def _archive_tables(pg_restore: str, source: Path) -> set[str]:
    listed = subprocess.run([pg_restore, "--list", str(source)], capture_output=True,
                            text=True, check=False)
    if listed.returncode != 0:
        raise BackupError(f"{source} cannot be read by pg_restore: {listed.stderr.strip()}")
    tables = set()
    for line in listed.stdout.splitlines():
        parts = line.split()
        # "<id>; <oid> <oid> TABLE <schema> <name> <owner>"
        if len(parts) >= 6 and parts[3] == "TABLE" and parts[4] == "public":
            tables.add(parts[5])
    return tables


def _pg_restore(engine: Engine, source: Path) -> None:
    """pg_restore in one transaction: it drops what the backup holds and makes it again,
    so a failure midway leaves the database as it was. Tables the backup does not know
    (from a later migration) are dropped first, or the schema would not match the
    backup's revision."""
    pg_restore, client, server = _tool("pg_restore", engine)
    in_backup = _archive_tables(pg_restore, source)
    with engine.begin() as connection:
        present = set(inspect(connection).get_table_names())
        preparer = connection.dialect.identifier_preparer
        for name in sorted(present - in_backup):
            connection.exec_driver_sql(f"DROP TABLE {preparer.quote(name)} CASCADE")
    connection_string, environment = _libpq(engine)
    _run(
        [pg_restore, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
         "--no-owner", "--no-privileges", "--dbname", connection_string, str(source)],
        environment,
        "pg_restore",
        lambda: (f" (pg_restore {client}, server {server}: the client tools should be the "
                 "server's version)") if client != server else "",
    )
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def latest_revision() -> str | None:
    """The newest migration shipped with this code."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    return ScriptDirectory.from_config(config).get_current_head()

