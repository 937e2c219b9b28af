"""Security headers on every kind of response, HTTPS-only cookies and HSTS when served
over HTTPS, and no cache keeping what is someone's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from consult.api import service as tokens
from consult.extensions import db
from tests.conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STRICT_REFERRER_POLICIES = {
    "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin",
}


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    found: dict[str, list[str]] = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def assert_hardened(response) -> None:
    where = f"{response.request.method} {response.request.path} ({response.status_code})"
    csp = policy(response)
    assert csp["script-src"] == ["'self'"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] in (["'none'"], ["'self'"]), where
    assert csp["form-action"] == ["'self'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], where
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"], where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["Referrer-Policy"] in STRICT_REFERRER_POLICIES, where
    assert "camera=()" in response.headers["Permissions-Policy"], where
    assert "geolocation=()" in response.headers["Permissions-Policy"], where
    assert response.headers["X-Request-ID"], where


def test_every_kind_of_response_carries_the_security_headers(app, client, version):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    answers = {
        "page": client.get("/c/wsis20/v/1"),
        "api": client.get("/api/v1/consultations"),
        "static": client.get("/static/css/consult.css"),
        "missing page": client.get("/no/such/page"),
        "missing in the api": client.get("/api/v1/no/such/thing"),
        "redirect": client.get("/profile"),
        "wrong method": client.delete("/"),
        "health": client.get("/healthz"),
    }
    first = answers["static"]
    first.close()
    answers["not modified"] = client.get("/static/css/consult.css",
                                         headers={"If-None-Match": first.headers["ETag"]})
    expected = {"page": 200, "api": 200, "static": 200, "missing page": 404,
                "missing in the api": 404, "redirect": 302, "wrong method": 405,
                "health": 200, "not modified": 304}
    for answer in answers.values():
        answer.close()  # lets go of the static file
    assert {name: answer.status_code for name, answer in answers.items()} == expected
    for answer in answers.values():
        assert_hardened(answer)
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "null"])
def test_another_origin_is_granted_nothing(client, version, stakeholder, origin):
    """No CORS: a page elsewhere cannot read consult's answers, whatever Origin it sends
    (ASVS 14.5.3), and Origin opens no door (14.5.2)."""
    token = tokens.create_token(stakeholder, name="origin")[1]
    db.session.commit()
    asked = {
        "preflight": client.options("/api/v1/consultations", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"}),
        "read": client.get("/api/v1/consultations", headers={"Origin": origin}),
        "token read": client.get("/api/v1/consultations", headers={
            "Origin": origin, "Authorization": f"Bearer {token}"}),
        "page": client.get("/c/wsis20/v/1", headers={"Origin": origin}),
    }
    for name, answer in asked.items():
        assert not [header for header, _value in answer.headers
                    if header.lower().startswith("access-control-")], name
        assert "Server" not in answer.headers or not re.search(
            r"\d", answer.headers["Server"]), name  # no version numbers (14.3.3)
    anonymous = client.get("/profile", headers={"Origin": "http://localhost"})
    assert anonymous.status_code == 302  # the Origin of this very site proves no one


def test_an_unexpected_error_page_carries_them_too(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken() -> str:
        raise RuntimeError("out of order")

    app.add_url_rule("/broken", "broken", broken)
    response = client.get("/broken")
    assert response.status_code == 500
    assert_hardened(response)


def test_documents_served_as_files_get_a_policy_that_forbids_any_script(client, version):
    """The print-ready HTML keeps its styles inside it, so its policy allows inline style
    and nothing else: no script, no fetching, no framing."""
    response = client.get("/c/wsis20/v/1/export.html")
    assert response.status_code == 200 and "Content-Disposition" in response.headers
    csp = policy(response)
    assert csp["default-src"] == ["'none'"]
    assert "script-src" not in csp  # so default-src 'none' forbids every script
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_style_attributes_or_event_handlers():
    """The policy forbids them; the standalone documents' <style> blocks are the only
    inline styles (exports/document.html, exports/redline.html)."""
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)", r"\sstyle\s*=", r"\son[a-z]+\s*=",
                        r"javascript:"):
            for match in re.finditer(pattern, text, re.IGNORECASE):
                problems.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}")
        if "<style" in text and path.relative_to(TEMPLATES).parts[0] != "exports":
            problems.append(f"{path.relative_to(TEMPLATES)}: <style>")
    assert problems == []


# HTTPS ------------------------------------------------------------------------------------


def _cookies(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {value.split("=", 1)[0]: value for value in response.headers.getlist("Set-Cookie")}


def _sign_in(client, email: str, **extra):
    page = client.get("/login", **extra)
    return client.post("/login", data={"email": email, "password": PASSWORD,
                                       "remember": "y"}, **extra), page


@pytest.mark.parametrize("app_config_extra", [{"PROXY_FIX": 1}], indirect=True)
def test_behind_a_trusted_proxy_https_brings_hsts_and_secure_host_cookies(
    app, client, stakeholder, app_config_extra
):
    https = {"headers": {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "consult.test"}}
    signed_in, _page = _sign_in(client, stakeholder.email, **https)
    assert signed_in.status_code == 302
    assert signed_in.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = _cookies(signed_in)
    session_cookie = cookies["__Host-session"]
    assert "; Secure" in session_cookie and "; Path=/" in session_cookie
    assert "Domain=" not in session_cookie and "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert "session" not in cookies
    assert "; Secure" in cookies["remember_token"]
    assert all("; Secure" in cookie for cookie in cookies.values())
    # The cookie under its new name is read back: the person is signed in.
    profile = client.get("/profile", **https)
    assert profile.status_code == 200 and stakeholder.email in profile.get_data(as_text=True)
    assert_hardened(profile)


@pytest.mark.parametrize("app_config_extra", [{"PROXY_FIX": 0}], indirect=True)
def test_an_untrusted_forwarded_proto_changes_nothing(app, client, stakeholder,
                                                      app_config_extra):
    signed_in, page = _sign_in(client, stakeholder.email,
                               headers={"X-Forwarded-Proto": "https"})
    for response in (page, signed_in):
        assert "Strict-Transport-Security" not in response.headers
        assert all("; Secure" not in cookie for cookie in _cookies(response).values())
    assert "session" in _cookies(signed_in) and "__Host-session" not in _cookies(signed_in)


@pytest.mark.parametrize("app_config_extra", [{"FORCE_HTTPS": True}], indirect=True)
def test_force_https_redirects_and_marks_everything_https_only(
    app, client, stakeholder, app_config_extra
):
    plain = client.get("/login")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://consult.test/login"
    assert_hardened(plain)
    # Load balancers still reach the health check over plain HTTP.
    assert client.get("/healthz").status_code == 200
    signed_in, page = _sign_in(client, stakeholder.email, base_url="https://consult.test")
    assert page.status_code == 200
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    assert "; Secure" in _cookies(signed_in)["__Host-session"]
    assert "; Secure" in _cookies(signed_in)["remember_token"]
    assert client.get("/profile", base_url="https://consult.test").status_code == 200


# Caches -----------------------------------------------------------------------------------


def _stored(response) -> bool:
    response.close()
    return "no-store" not in response.headers.get("Cache-Control", "")


def test_public_pages_may_be_cached_but_forms_and_personal_pages_may_not(
    app, client, auth, version, stakeholder
):
    app.config["WTF_CSRF_ENABLED"] = True
    assert _stored(client.get("/"))
    assert _stored(client.get("/c/wsis20/v/1"))
    assert _stored(client.get("/api/v1/consultations"))
    # A page with a form carries a CSRF token tied to this browser's session.
    assert not _stored(client.get("/login"))
    assert not _stored(client.get("/register"))
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login(stakeholder.email)
    for path in ("/", "/c/wsis20/v/1", "/profile", "/my-input", "/no/such/page"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    # Static files hold nothing personal.
    assert _stored(client.get("/static/css/consult.css"))


def test_the_api_answers_a_token_s_owner_with_no_store(client, version, stakeholder):
    _token, secret = tokens.create_token(stakeholder, "Our script")
    db.session.commit()
    response = client.get("/api/v1/consultations",
                          headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
