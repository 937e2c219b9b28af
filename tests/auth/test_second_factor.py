"""The second factor through the pages: setting it up, signing in with it or with a
recovery code, each code once; required of moderators and the secretariat."""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.auth import otp
from consult.auth import service as accounts
from consult.auth.models import RecoveryCode, User
from consult.extensions import db
from tests.conftest import PASSWORD, TOTP_SECRET, Auth, outbox, second_factor_code

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in(client) -> bool:
    return client.get("/my-input").status_code == 200


def sign_in_with_password(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def code_now(secret: str = TOTP_SECRET, offset: int = 0) -> str:
    return otp.code_at(secret, otp.current_step() + offset)


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


def _secret_on(page: str) -> str:
    match = re.search(r'<code class="secret-key"[^>]*>([A-Z2-7 ]+)</code>', page)
    assert match, "no secret key on the page"
    return match.group(1).replace(" ", "")


def _codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([0-9a-z-]{19})</code></li>", page)


def _set_up(client, *, wrong_first: bool = False) -> tuple[str, list[str]]:
    """Set up the second factor on /profile/second-factor as a person would."""
    page = text(client.get("/profile/second-factor"))
    secret, token = _secret_on(page), _hidden(page, "token")
    if wrong_first:
        wrong = "000000" if code_now(secret) != "000000" else "111111"
        response = client.post("/profile/second-factor", data={"token": token, "code": wrong})
        assert response.status_code == 400
        assert "This code is not right." in text(response)
        assert _secret_on(text(response)) == secret, "the QR code scanned must stay good"
        token = _hidden(text(response), "token")
    response = client.post("/profile/second-factor",
                           data={"token": token, "code": code_now(secret)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return secret, _codes_on(text(response))


# Setting it up ------------------------------------------------------------------------------


def test_a_stakeholder_turns_it_on_with_a_qr_code_and_gets_recovery_codes(
    app, client, auth, stakeholder
):
    auth.login(stakeholder.email)
    page = text(client.get("/profile/second-factor"))
    assert re.search(r'<svg role="img" aria-label="QR code[^"]*"', page), "inline SVG QR code"
    assert "<script" not in page.split("<main", 1)[1]
    secret, codes = _set_up(client, wrong_first=True)

    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(stakeholder)
    assert stakeholder.totp_enabled_at is not None
    assert secret not in stakeholder.totp_secret, "the secret is stored encrypted"
    assert otp.unseal(stakeholder.totp_secret) == secret
    stored = db.session.execute(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == stakeholder.id)
    ).scalars().all()
    assert len(stored) == 10
    assert not any(code in hashed or code.replace("-", "") in hashed
                   for code in codes for hashed in stored), "codes are kept hashed"
    [mail] = outbox(app)
    assert mail["To"] == stakeholder.email and "second factor" in mail["Subject"]
    assert secret not in mail.get_content()
    assert "Recovery codes and settings" in text(client.get("/profile"))
    # Shown once: the settings page counts them but does not show them again.
    settings = text(client.get("/profile/second-factor"))
    assert "You have 10 unused recovery codes." in settings and codes[0] not in settings


def test_the_recovery_codes_download_holds_the_codes(app, client, auth, stakeholder):
    auth.login(stakeholder.email)
    page = text(client.get("/profile/second-factor"))
    response = client.post("/profile/second-factor", data={
        "token": _hidden(page, "token"), "code": code_now(_secret_on(page))})
    link = re.search(r'href="(data:text/plain[^"]*)"[^>]*download=', text(response))
    assert link
    assert all(code in unquote(link.group(1)) for code in _codes_on(text(response)))


@on_sqlite
def test_a_forged_or_other_accounts_setup_token_is_refused(app, client, auth, stakeholder,
                                                           other_stakeholder):
    other = app.test_client()
    Auth(other).login(other_stakeholder.email)
    their_token = _hidden(text(other.get("/profile/second-factor")), "token")
    auth.login(stakeholder.email)
    for token in (their_token, "forged"):
        response = client.post("/profile/second-factor", data={"token": token,
                                                               "code": code_now()})
        assert response.status_code == 400
    db.session.refresh(stakeholder)
    assert stakeholder.totp_enabled_at is None


# Signing in -------------------------------------------------------------------------------


def test_signing_in_takes_the_password_then_a_code(client, create_user):
    user = create_user(email="ines@example.org", second_factor=True)
    response = sign_in_with_password(client, user.email)
    assert response.status_code == 302 and urlsplit(response.location).path == "/login/code"
    assert not signed_in(client), "the password alone does not sign in"
    page = client.get("/login/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in text(page)

    response = client.post("/login/code", data={"code": "123 456"})
    assert response.status_code == 400 and "This code is not right" in text(response)
    assert not signed_in(client)
    response = client.post("/login/code", data={"code": code_now()})
    assert response.status_code == 302 and urlsplit(response.location).path == "/"
    assert signed_in(client)


def test_the_code_page_needs_the_password_first(client, create_user):
    create_user(email="ines@example.org", second_factor=True)
    response = client.post("/login/code", data={"code": code_now()})
    assert urlsplit(response.location).path == "/login"
    assert not signed_in(client)


def test_a_code_is_taken_once_and_a_reused_code_is_logged(app, client, create_user, caplog):
    user = create_user(email="ines@example.org", second_factor=True)
    code = code_now()
    sign_in_with_password(client, user.email)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")

    other = app.test_client()  # someone who saw the code over the owner's shoulder
    sign_in_with_password(other, user.email)
    with caplog.at_level(logging.INFO, logger="consult.security"):
        response = other.post("/login/code", data={"code": code})
    assert response.status_code == 400
    assert "used already" in text(response)
    assert not signed_in(other)
    [reused] = [r.getMessage() for r in caplog.records if "second-factor.reused" in r.getMessage()]
    assert f"user={user.id}" in reused and code not in reused
    [mail] = outbox(app)
    assert mail["To"] == user.email and "tried again" in mail["Subject"]
    db.session.refresh(user)
    assert user.totp_last_step is not None and user.totp_last_step >= otp.current_step() - 1
    # An older code than the last used is refused too.
    assert other.post("/login/code", data={"code": code_now(offset=-1)}).status_code == 400


def test_a_recovery_code_signs_in_once(app, client, create_user):
    user = create_user(email="ines@example.org")
    codes = accounts.set_up_second_factor(user, TOTP_SECRET)
    db.session.commit()

    sign_in_with_password(client, user.email)
    response = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert "You have 9 left" in text(client.get("/"))
    client.post("/logout")

    sign_in_with_password(client, user.email)
    response = client.post("/login/code", data={"code": codes[3]})
    assert response.status_code == 400 and not signed_in(client)
    assert client.post("/login/code", data={"code": codes[4]}).status_code == 302
    assert db.session.execute(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None))
    ).scalar_one() == 2


def test_new_recovery_codes_replace_the_old_ones(app, client, auth, create_user):
    user = create_user(email="ines@example.org")
    old = accounts.set_up_second_factor(user, TOTP_SECRET)
    db.session.commit()
    auth.login(user.email)
    response = client.post("/profile/second-factor", data={
        "which": "recovery", "recovery-current_password": "wrong password"})
    assert response.status_code == 400 and "The current password is not right." in text(response)
    response = client.post("/profile/second-factor", data={
        "which": "recovery", "recovery-current_password": PASSWORD})
    new = _codes_on(text(response))
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    sign_in_with_password(client, user.email)
    assert client.post("/login/code", data={"code": old[0]}).status_code == 400
    assert client.post("/login/code", data={"code": new[0]}).status_code == 302


def test_a_stakeholder_turns_it_off_with_password_and_code(app, client, auth, create_user):
    user = create_user(email="ines@example.org", second_factor=True)
    auth.login(user.email)
    response = client.post("/profile/second-factor", data={
        "which": "disable", "disable-current_password": PASSWORD, "disable-code": "000000"})
    assert response.status_code == 400
    response = client.post("/profile/second-factor", data={
        "which": "disable", "disable-current_password": "wrong", "disable-code": code_now(
            offset=1)})
    assert response.status_code == 400 and "The current password is not right." in text(response)
    response = client.post("/profile/second-factor", data={
        "which": "disable", "disable-current_password": PASSWORD,
        "disable-code": code_now(offset=1)})
    assert urlsplit(response.location).path == "/profile"
    db.session.refresh(user)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert db.session.execute(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)
    ).scalar_one() == 0
    [mail] = outbox(app)
    assert mail["To"] == user.email and "no longer asks for a second factor" in mail["Subject"]
    client.post("/logout")
    assert sign_in_with_password(client, user.email).location == "/"


# Required of moderators and the secretariat ------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "secretariat"])
def test_staff_without_a_second_factor_set_it_up_before_anything_else(
    app, client, create_user, version, role
):
    user = create_user(email="staff@example.org", role=role, second_factor=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "next": "/moderation"})
    assert urlsplit(response.location).path == "/profile/second-factor"
    for path in ("/moderation", "/profile", "/my-input", "/c/wsis20/v/1", "/audit"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response.location).path == "/profile/second-factor", path
    assert client.post("/profile", data={"which": "password"}).status_code == 302
    page = text(client.get("/profile/second-factor"))
    assert "Moderators and the secretariat sign in with their password and a code" in page

    response = client.post("/profile/second-factor", data={
        "token": _hidden(page, "token"), "code": code_now(_secret_on(page))})
    assert response.status_code == 200
    continue_link = re.search(r'href="([^"]+)">I have kept them', text(response))
    assert continue_link and continue_link.group(1) == "/moderation"
    assert client.get("/moderation").status_code == 200
    # They cannot turn it off.
    page = text(client.get("/profile/second-factor"))
    assert "Moderators and the secretariat keep their second factor." in page
    response = client.post("/profile/second-factor", data={
        "which": "disable", "disable-current_password": PASSWORD,
        "disable-code": code_now(offset=1)})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_enabled_at is not None


def test_staff_with_a_second_factor_must_give_it(client, moderator):
    response = sign_in_with_password(client, moderator.email)
    assert urlsplit(response.location).path == "/login/code"
    assert client.get("/moderation").status_code == 302
    assert client.post("/login/code", data={"code": second_factor_code(moderator.email)}
                       ).status_code == 302
    assert client.get("/moderation").status_code == 200


def test_the_secretariat_resets_a_lost_second_factor(app, client, auth, secretariat, moderator,
                                                     stakeholder):
    other = app.test_client()
    Auth(other).login(stakeholder.email)
    assert other.get("/manage/second-factor").status_code == 403
    assert other.post("/manage/second-factor",
                      data={"email": moderator.email}).status_code == 403

    auth.login(secretariat.email)
    response = client.post("/manage/second-factor", data={"email": stakeholder.email})
    assert response.status_code == 400 and "has no second factor to reset" in text(response)
    assert 'value="amina@example.org"' in response.get_data(as_text=True)
    response = client.post("/manage/second-factor", data={"email": "nobody@example.org"})
    assert response.status_code == 400 and "No account uses nobody@example.org." in text(response)
    response = client.post("/manage/second-factor", data={"email": moderator.email})
    assert response.status_code == 302
    db.session.refresh(moderator)
    assert moderator.totp_secret is None
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.second_factor_reset")
    ).scalar_one()
    assert event.actor_id == secretariat.id and event.object_id == moderator.id
    [mail] = [m for m in outbox(app) if m["To"] == moderator.email]
    assert "was reset" in mail["Subject"]
    # The moderator sets up a new one at the next sign-in.
    fresh = app.test_client()
    response = sign_in_with_password(fresh, moderator.email)
    assert urlsplit(response.location).path == "/profile/second-factor"
