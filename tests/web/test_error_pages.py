"""Error pages for people and JSON errors for the API: what happened, what to do next,
a way home, the reference to quote; nothing of the inside."""

from __future__ import annotations

import re

import pytest

from consult.extensions import db
from tests.conftest import PASSWORD

INTERNALS = ("Traceback", "File \"", "/work/", "site-packages", "SELECT ", "sqlalchemy",
             "RuntimeError", "werkzeug", "out of order")


def _broken(app, path: str = "/broken"):
    """A view that fails the way a bug does, with words that must not reach the reader."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken() -> str:
        raise RuntimeError("out of order: SELECT secret FROM /work/main/consult.sqlite")

    app.add_url_rule(path, path, broken)


def assert_helpful(response, status: int, *words: str) -> str:
    assert response.status_code == status and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for internal in INTERNALS:
        assert internal not in html, internal
    assert re.search(r'<a href="(https?://consult\.test)?/">', html), "the way home"
    identity = response.headers["X-Request-ID"]
    assert re.search(rf"<code>{identity}</code>", html), "the reference to quote"
    for word in words:
        assert word in html, word
    return html


@pytest.fixture
def errors_everywhere(app):
    app.config.update(DEBUG=False, WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=64 * 1024)
    _broken(app)
    _broken(app, "/api/v1/broken")
    return app


def test_every_error_page_helps_the_reader_and_leaks_nothing(
    errors_everywhere, client, auth, stakeholder
):
    assert_helpful(client.post("/logout"), 400, "Bad request", "reload the page")
    assert_helpful(client.get("/no/such/page"), 404, "Page not found", "Sign in")
    assert_helpful(client.delete("/"), 405, "Method not allowed")
    assert_helpful(client.post("/login", data={"email": "x" * 70_000}), 413,
                   "Too large", "At most 0.1 MB can be sent at once")
    assert_helpful(client.get("/broken"), 500, "Something went wrong",
                   "write to the secretariat")
    errors_everywhere.config["WTF_CSRF_ENABLED"] = False
    auth.login(stakeholder.email)
    forbidden = client.get("/moderation")
    assert_helpful(forbidden, 403, "Not allowed", "write to the secretariat")
    assert "Sign in" not in forbidden.get_data(as_text=True)  # already signed in


def test_too_many_requests_says_when_to_come_back(app, client):
    """Forms under a limit of their own (sign-in, registration) answer in the form; any
    other limited address gets this page."""
    from consult.extensions import limiter

    app.add_url_rule("/limited", "limited_page", limiter.limit("2 per hour")(lambda: "ok"))
    for _ in range(2):
        assert client.get("/limited").status_code == 200
    refused = client.get("/limited")
    assert_helpful(refused, 429, "Too many requests", "Try again in 1 hour")
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3601


def test_too_many_api_requests_is_json(app, client):
    from consult.extensions import limiter

    app.add_url_rule("/api/v1/limited", "limited",
                     limiter.limit("1 per minute")(lambda: {"ok": True}))
    assert client.get("/api/v1/limited").status_code == 200
    refused = client.get("/api/v1/limited")
    assert refused.status_code == 429 and refused.mimetype == "application/json"
    assert refused.get_json()["error"]["status"] == 429
    assert refused.get_json()["error"]["request_id"] == refused.headers["X-Request-ID"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61


def test_an_unexpected_error_is_logged_with_the_request_id(errors_everywhere, client, caplog):
    response = client.get("/broken", headers={"X-Request-ID": "support-ticket-4711"})
    assert response.headers["X-Request-ID"] == "support-ticket-4711"
    assert_helpful(response, 500)
    failures = [record for record in caplog.records if record.exc_info]
    assert failures and all(r.request_id == "support-ticket-4711" for r in failures)
    assert "out of order" in str(failures[0].exc_info[1])


def test_api_errors_are_json_with_the_request_id(errors_everywhere, client, stakeholder):
    from consult.api import service as tokens

    _token, secret = tokens.create_token(stakeholder, "Our script")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    comments = "/api/v1/consultations/wsis20/versions/1/comments"
    answers = {
        400: client.post(comments, data="{not json", headers=bearer,
                         content_type="application/json"),
        401: client.post(comments, json={"body": "Hello"}),
        404: client.get("/api/v1/no/such/thing"),
        405: client.delete("/api/v1/consultations"),
        413: client.post(comments, data="x" * 70_000, headers=bearer,
                         content_type="application/json"),
        415: client.post(comments, data={"body": "Hello"}, headers=bearer),
        500: client.get("/api/v1/broken"),
    }
    for status, response in answers.items():
        assert response.status_code == status and response.mimetype == "application/json"
        error = response.get_json()["error"]
        assert error["status"] == status and error["message"], status
        assert error["request_id"] == response.headers["X-Request-ID"]
        text = response.get_data(as_text=True)
        assert not any(internal in text for internal in INTERNALS), text
    assert "JSON" in answers[415].get_json()["error"]["message"]


def test_an_api_write_must_be_json_even_where_its_body_is_ignored(
    client, version, stakeholder, other_stakeholder
):
    from consult.api import service as tokens
    from consult.comments import service as comments
    from consult.drafts import service as drafts

    made = comments.post_comment(other_stakeholder, version, drafts.get_paragraph(version, 4),
                                 kind="comment", body="Agreed in principle.")
    _token, secret = tokens.create_token(stakeholder, "Our script")
    db.session.commit()
    path = f"/api/v1/comments/{made.id}/endorsement"
    bearer = {"Authorization": f"Bearer {secret}"}
    refused = client.put(path, data="endorse=1", headers=bearer,
                         content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 415 and refused.get_json()["error"]["status"] == 415
    assert client.put(path, headers=bearer).status_code == 200


def test_a_comment_too_large_to_send_says_which_limit(app, client, auth, version, stakeholder):
    auth.login(stakeholder.email)
    page = "/c/wsis20/v/1/p/4"
    whole = client.post(page, data={"kind": "comment", "body": "x" * 9_000_000})
    assert_helpful(whole, 413, "At most 8 MB can be sent at once",
                   "what you typed is still in the form")
    # Flask keeps one field of a multipart form in memory up to MAX_FORM_MEMORY_SIZE.
    boundary = "consult-boundary"
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("kind", "comment"), ("body", "x" * 600_000))
    ) + f"--{boundary}--\r\n"
    field = client.post(page, data=body.encode(),
                        content_type=f"multipart/form-data; boundary={boundary}")
    assert_helpful(field, 413, "One text field can hold at most 500 KB")


def test_a_comment_sent_without_its_csrf_token_comes_back_with_its_text(
    app, client, auth, version, stakeholder
):
    auth.login(stakeholder.email)
    app.config["WTF_CSRF_ENABLED"] = True
    page = "/c/wsis20/v/1/p/4"
    words = "Add “meaningful connectivity” after “inclusive”."
    response = client.post(page, data={"kind": "comment", "body": words})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your text is kept below" in html
    assert "Add “meaningful connectivity” after “inclusive”." in html.replace("&#34;", '"')
    assert response.headers["Cache-Control"] == "no-store"


def test_a_comment_sent_with_an_expired_csrf_token_comes_back_with_its_text(
    app, client, auth, version, stakeholder
):
    import time

    auth.login(stakeholder.email)
    app.config.update(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=1)
    page = "/c/wsis20/v/1/p/4"
    form = client.get(page).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    time.sleep(2.1)
    response = client.post(page, data={"kind": "comment", "body": "Keep these words",
                                       "csrf_token": token})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your text is kept below" in html and "Keep these words" in html


def test_sign_in_still_works_after_an_error_page(errors_everywhere, client, stakeholder):
    """An error rolls the request's work back and leaves the next request unharmed."""
    client.get("/broken")
    errors_everywhere.config["WTF_CSRF_ENABLED"] = False
    signed_in = client.post("/login", data={"email": stakeholder.email,
                                            "password": PASSWORD})
    assert signed_in.status_code == 302
