"""Too many sign-in attempts: per account and per address, with a clear message, HTTP 429
and the email kept; counted in Redis when REDIS_URL is set."""

from __future__ import annotations

import html
import logging
import os
import re
import time
from typing import Any

import pytest

from consult import create_app
from consult.extensions import limiter
from tests.conftest import PASSWORD, require, second_factor_code

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REDIS_TEST_URL = os.environ.get("CONSULT_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def extra_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    return getattr(request, "param", {})


@pytest.fixture
def app_config(app_config: dict[str, Any], extra_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, **extra_config}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def attempt(client, email: str, password: str = "not the password", address=ATTACKER):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base=address)


def signed_in(client) -> bool:
    return client.get("/my-input").status_code == 200


def assert_locked_out(response, email: str) -> None:
    assert response.status_code == 429
    body = text(response)
    assert re.search(r"Too many attempts\. For the safety of the account, try again in "
                     r"1[45] minutes \(at \d\d:\d\d UTC\)\.", body), body
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60 + 1
    assert f'value="{email}"' in body, "the email typed is kept"
    assert 'name="password"' in body


def test_an_account_is_locked_after_five_failures_whatever_the_address(app, client, stakeholder,
                                                                       other_stakeholder, caplog):
    for number in range(5):
        address = {"REMOTE_ADDR": f"203.0.113.{number + 1}"}
        response = attempt(client, stakeholder.email, address=address)
        assert response.status_code == 400, number
    with caplog.at_level(logging.INFO, logger="consult.security"):
        response = attempt(client, stakeholder.email, PASSWORD,
                           address={"REMOTE_ADDR": "203.0.113.99"})
    assert_locked_out(response, stakeholder.email)
    assert not signed_in(client), "the right password does not get through either"
    assert any(r.getMessage().startswith("throttled ") and "sign-in-account" in r.getMessage()
               for r in caplog.records)
    # Other accounts, from the same addresses, are not affected.
    assert attempt(client, other_stakeholder.email, PASSWORD).status_code == 302


def test_an_address_is_locked_after_too_many_failures_on_any_accounts(app, client, stakeholder):
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = "4 per 15 minutes"
    for number in range(4):
        assert attempt(client, f"guess{number}@example.org").status_code == 400
    assert_locked_out(attempt(client, stakeholder.email, PASSWORD), stakeholder.email)
    # The same person elsewhere, and the owner from their own address, get in.
    assert attempt(client, stakeholder.email, PASSWORD, address=OWNER).status_code == 302


def test_only_failures_count(app, client, stakeholder):
    for _ in range(8):
        assert attempt(client, stakeholder.email, PASSWORD).status_code == 302
        client.post("/logout")


def test_the_lockout_ends_when_the_window_has_passed(app, client, stakeholder):
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = "2 per 1 second"
    attempt(client, stakeholder.email)
    attempt(client, stakeholder.email)
    response = attempt(client, stakeholder.email, PASSWORD)
    assert response.status_code == 429 and response.headers["Retry-After"] in ("1", "2")
    assert "try again in 1 minute " in text(response)
    time.sleep(1.1)
    assert attempt(client, stakeholder.email, PASSWORD).status_code == 302


def test_the_owners_known_browser_is_not_locked_out_by_someone_else(app, client, stakeholder):
    """Failures elsewhere do not lock out a browser that signed in to the account before."""
    assert attempt(client, stakeholder.email, PASSWORD, address=OWNER).status_code == 302
    client.post("/logout", environ_base=OWNER)
    attacker = app.test_client()
    for _ in range(5):
        attempt(attacker, stakeholder.email)
    assert attempt(attacker, stakeholder.email, PASSWORD).status_code == 429
    assert attempt(client, stakeholder.email, PASSWORD, address=OWNER).status_code == 302


def test_wrong_second_factor_codes_count_against_the_account(app, client, moderator):
    for _ in range(5):
        attempt(client, moderator.email, PASSWORD)
        response = client.post("/login/code", data={"code": "000000"}, environ_base=ATTACKER)
        if response.status_code == 429:
            break
        assert response.status_code == 400
    response = client.post("/login/code", data={"code": second_factor_code(moderator.email)},
                           environ_base=ATTACKER)
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert not signed_in(client)


def test_password_reset_mails_are_limited_per_account(app, client, stakeholder):
    for _ in range(3):
        response = client.post("/password/forgot", data={"email": stakeholder.email})
        assert response.status_code == 302
    response = client.post("/password/forgot", data={"email": stakeholder.email})
    assert response.status_code == 429 and f'value="{stakeholder.email}"' in text(response)


# Redis ------------------------------------------------------------------------------------


def _redis():
    import redis

    connection = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        require(False, f"Redis is not running at {REDIS_TEST_URL}")
    return connection


def _forget_counts(connection) -> None:
    """Redis database 1 is this test's alone: start and end with no counts in it."""
    for key in connection.scan_iter("LIMITS:*"):
        connection.delete(key)


@on_sqlite
@pytest.mark.parametrize("extra_config", [{"REDIS_URL": REDIS_TEST_URL}], indirect=True)
def test_with_redis_url_the_counts_are_kept_in_redis(app, app_config, client, stakeholder):
    connection = _redis()
    _forget_counts(connection)
    try:
        assert type(limiter.storage).__name__ == "RedisStorage"
        for _ in range(5):
            assert attempt(client, stakeholder.email).status_code == 400
        keys = [key.decode() for key in connection.scan_iter("LIMITS:*")]
        assert any("sign-in-account" in key for key in keys), keys
        assert any("203.0.113.66/sign-in-address" in key for key in keys), keys
        assert not any(stakeholder.email in key for key in keys), "no email in Redis"
        assert_locked_out(attempt(client, stakeholder.email, PASSWORD), stakeholder.email)
        # Another process (a new application on the same Redis) sees the same counts.
        other = create_app(app_config).test_client()
        assert attempt(other, stakeholder.email, PASSWORD).status_code == 429
    finally:
        _forget_counts(connection)


def test_without_redis_url_the_counts_are_kept_in_memory(app):
    assert not app.config["REDIS_URL"]
    assert type(limiter.storage).__name__ == "MemoryStorage"



@on_sqlite
def test_an_app_without_limits_does_not_switch_them_off_for_the_next(app_config, stakeholder):
    """The Limiter is one object for all apps of a process (tests make many)."""
    create_app({**app_config, "RATELIMIT_ENABLED": False})
    client = create_app(app_config).test_client()
    for _ in range(5):
        attempt(client, stakeholder.email)
    assert attempt(client, stakeholder.email, PASSWORD).status_code == 429
