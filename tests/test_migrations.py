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
    """A throwaway database on the server of TEST_DATABASE_URL, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    require(url is not None, "TEST_DATABASE_URL is not set: PostgreSQL tests need it")
    assert url is not None
    server = make_url(database_uri(url))
    # The process id keeps two runs on one server out of each other's way.
    name = f"consult_migrations_test_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
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
