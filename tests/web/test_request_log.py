"""One JSON line per request, with an id that travels in X-Request-ID, on error pages and
in every log record made while the request is answered."""

from __future__ import annotations

import json
import logging
import re

import pytest

from consult.web import loggable_path


@pytest.fixture
def lines(caplog):
    """The request log's lines so far, as dicts."""
    caplog.set_level(logging.DEBUG, logger="consult.request")

    def read() -> list[dict]:
        return [json.loads(record.getMessage()) for record in caplog.records
                if record.name == "consult.request"]

    return read


def test_one_line_per_request_with_what_operations_need(client, auth, stakeholder, version,
                                                        lines):
    auth.login(stakeholder.email)
    response = client.get("/c/wsis20/v/1?sort=newest&token=do-not-log-me")
    response.close()
    line = lines()[-1]
    assert set(line) == {"time", "request_id", "method", "path", "status", "duration_ms",
                         "size", "user_id", "client"}
    assert line["method"] == "GET" and line["path"] == "/c/wsis20/v/1"
    assert "do-not-log-me" not in json.dumps(lines())
    assert line["status"] == 200 and line["size"] == len(response.get_data())
    assert line["user_id"] == stakeholder.id and line["client"] == "127.0.0.1"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert len([item for item in lines() if item["request_id"] == line["request_id"]]) == 1


def test_an_anonymous_request_has_no_user(client, lines):
    client.get("/").close()
    assert lines()[-1]["user_id"] is None


def test_tokens_in_the_path_are_not_logged(client, lines):
    secret = "IjQyIg.aBcDeF.Zz-signed-reset-token-0123456789abcdef"
    client.get(f"/password/reset/{secret}").close()
    client.get(f"/verify/{secret}").close()
    logged = json.dumps(lines())
    assert secret not in logged
    assert [line["path"] for line in lines()[-2:]] == ["/password/reset/…", "/verify/…"]


def test_loggable_path_keeps_slugs_and_hides_tokens():
    assert loggable_path("/c/wsis20-outcome/v/2") == "/c/wsis20-outcome/v/2"
    assert loggable_path("/x/" + "a" * 40) == "/x/" + "a" * 40  # a long slug
    assert loggable_path("/x/abc.DEF_ghi-0123456789ABCDEFGHIJKLMNOP") == "/x/…"
    assert loggable_path("/profile/email/short", ["short"]) == "/profile/email/…"
    assert len(loggable_path("/" + "a/" * 2000)) == 1000


def test_a_well_formed_incoming_request_id_is_kept(client, lines):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a9c1e-0042"})
    response.close()
    assert response.headers["X-Request-ID"] == "lb-7f3a9c1e-0042"
    assert lines()[-1]["request_id"] == "lb-7f3a9c1e-0042"


@pytest.mark.parametrize("forged", [
    'x" , "status": 200',  # quotes and spaces: forging fields
    "abc",  # too short to be unique
    "a" * 200,  # too long
    "id\tid\tid\tid",  # control characters
    "ok-but-then\u202eevil",  # a right-to-left override
])
def test_a_malformed_incoming_request_id_is_replaced(client, lines, forged):
    response = client.get("/", headers={"X-Request-ID": forged})
    response.close()
    identity = response.headers["X-Request-ID"]
    assert identity != forged and re.fullmatch(r"[0-9a-f]{32}", identity)
    assert lines()[-1]["request_id"] == identity


def test_the_request_id_is_on_the_error_page(client, lines):
    response = client.get("/no/such/page", headers={"X-Request-ID": "ticket-2025-000123"})
    assert "<code>ticket-2025-000123</code>" in response.get_data(as_text=True)
    assert lines()[-1]["status"] == 404 and lines()[-1]["request_id"] == "ticket-2025-000123"


def test_every_record_made_during_a_request_carries_its_id(app, client, caplog):
    def noisy() -> str:
        logging.getLogger("consult.somewhere").warning("something odd")
        return "done"

    app.add_url_rule("/noisy", "noisy", noisy)
    response = client.get("/noisy", headers={"X-Request-ID": "trace-0000-1111"})
    response.close()
    records = [record for record in caplog.records if record.name == "consult.somewhere"]
    assert [record.request_id for record in records] == ["trace-0000-1111"]


@pytest.mark.parametrize("app_config_extra", [{"PROXY_FIX": 1}], indirect=True)
def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(
    client, lines, app_config_extra
):
    client.get("/", headers={"X-Forwarded-For": "203.0.113.7"}).close()
    assert lines()[-1]["client"] == "203.0.113.7"


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, lines):
    client.get("/", headers={"X-Forwarded-For": "203.0.113.7"}).close()
    assert lines()[-1]["client"] == "127.0.0.1"
