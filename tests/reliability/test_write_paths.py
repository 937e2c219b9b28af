"""On SQLite every request and command that writes begins its transaction IMMEDIATE: a
transaction begun DEFERRED that reads and then writes fails with "database is locked" as
soon as another process wrote in between (FACTS.md: 3,514 of 4,000). The guard
(writeguard.py) watches every statement; running the whole suite under it
(`-p tests.reliability.writeguard`) found the two email links below, now marked @writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from consult.api import service as api
from consult.extensions import db
from tests.conftest import PASSWORD, link_in, outbox
from tests.reliability.writeguard import WriteGuard

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def guard() -> Iterator[WriteGuard]:
    with WriteGuard().watching() as watching:
        yield watching


def test_the_guard_sees_a_read_then_write_begun_deferred(app, stakeholder, guard) -> None:
    with app.test_request_context("/somewhere", method="GET"):
        app.preprocess_request()
        db.session.refresh(stakeholder)
        stakeholder.name = "Changed in a read transaction"
        db.session.commit()
    assert guard.places() == {"GET None": 1}


def test_links_opened_from_emails_write_in_an_immediate_transaction(
    app, client, auth, stakeholder, guard
) -> None:
    client.post("/register", data={
        "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD,
        "name": "Ana Souza", "organization": "Instituto Rede", "stakeholder_group": "academia",
        "country": "BR", "accept_terms": "y",
    })
    assert client.get(link_in(outbox(app)[0], "/verify/")).status_code == 302
    auth.logout()
    auth.login("amina@example.org")
    client.post("/profile", data={"which": "email", "email-email": "amina.d@example.org",
                                  "email-current_password": PASSWORD})
    link = link_in(outbox(app)[-2], "/profile/email/")
    assert client.get(link).status_code == 302
    db.session.refresh(stakeholder)
    assert stakeholder.email == "amina.d@example.org"
    assert guard.places() == {}


def test_forms_the_api_and_commands_write_in_an_immediate_transaction(
    app, client, auth, runner, version, stakeholder, other_stakeholder, guard
) -> None:
    slug, number = version.consultation.slug, version.number
    auth.login("amina@example.org")
    sent = client.post(f"/c/{slug}/v/{number}/p/4", data={
        "kind": "comment", "body": "Through the form.", "submission_key": "form-1",
        "send": "Send",
    })
    assert sent.status_code == 302
    comment_id = int(sent.headers["Location"].rsplit("#c", 1)[1])
    assert client.post(f"/comments/{comment_id}/reply", data={
        "body": "A reply.", "submission_key": "form-2", "send": "Send"}).status_code == 302
    _token, secret = api.create_token(other_stakeholder, "guard")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    base = f"/api/v1/consultations/{slug}/versions/{number}/paragraphs/4"
    assert client.post(f"{base}/comments", json={"body": "Through the API."},
                       headers=bearer).status_code == 201
    assert client.post(f"/api/v1/comments/{comment_id}/replies", json={"body": "An answer."},
                       headers=bearer).status_code == 201
    assert client.put(f"/api/v1/comments/{comment_id}/endorsement",
                      headers=bearer).status_code == 200
    assert client.get(f"/api/v1/comments/{comment_id}", headers=bearer).status_code == 200
    made = runner.invoke(args=[
        "consult", "create-user", "--email", "new@example.org", "--password", PASSWORD,
        "--name", "New Person", "--organization", "Somewhere",
    ])
    assert made.exit_code == 0, made.output
    assert guard.places() == {}
