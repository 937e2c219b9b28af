"""Start-up configuration, the SQLite engine settings and how mail leaves the application."""

from __future__ import annotations

import socketserver
import stat
import threading
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, text

from consult import create_app, database_uri
from consult.auth import service as accounts
from consult.config import ENVIRONMENT_SETTINGS, ConfigurationError, ensure_secret_key
from consult.extensions import db
from consult.mail import queue_email
from tests.conftest import PASSWORD, link_in, outbox

# Mail does not depend on the database: one of them is enough.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give create_app an empty instance folder and an environment without consult settings.

    create_app() takes no instance path, and Flask's own default is the project's
    instance/ folder, which must not be touched by tests.
    """
    folder = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(folder))
    for name in [*ENVIRONMENT_SETTINGS, "CONSULT_ENV", "FLASK_DEBUG"]:
        monkeypatch.delenv(name, raising=False)
    return folder


# The secret key -----------------------------------------------------------------------------


def test_missing_secret_key_stops_start_up_outside_development(instance):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()
    assert not (instance / "secret_key").exists()


def test_secret_key_from_the_environment(instance, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a key from the environment")
    assert create_app().config["SECRET_KEY"] == "a key from the environment"


def test_development_makes_a_key_once_and_keeps_it(instance, monkeypatch):
    monkeypatch.setenv("CONSULT_ENV", "development")
    first = create_app().config["SECRET_KEY"]
    key_file = instance / "secret_key"

    assert len(first) >= 32
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app().config["SECRET_KEY"] == first


def test_development_reuses_a_key_already_in_the_instance_folder(instance):
    instance.mkdir()
    (instance / "secret_key").write_text("kept from last time\n")
    app = create_app({"ENV_NAME": "development"})
    assert app.config["SECRET_KEY"] == "kept from last time"


@pytest.mark.parametrize(
    ("config", "outcome"),
    [
        ({}, "error"),
        ({"ENV_NAME": "production"}, "error"),
        ({"ENV_NAME": "staging", "SECRET_KEY": ""}, "error"),
        ({"SECRET_KEY": "given"}, "given"),
        ({"ENV_NAME": "development", "SECRET_KEY": "given"}, "given"),
        ({"TESTING": True}, "random"),
        ({"ENV_NAME": "development"}, "file"),
        ({"DEBUG": True}, "file"),
    ],
)
def test_ensure_secret_key(tmp_path, config, outcome):
    key_file = tmp_path / "secret_key"
    if outcome == "error":
        with pytest.raises(ConfigurationError, match="SECRET_KEY"):
            ensure_secret_key(config, str(tmp_path))
        return
    ensure_secret_key(config, str(tmp_path))
    assert config["SECRET_KEY"]
    if outcome == "given":
        assert config["SECRET_KEY"] == "given"
    if outcome == "file":
        assert key_file.read_text().strip() == config["SECRET_KEY"]
        again = {key: value for key, value in config.items() if key != "SECRET_KEY"}
        ensure_secret_key(again, str(tmp_path))
        assert again["SECRET_KEY"] == config["SECRET_KEY"]
    else:
        assert not key_file.exists()


# Other settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db.example:5432/consult", "postgresql+psycopg://u:p@db.example:5432/consult"),
        ("postgresql://u@db.example/consult", "postgresql+psycopg://u@db.example/consult"),
        ("postgresql+psycopg://u@db/consult", "postgresql+psycopg://u@db/consult"),
        ("sqlite:////srv/consult.sqlite", "sqlite:////srv/consult.sqlite"),
    ],
)
def test_database_uri(url, expected):
    assert database_uri(url) == expected


def test_database_url_from_the_environment_uses_psycopg(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://consult@db.example/consult")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://consult@db.example/consult"
    with app.app_context():
        assert db.engine.dialect.driver == "psycopg"


def test_default_database_is_sqlite_in_the_instance_folder(instance):
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'consult.sqlite'}"


def test_settings_from_the_environment_are_converted(instance, monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "yes")
    app = create_app({"TESTING": True})
    assert (app.config["MAIL_PORT"], app.config["MAIL_USE_TLS"]) == (2525, True)

    monkeypatch.setenv("MAIL_PORT", "twenty-five")
    with pytest.raises(ConfigurationError, match="MAIL_PORT must be a whole number"):
        create_app({"TESTING": True})


# SQLite under concurrent use ----------------------------------------------------------------


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Flask:
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'consult.sqlite'}",
        "SQLITE_BUSY_TIMEOUT": 7,
        "WTF_CSRF_ENABLED": False,
    })


def test_sqlite_connections_use_wal_and_wait_for_locks(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 7000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_post_requests_begin_immediate_and_get_requests_plain_begin(sqlite_app):
    def read() -> str:
        return str(db.session.execute(text("SELECT 1")).scalar())

    sqlite_app.add_url_rule("/_read", "read", read, methods=["GET", "POST"])
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with sqlite_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    client = sqlite_app.test_client()
    try:
        assert client.get("/_read").status_code == 200
        assert statements == ["BEGIN", "SELECT 1"]
        statements.clear()
        assert client.post("/_read").status_code == 200
        assert statements == ["BEGIN IMMEDIATE", "SELECT 1"]
    finally:
        event.remove(engine, "before_cursor_execute", record)
        engine.dispose()


# Mail ---------------------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of SMTP (RFC 5321) for smtplib to hand a message over."""

    server: _SMTPServer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        sender, recipients = "", []
        self.reply("220 smtp.test ESMTP")
        for raw in self.rfile:
            command = raw.decode("ascii").rstrip("\r\n")
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 smtp.test")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                for line in self.rfile:
                    if line == b".\r\n":
                        break
                    lines.append(line[1:] if line.startswith(b".") else line)
                message = BytesParser(policy=policy.default).parsebytes(b"".join(lines))
                self.server.received.append((sender, recipients, message))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class _SMTPServer(socketserver.TCPServer):
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.received: list = []


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a local port, and the app configured to send through it."""
    server = _SMTPServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1])
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@on_sqlite
def test_mail_goes_through_smtp_when_a_server_is_set(app, client, smtp_server):
    response = client.post("/register", data={
        "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD,
        "name": "Ana Souza", "organization": "Instituto Rede",
        "stakeholder_group": "academia", "country": "BR", "accept_terms": "y",
    })
    assert response.status_code == 302

    [(sender, recipients, message)] = smtp_server.received
    assert sender == "<no-reply@consult.invalid>"
    assert recipients == ["<ana@example.org>"]
    assert message["Subject"] == "Confirm your email address for consult"
    assert link_in(message, "/verify/")
    assert outbox(app) == []


@on_sqlite
def test_rolled_back_work_sends_no_mail(app, smtp_server):
    accounts.register(email="ana@example.org", password=PASSWORD, name="Ana",
                      organization="Rede", stakeholder_group="academia", country="BR")
    db.session.rollback()
    queue_email("someone@example.org", "Kept", "This one is committed.")
    db.session.commit()

    assert [message["Subject"] for _s, _r, message in smtp_server.received] == ["Kept"]


@on_sqlite
def test_rolled_back_work_leaves_the_outbox_empty(app):
    accounts.request_password_reset("nobody@example.org")
    queue_email("someone@example.org", "Dropped", "The transaction is rolled back.")
    db.session.rollback()
    db.session.commit()
    assert outbox(app) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_reads_run_without_a_transaction_and_writes_within_one(app):
    def mode() -> str:
        connection = db.session.connection()
        return "autocommit" if connection.connection.dbapi_connection.autocommit else "transaction"

    app.add_url_rule("/_mode", "mode", mode, methods=["GET", "POST"])
    client = app.test_client()
    assert client.get("/_mode").get_data(as_text=True) == "autocommit"
    assert client.post("/_mode").get_data(as_text=True) == "transaction"
    assert client.get("/_mode").get_data(as_text=True) == "autocommit"
