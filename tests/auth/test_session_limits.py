"""A sign-in ends after 12 hours, or 30 minutes unused, for moderators and the secretariat;
after 30 days, or 7 days unused, for stakeholders. What was being written is kept."""

from __future__ import annotations

import html
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from consult.auth.sessions import SEEN_AT, SIGNED_IN_AT
from consult.comments.models import Comment
from consult.extensions import db

MINUTE, HOUR, DAY = 60, 3600, 24 * 3600


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def age(client, *, signed_in: int = 0, seen: int = 0) -> None:
    """Move this session's sign-in and last use that many seconds into the past."""
    now = int(time.time())
    with client.session_transaction() as session:
        assert SIGNED_IN_AT in session and SEEN_AT in session
        session[SIGNED_IN_AT] = now - signed_in
        session[SEEN_AT] = now - seen


def signed_out_to(response) -> str:
    assert response.status_code == 302
    parts = urlsplit(response.location)
    assert parts.path == "/login"
    return parse_qs(parts.query).get("next", [""])[0]


@pytest.mark.parametrize(("signed_in", "seen", "ended"), [
    (11 * HOUR, 29 * MINUTE, False),
    (11 * HOUR, 31 * MINUTE, True),
    (12 * HOUR + MINUTE, 0, True),
])
def test_staff_sessions_end_after_12_hours_or_30_idle_minutes(client, auth, moderator,
                                                             signed_in, seen, ended):
    auth.login(moderator.email)
    age(client, signed_in=signed_in, seen=seen)
    response = client.get("/moderation")
    if not ended:
        assert response.status_code == 200
        return
    assert signed_out_to(response) == "/moderation"
    page = text(client.get(response.location))
    expected = ("after 30 minutes without activity" if seen
                else "because you signed in more than 12 hours ago")
    assert expected in page
    assert client.get("/moderation").status_code == 302


@pytest.mark.parametrize(("signed_in", "seen", "ended"), [
    (29 * DAY, 6 * DAY, False),
    (29 * DAY, 8 * DAY, True),
    (31 * DAY, 0, True),
])
def test_stakeholder_sessions_end_after_30_days_or_a_week_unused(client, auth, stakeholder,
                                                                 signed_in, seen, ended):
    auth.login(stakeholder.email)
    age(client, signed_in=signed_in, seen=seen)
    response = client.get("/my-input")
    assert (response.status_code == 302) is ended


def test_use_keeps_the_session_going(client, auth, moderator):
    auth.login(moderator.email)
    age(client, signed_in=HOUR, seen=20 * MINUTE)
    assert client.get("/moderation").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session[SEEN_AT] < MINUTE
        assert int(time.time()) - session[SIGNED_IN_AT] >= HOUR


def test_staff_are_not_remembered_past_the_browser_session(client, auth, moderator,
                                                           stakeholder):
    auth.login(moderator.email, remember="y")
    assert client.get_cookie("remember_token", domain="consult.test") is None
    auth.logout()
    auth.login(stakeholder.email, remember="y")
    assert client.get_cookie("remember_token", domain="consult.test") is not None


def test_a_comment_written_as_the_session_ends_comes_back_with_its_text(
    client, auth, version, stakeholder, caplog
):
    auth.login(stakeholder.email)
    age(client, seen=8 * DAY)
    with caplog.at_level(logging.INFO, logger="consult.security"):
        response = client.post("/c/wsis20/v/1/p/4", data={
            "kind": "comment", "body": "My long considered comment on inclusion"})
    assert response.status_code == 403
    page = text(response)
    assert "My long considered comment on inclusion" in page
    assert "You are not signed in" in page
    assert any(record.getMessage().startswith("session.expired") for record in caplog.records)
    assert db.session.execute(db.select(Comment)).first() is None
