"""Two consult processes, on two ports, against one PostgreSQL and one Redis, as two
machines behind a load balancer would run: a session begun on one works on the other,
sign-in failures on one count on the other, and what one writes the other reads.

Needs TEST_DATABASE_URL (PostgreSQL) and Redis (CONSULT_SCALE_REDIS_URL, by default
database 3 on 127.0.0.1, which this test empties); skipped without them, failed instead
when CONSULT_REQUIRE_ALL=1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from html import unescape

import pytest
import requests
from flask import Flask

from bench.load import (
    CSRF_FIELD,
    FAST_HASH,
    KEY_FIELD,
    PASSWORD,
    SECRET_KEY,
    FlashReader,
    Scene,
    Visitor,
    prepare,
)
from bench.serve import Server
from consult import create_app
from consult.extensions import db
from tests.conftest import _empty_postgres, require

REDIS_URL = os.environ.get("CONSULT_SCALE_REDIS_URL", "redis://127.0.0.1:6379/3")
TIMEOUT = 30

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        require(False, f"Redis is not running at {REDIS_URL}")
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()
    connection.close()


@pytest.fixture(scope="module")
def app(postgres_schema: str) -> Iterator[Flask]:
    """The test's own view of the shared database, emptied once for this module."""
    _empty_postgres(postgres_schema)
    app = create_app({"TESTING": True, "DATABASE_URL": postgres_schema,
                      "PASSWORD_HASH_METHOD": FAST_HASH})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def scene(app: Flask) -> Scene:
    """One open version; four people, each test its own."""
    return prepare(4, seeds=2, targets=0, paragraphs=2)


@pytest.fixture(scope="module")
def machines(
    postgres_schema: str, redis_url: str, scene: Scene, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    """Process A and process B: the same settings, as every machine of a deployment has."""
    logs = tmp_path_factory.mktemp("scale")
    shared = {"REDIS_URL": redis_url}
    with (
        Server(postgres_schema, logs / "a.log", workers=2, threads=2, secret_key=SECRET_KEY,
               environment=shared) as a,
        Server(postgres_schema, logs / "b.log", workers=2, threads=2, secret_key=SECRET_KEY,
               environment=shared) as b,
    ):
        assert a.port != b.port
        yield a, b
    for server in (a, b):
        assert "Traceback" not in server.log(), server.log()


def test_a_session_begun_on_one_process_works_on_the_other(
    scene: Scene, machines: tuple[Server, Server]
) -> None:
    a, b = machines
    person = Visitor(a.base_url, scene, 0, FlashReader(SECRET_KEY))
    person.sign_in()  # on A
    path = f"/c/{scene.slug}/v/{scene.number}/p/{scene.positions[0]}"
    form = person.get(path).text  # on A: the form, its CSRF token and submission key
    key = unescape(KEY_FIELD.search(form).group(1))  # type: ignore[union-attr]

    person.base_url = b.base_url
    profile = person.get("/profile")  # on B, with A's cookie: signed in, not sent to /login
    assert person.person.email in unescape(profile.text)

    # A form from A's page sent to B: B accepts A's CSRF token and writes the comment.
    text = f"Written through process B in run {scene.marker}."
    sent = person.browser.post(
        b.base_url + path,
        data={"csrf_token": person.csrf, "submission_key": key, "kind": "comment",
              "body": text, "proposed_text": "", "quote": "", "send": "Send"},
        timeout=TIMEOUT, allow_redirects=False,
    )
    assert sent.status_code == 302, sent.text
    anchor = re.search(r"#(c\d+)$", sent.headers["Location"])
    assert anchor is not None
    # Sent again to A, as a resend after a lost answer would be: the same comment.
    again = person.browser.post(
        a.base_url + path,
        data={"csrf_token": person.csrf, "submission_key": key, "kind": "comment",
              "body": text, "proposed_text": "", "quote": "", "send": "Send"},
        timeout=TIMEOUT, allow_redirects=False,
    )
    assert again.status_code == 302 and again.headers["Location"].endswith(anchor.group(0))

    # A reader on A sees it at once, on the page and through the API.
    page = requests.get(a.base_url + path, timeout=TIMEOUT)
    assert page.status_code == 200 and text in unescape(page.text)
    api = requests.get(f"{a.base_url}/api/v1/comments/{anchor.group(1)[1:]}", timeout=TIMEOUT)
    assert api.status_code == 200 and api.json()["body"] == text


def test_data_written_through_the_api_on_one_is_read_on_the_other(
    scene: Scene, machines: tuple[Server, Server]
) -> None:
    a, b = machines
    token = {"Authorization": f"Bearer {scene.people[1].token}"}
    made = requests.post(
        f"{a.base_url}/api/v1/consultations/{scene.slug}/versions/{scene.number}/paragraphs/"
        f"{scene.positions[1]}/comments",
        json={"body": f"Written through the API on A in run {scene.marker}."},
        headers=token, timeout=TIMEOUT,
    )
    assert made.status_code == 201, made.text
    endorsed = requests.put(
        f"{b.base_url}/api/v1/comments/{scene.seeds[0]}/endorsement",
        headers=token, timeout=TIMEOUT,
    )
    assert endorsed.status_code == 200, endorsed.text

    read = requests.get(f"{b.base_url}/api/v1/comments/{made.json()['id']}", timeout=TIMEOUT)
    assert read.status_code == 200 and read.json()["body"] == made.json()["body"]
    seed = requests.get(f"{a.base_url}/api/v1/comments/{scene.seeds[0]}", headers=token,
                        timeout=TIMEOUT).json()
    assert seed["endorsed_by_you"] is True, seed


def _sign_in(base_url: str, email: str, password: str) -> requests.Response:
    """One attempt from a browser that never signed in before (no known-device cookie)."""
    browser = requests.Session()
    page = browser.get(base_url + "/login", timeout=TIMEOUT)
    csrf = unescape(CSRF_FIELD.search(page.text).group(1))  # type: ignore[union-attr]
    return browser.post(
        base_url + "/login",
        data={"csrf_token": csrf, "email": email, "password": password},
        timeout=TIMEOUT, allow_redirects=False,
    )


def test_sign_in_failures_on_one_process_count_on_the_other(
    app: Flask, scene: Scene, machines: tuple[Server, Server]
) -> None:
    """Five failures allowed per account: three on A and two on B lock it on both. Counted
    in each process's memory, neither would have reached five."""
    a, b = machines
    email = scene.people[2].email
    limit = int(app.config["SIGN_IN_LIMIT_PER_ACCOUNT"].split()[0])
    assert limit == 5
    for base_url in (a.base_url, a.base_url, a.base_url, b.base_url):
        assert _sign_in(base_url, email, "not the password").status_code == 400
    assert _sign_in(b.base_url, email, PASSWORD).status_code == 302  # four: still allowed
    assert _sign_in(b.base_url, email, "not the password").status_code == 400  # the fifth
    for base_url in (a.base_url, b.base_url):
        refused = _sign_in(base_url, email, PASSWORD)
        assert refused.status_code == 429
        assert "Too many attempts" in unescape(refused.text)
        assert int(refused.headers["Retry-After"]) > 0


def test_a_password_changed_on_one_process_signs_out_the_others(
    scene: Scene, machines: tuple[Server, Server]
) -> None:
    """Signing out everywhere is a counter on the account in the shared database."""
    a, b = machines
    on_a = Visitor(a.base_url, scene, 3, FlashReader(SECRET_KEY))
    on_b = Visitor(b.base_url, scene, 3, FlashReader(SECRET_KEY))
    on_a.sign_in()
    on_b.sign_in()
    on_a.get("/profile")
    new = "a new and much longer passphrase"
    changed = on_a.browser.post(
        a.base_url + "/profile",
        data={"which": "password", "password-csrf_token": on_a.csrf,
              "password-current_password": PASSWORD, "password-password": new,
              "password-confirm": new},
        timeout=TIMEOUT, allow_redirects=False,
    )
    assert changed.status_code == 302, changed.text
    kept = on_a.browser.get(b.base_url + "/profile", timeout=TIMEOUT, allow_redirects=False)
    assert kept.status_code == 200  # the browser that changed it stays signed in, on B too
    ended = on_b.browser.get(a.base_url + "/profile", timeout=TIMEOUT, allow_redirects=False)
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]


def test_both_processes_tell_the_load_balancer_they_are_healthy(
    machines: tuple[Server, Server]
) -> None:
    for server in machines:
        answer = requests.get(server.base_url + "/healthz", timeout=TIMEOUT)
        assert answer.status_code == 200
        assert answer.json() == {"status": "ok", "database": "ok", "redis": "ok"}
