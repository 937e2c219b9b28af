"""The Alembic migrations build the schema the models describe, and take it down again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from consult import create_app, database_uri
from consult.extensions import db
from tests.conftest import require


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A throwaway schema in the database of TEST_DATABASE_URL, dropped afterwards: the
    connection's search_path puts the migrations' tables there, beside the suite's own
    tables in "public", and no other database is touched."""
    url = os.environ.get("TEST_DATABASE_URL")
    require(url is not None, "TEST_DATABASE_URL is not set: PostgreSQL tests need it")
    assert url is not None
    server = make_url(database_uri(url))
    # The process id keeps two runs on one database out of each other's way.
    name = f"consult_migrations_test_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield server.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    return request.getfixturevalue("empty_postgres")


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _differences() -> list:
    """What autogenerate would write into a new migration: nothing, if models and
    migrations agree."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_from_empty(empty_database):
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database})
    with app.app_context():
        try:
            assert _tables() == set()

            upgrade()
            assert _tables() == {*db.metadata.tables, "alembic_version"}
            assert _differences() == []

            downgrade(revision="base")
            assert _tables() == {"alembic_version"}

            upgrade()
            assert _tables() == {*db.metadata.tables, "alembic_version"}
            assert _differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


# Rows of the schema as the first migration made it, written in plain SQL because the
# models already describe the latest schema.
FIRST_SCHEMA_ROWS = [
    "INSERT INTO \"user\" (id, email, password_hash, name, organization, stakeholder_group,"
    " country, role, session_epoch, active, created_at) VALUES (1, 'a@example.org', 'x',"
    " 'Ana', 'Rede', 'academia', 'BR', 'stakeholder', 0, TRUE, '2026-01-01 00:00:00')",
    "INSERT INTO consultation (id, slug, title, summary, created_at)"
    " VALUES (1, 'wsis', 'WSIS', '', '2026-01-01 00:00:00')",
    "INSERT INTO version (id, consultation_id, number, label, document_symbol, status,"
    " moderation, created_at, row_version)"
    " VALUES (1, 1, 1, 'Zero draft', '', 'open', 'post', '2026-01-01 00:00:00', 1)",
    "INSERT INTO paragraph (id, version_id, position, kind, number_label, body, body_html,"
    " lineage_key, row_version) VALUES (1, 1, 1, 'operative', '1', 'Decides;',"
    " '<p>Decides;</p>', 'k1', 1)",
    "INSERT INTO comment (id, version_id, paragraph_id, kind, status, body, body_html,"
    " proposed_text, quote, author_id, author_name, author_organization, author_group,"
    " author_country, created_at, endorsement_count, row_version) VALUES (1, 1, 1,"
    " 'comment', 'published', 'Yes', '<p>Yes</p>', '', '', 1, 'Ana', 'Rede', 'academia',"
    " 'BR', '2026-01-01 00:00:00', 0, 1)",
]


def _count(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one()


def test_a_populated_database_upgrades_and_downgrades_keeping_its_rows(empty_database):
    """SQLite rebuilds tables to alter them: with foreign keys on, that once cascaded
    deletes from version into paragraph and comment."""
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database})
    with app.app_context():
        try:
            upgrade(revision="8f6d5f320e8e")
            with db.engine.begin() as connection:
                for statement in FIRST_SCHEMA_ROWS:
                    connection.exec_driver_sql(statement)
            upgrade()
            assert [_count(t) for t in ("version", "paragraph", "comment")] == [1, 1, 1]
            assert _differences() == []
            downgrade(revision="8f6d5f320e8e")
            assert [_count(t) for t in ("version", "paragraph", "comment")] == [1, 1, 1]
        finally:
            db.session.remove()
            db.engine.dispose()


def _all_counts() -> dict[str, int]:
    return {table: _count(table) for table in _tables() if table != "alembic_version"}


def _revisions_below_head() -> list[str]:
    """Every revision older than the newest, newest first."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    return [revision.revision for revision in script.walk_revisions()][1:]


def test_the_demo_survives_each_downgrade_and_upgrade_in_the_tables_kept(
    empty_database, tmp_path
):
    """Load the demo at the newest revision, then go down to each older revision and back
    up: the tables a downgrade keeps keep every row, and the schema comes back whole."""
    app = create_app({"TESTING": True, "DATABASE_URL": empty_database,
                      "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "SERVER_NAME": "consult.test"})
    with app.app_context():
        try:
            upgrade()
            result = app.test_cli_runner().invoke(args=["consult", "demo"])
            assert result.exit_code == 0, result.output
            db.session.remove()
            at_head = _all_counts()
            assert at_head["comment"] > 50 and at_head["endorsement"] > 50
            assert at_head["audit_event"] > 0 and at_head["recovery_code"] > 0

            older = _revisions_below_head()
            assert len(older) >= 3
            for revision in older:
                before = _all_counts()
                downgrade(revision=revision)
                kept = _all_counts()
                assert kept == {table: before[table] for table in kept}, revision
                assert {"user", "consultation", "version", "paragraph", "comment"} <= set(kept)
                upgrade()
                back = _all_counts()
                assert {table: back[table] for table in kept} == kept, revision
                assert _differences() == []
            assert _all_counts()["comment"] == at_head["comment"]
            assert _all_counts()["paragraph"] == at_head["paragraph"]

            downgrade(revision="base")
            assert _tables() == {"alembic_version"}
            upgrade()
            assert _tables() == {*db.metadata.tables, "alembic_version"}
            assert set(_all_counts().values()) == {0}
            assert _differences() == []
            result = app.test_cli_runner().invoke(args=["consult", "demo"])
            assert result.exit_code == 0, result.output
            db.session.remove()
            assert _all_counts()["comment"] == at_head["comment"]
        finally:
            db.session.remove()
            db.engine.dispose()
