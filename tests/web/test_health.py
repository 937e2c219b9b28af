"""/healthz for load balancers: one cheap query, no session, no rate limit, no log line
per healthy hit, and 503 in JSON when the database does not answer."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from consult import create_app


def test_healthy_is_200_after_one_query(app, client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"
    assert counter.count == 1


def test_it_sets_no_cookie_even_for_a_signed_in_browser(client, auth, stakeholder):
    auth.login(stakeholder.email)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("app_config_extra", [{"RATELIMIT_DEFAULT": "2 per minute"}],
                         indirect=True)
def test_it_is_not_rate_limited(client, app_config_extra):
    assert [client.get("/").status_code for _ in range(3)][-1] == 429  # the limit is on
    assert {client.get("/healthz").status_code for _ in range(20)} == {200}


def test_a_healthy_hit_is_not_logged_at_info(client, caplog):
    caplog.set_level(logging.DEBUG, logger="consult.request")
    client.get("/healthz").close()  # the line is written once the answer is sent
    client.get("/").close()
    lines = [(record.levelno, record.getMessage()) for record in caplog.records
             if record.name == "consult.request"]
    assert [level for level, message in lines if '"/healthz"' in message] == [logging.DEBUG]
    assert [level for level, message in lines if '"path": "/"' in message] == [logging.INFO]


def _unreachable(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        folder = tmp_path / "gone"
        folder.mkdir()
        return f"sqlite:///{folder}/consult.sqlite"
    return "postgresql://root@127.0.0.1:9/nothing?connect_timeout=2"  # nothing listens


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_unreachable_database_is_503_in_json(kind, tmp_path, caplog):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SERVER_NAME": "consult.test",
                      "DATABASE_URL": _unreachable(kind, tmp_path)})
    if kind == "sqlite":
        shutil.rmtree(tmp_path / "gone")  # the database's folder went away
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "error"
    assert "Traceback" not in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert any("database does not answer" in record.getMessage() for record in warnings)
    assert any(record.name == "consult.request" and '"status": 503' in record.getMessage()
               for record in warnings)
