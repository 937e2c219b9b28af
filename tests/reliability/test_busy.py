"""When SQLite's writers queue longer than the busy timeout (a machine far past what it
can do), a write is answered 503 with what to do, never a 500: nothing was saved yet, so
sending it again is safe, and the same submission key makes it one comment then."""

from __future__ import annotations

import sqlite3
from html import unescape
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from consult.comments.models import Comment
from consult.extensions import db

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
BUSY = "Many people are sending at this moment, so what you sent was not saved."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLITE_BUSY_TIMEOUT": 1}


def _comments() -> int:
    db.session.commit()
    return db.session.execute(select(func.count()).select_from(Comment)).scalar_one()


def test_a_form_sent_while_the_lock_is_held_too_long_is_answered_busy(
    app, client, auth, version, stakeholder, caplog
) -> None:
    auth.login("amina@example.org")
    path = f"/c/{version.consultation.slug}/v/{version.number}/p/4"
    sent = {"kind": "comment", "body": "Sent at a busy moment.", "submission_key": "busy-1",
            "send": "Send"}
    with _held(app):
        answer = client.post(path, data=sent)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert BUSY in unescape(answer.get_data(as_text=True))
    assert "database is locked" not in caplog.text
    assert _comments() == 0
    # Sent again once the lock is free: saved, once.
    assert client.post(path, data=sent).status_code == 302
    assert client.post(path, data=sent).status_code == 302
    assert _comments() == 1


def test_the_api_answers_busy_in_json(app, client, version, stakeholder) -> None:
    from consult.api import service as api

    _token, secret = api.create_token(stakeholder, "busy")
    db.session.commit()
    with _held(app):
        answer = client.post(
            f"/api/v1/consultations/{version.consultation.slug}/versions/{version.number}"
            "/paragraphs/4/comments",
            json={"body": "Sent at a busy moment."},
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert answer.status_code == 503
    assert answer.json["error"]["message"].startswith(BUSY)
    assert _comments() == 0


class _held:
    """Hold the write lock from a connection of its own (another process would)."""

    def __init__(self, app) -> None:
        self.path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database

    def __enter__(self) -> None:
        db.session.commit()
        self.other = sqlite3.connect(self.path, isolation_level=None)
        self.other.execute("BEGIN IMMEDIATE")

    def __exit__(self, *_: object) -> None:
        self.other.execute("ROLLBACK")
        self.other.close()


def test_the_password_is_checked_without_holding_up_the_writers(app, client, stakeholder):
    """Signing in checks a password hash (0.2 s of scrypt) before it takes the write lock:
    a wrong password is answered even while another process holds the lock, and a right one
    waits for the lock only to note the sign-in (a 503 if it waits too long, never a 500)."""
    with _held(app):
        wrong = client.post("/login", data={"email": stakeholder.email, "password": "not it"})
        right = client.post("/login", data={"email": stakeholder.email,
                                             "password": "correct horse battery"})
    assert wrong.status_code == 400
    assert "The email or the password is not right." in unescape(wrong.get_data(as_text=True))
    assert right.status_code == 503
    assert BUSY in unescape(right.get_data(as_text=True))
    assert client.post("/login", data={"email": stakeholder.email,
                                       "password": "correct horse battery"}).status_code == 302
