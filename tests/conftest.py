"""Fixtures: an application on a real database (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), accounts of every role, a consultation open for comments.

CONSULT_REQUIRE_ALL=1 (set by CI) turns every "skip because something is missing" into a
failure, so CI cannot go green by skipping.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from consult import create_app, database_uri
from consult.auth import otp
from consult.auth import service as accounts
from consult.auth.models import User
from consult.database import utcnow
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedDocument, ParsedParagraph
from consult.drafts.models import Version
from consult.extensions import db

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PASSWORD = "correct horse battery"
# The authenticator-app secret of every test account that has a second factor.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REQUIRE_ALL = os.environ.get("CONSULT_REQUIRE_ALL") == "1"


def require(condition: bool, reason: str) -> None:
    """Skip when something the test needs is missing; in CI, fail instead."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (CONSULT_REQUIRE_ALL=1: missing parts are failures)")
    pytest.skip(reason)


def shared_data(relative: str) -> Path:
    path = SHARED_DATA / relative
    require(path.exists(), f"{path} is absent (it ships beside the project, not in it)")
    return path


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


DATABASES = ["sqlite", "postgresql"]


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file built once by the migrations, copied for every test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> str:
    """The PostgreSQL test database, emptied and built by the migrations once per run."""
    url = _postgres_url()
    require(url is not None, "TEST_DATABASE_URL is not set: PostgreSQL tests need it")
    assert url is not None
    engine = create_engine(database_uri(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    _migrate(url)
    return url


def _empty_postgres(url: str) -> None:
    engine = create_engine(database_uri(url))
    with engine.begin() as connection:
        tables = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            names = ", ".join(f'"{name}"' for name in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "consult.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema")
    _empty_postgres(url)
    return url


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "DATABASE_URL": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "consult.test",
        # scrypt takes 0.1 s a hash, most of the suite's time; one test checks the default.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Rate limits counted in this process, whatever REDIS_URL the environment sets (CI
        # does): counts kept in a shared Redis would outlive each test and lock the next
        # one out. The tests of Redis counting name their own database.
        "REDIS_URL": "",
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context.

    The test keeps an application context (and database session) of its own for setting
    things up and checking them; each request gets a fresh one, as in production, so
    nothing leaks between them through `g` or a shared session. The test's session is
    committed before a request and expired after it, so each side sees the other's work.
    """

    def open(self, *args: Any, **kwargs: Any):
        if has_app_context():
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


# Accounts ---------------------------------------------------------------------------------


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    counter = {"n": 0}

    def make(**fields: Any) -> User:
        counter["n"] += 1
        values = {
            "email": f"person{counter['n']}@example.org",
            "password": PASSWORD,
            "name": f"Person {counter['n']}",
            "organization": "Network for Digital Justice",
            "stakeholder_group": "civil_society",
            "country": "KE",
            "role": "stakeholder",
            "verified": True,
        }
        values.update(fields)
        # Moderators and the secretariat must have a second factor (TWO_FACTOR_ROLES):
        # they get one unless the test asks for an account that has not set it up yet.
        second_factor = values.pop("second_factor", None)
        user = accounts.create_user(**values)
        if second_factor or (second_factor is None and accounts.requires_second_factor(user)):
            accounts.set_up_second_factor(user, TOTP_SECRET)
        db.session.commit()
        return user

    return make


@pytest.fixture
def stakeholder(create_user) -> User:
    return create_user(email="amina@example.org", name="Amina Diallo")


@pytest.fixture
def other_stakeholder(create_user) -> User:
    return create_user(
        email="li@example.org",
        name="Li Wenjing",
        organization="Minato University",
        stakeholder_group="academia",
        country="CN",
    )


@pytest.fixture
def moderator(create_user) -> User:
    return create_user(
        email="moderator@example.org",
        name="Tomás Okafor",
        role="moderator",
        organization="WSIS secretariat",
        stakeholder_group="international_organization",
        country="CH",
    )


@pytest.fixture
def secretariat(create_user) -> User:
    return create_user(
        email="secretariat@example.org",
        name="Olena Kravets",
        role="secretariat",
        organization="WSIS secretariat",
        stakeholder_group="international_organization",
        country="CH",
    )


def second_factor_code(email: str) -> str:
    """A code the account's authenticator app would show, not used yet.

    A code works once: each sign-in uses up its 30-second step, and only the steps next to
    now are taken. When a test has used them up, the last one used is forgotten, as if the
    test had waited for the next step.
    """
    db.session.commit()  # end this side's transaction: see what the server has used
    user = accounts.find_user_by_email(email)
    assert user is not None and user.totp_secret, f"{email} has no second factor"
    db.session.refresh(user)
    secret = otp.unseal(user.totp_secret)
    now = otp.current_step()
    for step in (now, now + 1):
        if user.totp_last_step is None or step > user.totp_last_step:
            return otp.code_at(secret, step)
    user.totp_last_step = None
    db.session.commit()
    return otp.code_at(secret, now)


class Auth:
    """Sign in and out through the real forms, the second factor included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **extra: Any):
        response = self.client.post(
            "/login", data={"email": email, "password": password, **extra}
        )
        if response.status_code == 302 and urlsplit(response.location).path == "/login/code":
            response = self.client.post("/login/code", data={"code": second_factor_code(email)})
        return response

    def logout(self):
        return self.client.post("/logout")


def browser_sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form in Chromium, giving the second factor when asked."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/login/code":
        page.get_by_label("Code", exact=True).fill(second_factor_code(email))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


# Text -------------------------------------------------------------------------------------

SAMPLE = [
    ParsedParagraph("text", "The General Assembly,"),
    ParsedParagraph("preambular", "*Recalling* its resolution 70/125 of 16 December 2015,"),
    ParsedParagraph("heading", "Information and communications technologies for development", "I"),
    ParsedParagraph(
        "operative",
        "*Reaffirms* the vision of a people-centred, inclusive and "
        "development-oriented information society;",
        "1",
    ),
    ParsedParagraph("operative", "*Calls upon* all stakeholders:", "2"),
    ParsedParagraph(
        "operative", "To bridge digital divides, including the gender digital divide;", "(a)", 1
    ),
    ParsedParagraph("operative", "To strengthen the Internet Governance Forum;", "(b)", 1),
    ParsedParagraph("operative", "*Decides* to hold a high-level meeting in 2035.", "3"),
]


@pytest.fixture
def create_version(app: Flask, secretariat: User) -> Callable[..., Version]:
    """Make a consultation version; open (and taking comments) unless told otherwise."""

    def make(
        *,
        slug: str = "wsis20",
        paragraphs: list[ParsedParagraph] | None = None,
        status: str = "open",
        moderation: str = "post",
        label: str = "Zero draft",
        closes_in: dt.timedelta | None = dt.timedelta(days=30),
    ) -> Version:
        consultation = db.session.execute(
            db.select(drafts.Consultation).where(drafts.Consultation.slug == slug)
        ).scalar_one_or_none() or drafts.create_consultation(
            secretariat, slug=slug, title="WSIS+20 outcome document"
        )
        version = drafts.create_version(
            secretariat,
            consultation,
            label=label,
            moderation=moderation,
            closes_at=utcnow() + closes_in if closes_in else None,
            document=ParsedDocument(paragraphs=list(paragraphs or SAMPLE)),
        )
        if status in ("open", "closed"):
            drafts.open_version(secretariat, version)
        if status == "closed":
            drafts.close_version(secretariat, version)
        db.session.commit()
        return version

    return make


@pytest.fixture
def version(create_version) -> Version:
    return create_version()


# Measuring ---------------------------------------------------------------------------------


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", statement, re.I):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """Use as: with count_queries() as counter: ...; counter.count."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


def outbox(app: Flask):
    from consult.mail import read_outbox

    return read_outbox(app.config["MAIL_OUTBOX_DIR"])


def link_in(message, path_start: str) -> str:
    """The path of the first link in an email that starts with path_start."""
    body = message.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"\S*)", body)
    assert match, f"no link to {path_start} in:\n{body}"
    return match.group(1)
