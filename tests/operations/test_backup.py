"""`flask consult backup` and `restore`: a round trip keeps every row of every table, a
backup taken while the application writes is one consistent moment, a database holding
data is replaced only when asked, and the file is readable by its owner alone."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url

from consult import create_app, database_uri
from consult.auth import service as accounts
from consult.auth.models import User
from consult.comments import service as comments
from consult.comments.models import Comment, Endorsement
from consult.database import configure_engine
from consult.extensions import begin_write, db
from consult.operations import backup as backups
from tests.conftest import PASSWORD, require

WRITER_DOMAIN = "writer.example.org"


# Databases ---------------------------------------------------------------------------------


def _restore_postgres_url() -> str:
    """The second PostgreSQL database restores go into: TEST_RESTORE_DATABASE_URL, or
    "<test database>_restore" on the same server, made when missing."""
    explicit = os.environ.get("TEST_RESTORE_DATABASE_URL")
    if explicit:
        return explicit
    source = os.environ.get("TEST_DATABASE_URL")
    require(source is not None, "TEST_DATABASE_URL is not set: PostgreSQL tests need it")
    assert source is not None
    url = make_url(database_uri(source))
    name = f"{url.database}_restore"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first():
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def second_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as the test's, to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'consult.sqlite'}"
        return
    url = _restore_postgres_url()
    assert make_url(database_uri(url)).database != make_url(database_uri(database_url)).database
    engine = create_engine(database_uri(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    yield url


@pytest.fixture
def second_app(app_config: dict[str, Any], second_database: str) -> Iterator[Flask]:
    restored = create_app({**app_config, "DATABASE_URL": second_database})
    yield restored
    with restored.app_context():
        db.engine.dispose()


@pytest.fixture
def populated(runner) -> None:
    """The demo consultation: accounts of every role, comments of every kind, merges,
    dispositions, endorsements, notifications, the audit trail."""
    result = runner.invoke(args=["consult", "demo"])
    assert result.exit_code == 0, result.output


def every_row(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table the models know, plus Alembic's, in primary-key order."""
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {*db.metadata.tables,
                                                               "alembic_version"}
        rows = {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in db.metadata.sorted_tables
        }
        rows["alembic_version"] = [
            tuple(row) for row in connection.execute(text("SELECT * FROM alembic_version"))
        ]
    return rows


def _engine(url: str) -> Engine:
    engine = create_engine(database_uri(url))
    configure_engine(engine, 5)
    return engine


# Round trip ----------------------------------------------------------------------------------


def test_backup_and_restore_keep_every_row_of_every_table(
    app, populated, runner, second_app, second_database, tmp_path
):
    target = tmp_path / "backups" / "consult.backup"
    result = runner.invoke(args=["consult", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Backed up {backups.describe(db.engine.url)} to {target}" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["consult.backup"]

    with second_app.app_context():
        result = second_app.test_cli_runner().invoke(args=["consult", "restore", str(target)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output

    source = every_row(db.engine)
    restored_engine = _engine(second_database)
    try:
        restored = every_row(restored_engine)
    finally:
        restored_engine.dispose()
    assert sum(len(rows) for rows in source.values()) > 300
    assert {name for name, rows in source.items() if rows} >= {
        "user", "consultation", "version", "paragraph", "comment", "endorsement",
        "audit_event", "merge", "alembic_version",
    }
    for name in source:
        assert restored[name] == source[name], f"table {name} differs after the round trip"

    # The restored database takes new input: its id sequences came along.
    with second_app.app_context():
        begin_write()
        user = accounts.create_user(
            email="after-restore@example.org", password=PASSWORD, name="After Restore",
            organization="Rede", stakeholder_group="academia", country="BR", verified=True,
        )
        db.session.commit()
        assert user.id == max(row[0] for row in source["user"]) + 1
        db.session.remove()
    assert second_app.test_client().get("/c/wsis20-forum/v/1").status_code == 200


def test_a_backup_replaces_an_older_one_with_a_file_only_its_owner_reads(
    app, populated, tmp_path
):
    target = tmp_path / "backups" / "nightly.backup"
    target.parent.mkdir()
    target.write_bytes(b"last night's backup")
    target.chmod(0o644)
    outcome = backups.backup(db.engine, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert outcome.size == target.stat().st_size > 10_000
    assert target.read_bytes()[:5] in (b"SQLit", b"PGDMP")
    assert [p.name for p in target.parent.iterdir()] == ["nightly.backup"]


# Refusing to overwrite --------------------------------------------------------------------------


def test_restore_refuses_a_database_holding_data_unless_forced_and_confirmed(
    app, populated, runner, tmp_path
):
    target = tmp_path / "consult.backup"
    assert runner.invoke(args=["consult", "backup", str(target)]).exit_code == 0
    before = every_row(db.engine)
    begin_write()
    db.session.execute(Endorsement.__table__.delete())
    db.session.execute(Comment.__table__.update().values(endorsement_count=0))
    db.session.commit()
    changed = every_row(db.engine)
    assert changed != before
    db.session.remove()

    refused = runner.invoke(args=["consult", "restore", str(target)])
    assert refused.exit_code == 1
    assert "is not empty" in refused.output and "--force" in refused.output
    assert every_row(db.engine) == changed

    declined = runner.invoke(args=["consult", "restore", "--force", str(target)], input="n\n")
    assert declined.exit_code == 1
    assert "WARNING" in declined.output and "deletes all of them" in declined.output
    assert every_row(db.engine) == changed

    confirmed = runner.invoke(args=["consult", "restore", "--force", str(target)], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert every_row(db.engine) == before


def test_restore_names_what_is_wrong_with_the_file(app, populated, runner, tmp_path):
    missing = runner.invoke(args=["consult", "restore", str(tmp_path / "none.backup")])
    assert missing.exit_code == 1 and "There is no backup file" in missing.output

    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    wrong = runner.invoke(args=["consult", "restore", str(other)])
    assert wrong.exit_code == 1 and "is not a consult backup" in wrong.output

    foreign = tmp_path / "foreign.backup"
    # A backup of the other kind of database: a PostgreSQL archive header, or a SQLite file.
    if db.engine.dialect.name == "sqlite":
        foreign.write_bytes(b"PGDMP\x01\x0e\x00")
        expected = "is a backup of a PostgreSQL database, but DATABASE_URL points at SQLite"
    else:
        foreign.write_bytes(backups.SQLITE_MAGIC + b"\x00" * 100)
        expected = "is a backup of a SQLite database, but DATABASE_URL points at PostgreSQL"
    mismatched = runner.invoke(args=["consult", "restore", "--force", "--yes", str(foreign)])
    assert mismatched.exit_code == 1 and expected in mismatched.output
    assert sum(backups.row_counts(db.engine).values()) > 300


# While the application writes -----------------------------------------------------------------


class Writer(threading.Thread):
    """Signs up a stakeholder and has them endorse a comment, in one transaction, again
    and again: a consistent moment holds as many writer accounts as writer endorsements,
    and the comment's stored count matches its endorsements."""

    def __init__(self, app: Flask, comment_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.comment_id = app, comment_id
        self.stop = threading.Event()
        self.committed = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    begin_write()
                    user = accounts.create_user(
                        email=f"w{self.committed}@{WRITER_DOMAIN}", password=PASSWORD,
                        name=f"Writer {self.committed}", organization="Rede",
                        stakeholder_group="academia", country="BR", verified=True,
                    )
                    comments.endorse(user, db.session.get(Comment, self.comment_id))
                    db.session.commit()
                    self.committed += 1
                db.session.remove()
        except BaseException as error:  # reported by the test
            self.errors.append(error)


def _consistent(engine: Engine, comment_id: int) -> int:
    """Check the writer's invariants in a database; return its committed transactions."""
    with engine.connect() as connection:
        writers = connection.execute(
            select(func.count()).select_from(User).where(User.email.like(f"%@{WRITER_DOMAIN}"))
        ).scalar_one()
        endorsements = connection.execute(
            select(func.count()).select_from(Endorsement).join(User)
            .where(User.email.like(f"%@{WRITER_DOMAIN}"))
        ).scalar_one()
        stored, counted = connection.execute(
            select(
                Comment.endorsement_count,
                select(func.count()).where(Endorsement.comment_id == comment_id)
                .scalar_subquery(),
            ).where(Comment.id == comment_id)
        ).one()
    assert writers == endorsements, "a writer account without its endorsement, or the reverse"
    assert stored == counted, "the comment's stored count differs from its endorsements"
    return writers


def test_a_backup_taken_while_the_application_writes_is_one_consistent_moment(
    app, populated, second_app, second_database, tmp_path
):
    target = db.session.execute(
        select(Comment.id).where(Comment.status == "published", Comment.kind == "comment")
        .order_by(Comment.id).limit(1)
    ).scalar_one()
    db.session.remove()
    _consistent(db.engine, target)
    writer = Writer(app, target)
    writer.start()
    taken = []
    try:
        for number in range(3):
            while writer.committed < 10 * (number + 1) and writer.is_alive():
                threading.Event().wait(0.01)
            before = writer.committed
            path = tmp_path / f"during-{number}.backup"
            backups.backup(db.engine, path)
            taken.append((path, before, writer.committed))
    finally:
        writer.stop.set()
        writer.join(30)
    assert not writer.errors, writer.errors
    assert writer.committed >= 30

    with second_app.app_context():
        restored = db.engine
        for path, before, after in taken:
            backups.restore(restored, path, force=True)
            # Everything committed before the backup began is in it, nothing half-done is.
            assert before <= _consistent(restored, target) <= after
    assert _consistent(db.engine, target) == writer.committed


# PostgreSQL client tools -----------------------------------------------------------------------


# pg_dump and pg_restore are for PostgreSQL only.
postgres_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@postgres_only
def test_without_pg_dump_on_path_the_error_says_what_to_install(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backups.BackupError) as refused:
        backups.backup(db.engine, tmp_path / "consult.backup")
    assert "pg_dump is not on PATH" in refused.value.message
    assert "postgresql-client-" in refused.value.message
    assert not (tmp_path / "consult.backup").exists()


@postgres_only
def test_a_pg_dump_older_than_the_server_is_refused_by_name(app, tmp_path, monkeypatch):
    old = tmp_path / "bin" / "pg_dump"
    old.parent.mkdir()
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", f"{old.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(backups.BackupError) as refused:
        backups.backup(db.engine, tmp_path / "consult.backup")
    assert "pg_dump is version 9 but the server is version" in refused.value.message
    assert not (tmp_path / "consult.backup").exists()
