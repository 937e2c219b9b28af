"""Passwords, sessions and the mail that tells an account's owner about changes to it."""

from __future__ import annotations

import html
import logging
import re

import pytest
from flask import Flask

from consult.auth import otp
from consult.auth import service as accounts
from consult.demo import DEMO_TOTP_SECRET
from consult.errors import Invalid
from consult.extensions import db
from tests.conftest import PASSWORD, Auth, link_in, outbox, second_factor_code

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
NEW_PASSWORD = "a much longer new secret"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in(client) -> bool:
    return client.get("/my-input").status_code == 200


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session", domain="consult.test")
    return cookie.value if cookie else None


def with_session(app: Flask, value: str | None):
    """A new browser holding this session cookie (an attacker who copied it, say)."""
    client = app.test_client()
    if value:
        client.set_cookie("session", value, domain="consult.test")
    return client


def field_error(response, field_id: str) -> str:
    match = re.search(
        rf'<p class="field__error" id="{re.escape(field_id)}-error">(.*?)</p>',
        response.get_data(as_text=True), re.S,
    )
    return html.unescape(match.group(1)).strip() if match else ""


# Password rules -----------------------------------------------------------------------------


@on_sqlite
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("eleven char", "Choose a password of at least 12 characters."),
        ("x" * 129, "A password may have at most 128 characters."),
        ("qwerty123456", "This is one of the most common passwords"),
        ("1Q2W3E4R5T6Y", "This is one of the most common passwords"),
        ("ana@example.org", "Your email address or your name is easy to guess"),
        ("my ana@example.org pw", "Your email address or your name is easy to guess"),
        ("Ana Souza Souza", "Your email address or your name is easy to guess"),
        ("anasouza2024!", "Your email address or your name is easy to guess"),
    ],
)
def test_weak_passwords_are_refused(app, password, message):
    with pytest.raises(Invalid) as refused:
        accounts.check_password_rules(password, email="ana@example.org", name="Ana Souza")
    assert refused.value.message.startswith(message)
    assert refused.value.field == "password"


@on_sqlite
@pytest.mark.parametrize("password", [
    "correct horse battery", "x" * 128, "пароль для консультации", "🔐🔑 ключ 密码 كلمة",
    "Li was here 2025",
])
def test_long_unusual_passwords_are_welcome(app, password):
    accounts.check_password_rules(password, email="li@example.org", name="Li")


@on_sqlite
def test_registering_with_a_common_password_says_why_and_keeps_the_rest(client):
    response = client.post("/register", data={
        "email": "ana@example.org", "password": "qwerty123456", "confirm": "qwerty123456",
        "name": "Ana Souza", "organization": "Instituto Rede", "stakeholder_group": "academia",
        "country": "BR", "accept_terms": "y"})
    assert response.status_code == 400
    assert field_error(response, "password").startswith("This is one of the most common")
    assert 'value="Instituto Rede"' in response.get_data(as_text=True)


def test_changing_to_a_short_password_is_refused(client, auth, stakeholder):
    auth.login(stakeholder.email)
    response = client.post("/profile", data={
        "which": "password", "password-current_password": PASSWORD,
        "password-password": "short one", "password-confirm": "short one"})
    assert response.status_code == 400
    assert "12" in field_error(response, "password-password")


# Sessions -----------------------------------------------------------------------------------


def test_signing_in_starts_a_new_session(app, client, stakeholder):
    with client.session_transaction() as planted:  # a session an attacker gave the victim
        planted["planted"] = "by someone else"
    before = session_cookie(client)
    assert client.post("/login", data={"email": stakeholder.email,
                                       "password": PASSWORD}).status_code == 302
    after = session_cookie(client)
    assert after and after != before
    with client.session_transaction() as session:
        assert "planted" not in session
    assert signed_in(client)
    assert not signed_in(with_session(app, before)), "the old session does not sign in"


def test_the_half_way_session_of_a_second_factor_sign_in_does_not_sign_in(app, client,
                                                                           moderator):
    before = session_cookie(client)
    client.post("/login", data={"email": moderator.email, "password": PASSWORD})
    half_way = session_cookie(client)
    assert half_way != before
    assert not signed_in(with_session(app, half_way))
    client.post("/login/code", data={"code": second_factor_code(moderator.email)})
    after = session_cookie(client)
    assert after not in (before, half_way)
    assert signed_in(client)
    assert not signed_in(with_session(app, half_way))


def test_a_password_change_ends_every_other_session_and_renews_this_one(app, client, auth,
                                                                        stakeholder):
    other = app.test_client()
    Auth(other).login(stakeholder.email, remember="y")
    auth.login(stakeholder.email)
    before = session_cookie(client)
    assert signed_in(other) and signed_in(with_session(app, before))

    response = client.post("/profile", data={
        "which": "password", "password-current_password": PASSWORD,
        "password-password": NEW_PASSWORD, "password-confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(client), "the session that changed it goes on"
    assert session_cookie(client) != before
    assert not signed_in(with_session(app, before)), "its old cookie no longer works"
    assert not signed_in(other)
    other.delete_cookie("session", domain="consult.test")
    assert not signed_in(other), "nor does the other browser's remember-me cookie"


# Telling the owner ----------------------------------------------------------------------------


def test_a_password_change_is_mailed_to_the_account(app, client, auth, stakeholder):
    auth.login(stakeholder.email)
    client.post("/profile", data={
        "which": "password", "password-current_password": PASSWORD,
        "password-password": NEW_PASSWORD, "password-confirm": NEW_PASSWORD})
    [mail] = outbox(app)
    assert mail["To"] == stakeholder.email
    assert mail["Subject"] == "Your consult password was changed"
    body = mail.get_content()
    assert NEW_PASSWORD not in body and "/password/forgot" in body


def test_a_password_reset_is_mailed_too(app, client, stakeholder):
    client.post("/password/forgot", data={"email": stakeholder.email})
    link = link_in(outbox(app)[0], "/password/reset/")
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert [mail["Subject"] for mail in outbox(app)][-1] == "Your consult password was changed"


def test_an_email_change_is_mailed_to_the_old_address(app, client, auth, stakeholder):
    auth.login(stakeholder.email)
    client.post("/profile", data={"which": "email", "email-email": "amina.new@example.org",
                                  "email-current_password": PASSWORD})
    link = link_in(outbox(app)[0], "/profile/email/")
    client.get(link)
    done = outbox(app)[-1]
    assert done["To"] == "amina@example.org"
    assert done["Subject"] == "Your consult email address was changed"
    assert "amina.new@example.org" in done.get_content()


# The security log -----------------------------------------------------------------------------


def test_security_events_are_logged_without_secrets(app, client, auth, stakeholder, caplog):
    with caplog.at_level(logging.INFO, logger="consult.security"):
        client.post("/login", data={"email": stakeholder.email, "password": "wrong password"})
        client.post("/login", data={"email": "nobody@example.org", "password": "whatever"})
        auth.login(stakeholder.email)
        client.post("/profile", data={
            "which": "password", "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD, "password-confirm": NEW_PASSWORD})
    lines = [record.getMessage() for record in caplog.records
             if record.name == "consult.security"]
    events = [line.split()[0] for line in lines]
    assert events == ["sign-in.failed", "sign-in.failed", "sign-in", "password.changed"]
    assert f"user={stakeholder.id}" in lines[0] and "reason=password" in lines[0]
    assert "reason=unknown-email" in lines[1]
    everything = "\n".join(lines)
    for secret in (PASSWORD, NEW_PASSWORD, "wrong password", "nobody@example.org",
                   stakeholder.email):
        assert secret not in everything


# The demo -------------------------------------------------------------------------------------


@on_sqlite
def test_the_demo_staff_sign_in_with_the_printed_key_or_a_printed_recovery_code(app, runner):
    result = runner.invoke(args=["consult", "demo"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "DEMO KEY" in output and otp.grouped(DEMO_TOTP_SECRET) in output
    assert "otpauth://totp/consult:secretariat%40demo.consult.example?secret=" in output
    recovery = re.search(r"^  moderator\s+([0-9a-z]{4}(?:-[0-9a-z]{4}){3})  ", output, re.M)
    assert recovery, output

    client = app.test_client()
    client.post("/login", data={"email": "secretariat@demo.consult.example",
                                "password": "demo-secretariat"})
    code = otp.code_at(DEMO_TOTP_SECRET, otp.current_step())
    assert client.post("/login/code", data={"code": code}).status_code == 302
    assert client.get("/audit").status_code == 200

    client = app.test_client()
    client.post("/login", data={"email": "moderator@demo.consult.example",
                                "password": "demo-moderator"})
    assert client.post("/login/code", data={"code": recovery.group(1)}).status_code == 302
    assert client.get("/moderation").status_code == 200
    db.session.expire_all()


def test_signing_out_everywhere_else_keeps_only_this_browser(app, client, auth, stakeholder):
    others = [app.test_client(), app.test_client()]
    Auth(others[0]).login(stakeholder.email)
    Auth(others[1]).login(stakeholder.email, remember="y")
    auth.login(stakeholder.email)
    before = session_cookie(client)
    assert "End all other sessions" in text(client.get("/profile"))

    response = client.post("/profile/sign-out-elsewhere")
    assert response.location.endswith("/profile#sessions")
    assert "You are signed out everywhere else." in text(client.get("/profile"))
    assert signed_in(client) and session_cookie(client) != before
    assert not any(signed_in(other) for other in others)
    others[1].delete_cookie("session", domain="consult.test")
    assert not signed_in(others[1]), "the remember-me cookie is ended too"
    assert not signed_in(with_session(app, before))
    # Signing in again works as before.
    assert Auth(others[0]).login(stakeholder.email).status_code == 302
