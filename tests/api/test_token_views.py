"""The "Personal API tokens" section of the profile page."""

from __future__ import annotations

import re

from sqlalchemy import select

from consult.api import service
from consult.api.models import ApiToken
from consult.extensions import db
from tests.api.conftest import BASE, bearer


def page_text(response) -> str:
    return response.get_data(as_text=True)


def secret_on(page: str) -> str:
    match = re.search(r'id="token-secret"[^>]*value="([^"]+)"', page, re.S)
    if match is None:
        match = re.search(r'value="([^"]+)"[^>]*id="token-secret"', page, re.S)
    assert match, page
    return match.group(1)


def test_the_profile_lists_tokens_without_their_secrets(client, auth, stakeholder):
    token, secret = service.create_token(stakeholder, "Submission script")
    db.session.commit()
    auth.login(stakeholder.email)
    page = page_text(client.get("/profile"))
    assert "Personal API tokens" in page
    assert "Submission script" in page and f"{token.prefix}…" in page
    assert secret not in page
    assert "Never" in page  # not used yet
    assert 'action="/profile/tokens"' in page
    assert f'action="/profile/tokens/{token.id}/revoke"' in page


def test_a_new_token_is_shown_once(client, auth, stakeholder):
    auth.login(stakeholder.email)
    response = client.post("/profile/tokens", data={"token-name": "My script"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = page_text(response)
    assert "shown only this once" in page and "copy" in page.lower()
    secret = secret_on(page)
    assert service.authenticate(secret) == stakeholder
    profile = page_text(client.get("/profile"))
    assert "My script" in profile and secret not in profile and secret[:8] in profile
    # The secret was never put in the session (a flash message would keep it in the cookie).
    assert all(secret not in cookie for cookie in response.headers.getlist("Set-Cookie"))
    # It works on the API at once.
    assert client.get(BASE, headers=bearer(secret)).status_code in (200, 404)


def test_a_token_needs_a_name(client, auth, stakeholder):
    auth.login(stakeholder.email)
    response = client.post("/profile/tokens", data={"token-name": "  "}, follow_redirects=True)
    assert "Name the token" in page_text(response)
    assert db.session.execute(select(ApiToken)).first() is None


def test_an_unconfirmed_account_cannot_make_tokens(client, auth, create_user):
    person = create_user(verified=False)
    auth.login(person.email)
    page = page_text(client.get("/profile"))
    assert "Confirm your email address to make a token" in page
    assert 'action="/profile/tokens"' not in page
    response = client.post("/profile/tokens", data={"token-name": "Sneaky"},
                           follow_redirects=True)
    assert "Confirm your email address first" in page_text(response)
    assert db.session.execute(select(ApiToken)).first() is None


def test_revoking_a_token_stops_it_working(client, auth, stakeholder, version):
    token, secret = service.create_token(stakeholder, "Old script")
    db.session.commit()
    auth.login(stakeholder.email)
    response = client.post(f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 302 and response.location.endswith("/profile#tokens")
    page = page_text(client.get("/profile"))
    assert "is revoked" in page and f"/profile/tokens/{token.id}/revoke" not in page
    refused = client.post(f"{BASE}/paragraphs/4/comments", headers=bearer(secret),
                          json={"body": "Still here?"})
    assert refused.status_code == 401


def test_another_persons_token_cannot_be_revoked(client, auth, stakeholder, other_stakeholder):
    token, secret = service.create_token(other_stakeholder, "Theirs")
    db.session.commit()
    auth.login(stakeholder.email)
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 403
    assert client.post(f"/profile/tokens/{token.id + 100}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert service.authenticate(secret) == other_stakeholder


def test_the_token_pages_need_a_signed_in_person(client, stakeholder):
    token, _secret = service.create_token(stakeholder, "Script")
    db.session.commit()
    for url in ("/profile/tokens", f"/profile/tokens/{token.id}/revoke"):
        response = client.post(url, data={"token-name": "x"})
        assert response.status_code == 302 and "/login" in response.location
    assert len(service.list_tokens(stakeholder)) == 1


def test_the_token_forms_carry_csrf_protection(app, client, auth, stakeholder):
    token, _secret = service.create_token(stakeholder, "Script")
    db.session.commit()
    auth.login(stakeholder.email)
    app.config["WTF_CSRF_ENABLED"] = True
    page = page_text(client.get("/profile"))
    revoke = re.search(rf'action="/profile/tokens/{token.id}/revoke".*?</form>', page, re.S)
    make = re.search(r'action="/profile/tokens".*?</form>', page, re.S)
    assert revoke and 'name="csrf_token"' in revoke.group(0)
    assert make and 'name="token-csrf_token"' in make.group(0)
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 400
    assert client.post("/profile/tokens", data={"token-name": "x"}).status_code == 400
    assert len(service.list_tokens(stakeholder)) == 1
