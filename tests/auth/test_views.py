"""Accounts through the pages: what a person sends, sees and is sent."""

from __future__ import annotations

import html
import logging
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pycountry
import pytest
from itsdangerous import TimestampSigner

from consult.auth.models import StakeholderGroup, User
from consult.extensions import db
from tests.conftest import PASSWORD, Auth, link_in, outbox

NEW_PASSWORD = "a much longer new secret"
REGISTRATION = {
    "email": "ana@example.org",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "name": "Ana Souza",
    "organization": "Instituto Rede",
    "stakeholder_group": "academia",
    "country": "BR",
    "accept_terms": "y",
}
PROFILE = {
    "which": "profile",
    "profile-name": "Amina Diallo",
    "profile-organization": "Digital Justice Network",
    "profile-stakeholder_group": "academia",
    "profile-country": "SN",
}

# Tables of cases whose outcome does not depend on the database run on one of them.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str:
    """The error shown under one field of a form, or ""."""
    match = re.search(
        rf'<p class="field__error" id="{re.escape(field_id)}-error">(.*?)</p>',
        response.get_data(as_text=True), re.S,
    )
    return html.unescape(match.group(1)).strip() if match else ""


def form_errors(response) -> str:
    match = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>',
                      response.get_data(as_text=True), re.S)
    return html.unescape(match.group(1)).strip() if match else ""


def remember_cookie(client):
    return client.get_cookie("remember_token", domain="consult.test")


def signed_in(client) -> bool:
    """A page only signed-in people may see answers without sending them to sign in."""
    return client.get("/profile").status_code == 200



@pytest.fixture
def later(monkeypatch):
    """Move the clock of signed links forward by some seconds."""

    def move(seconds: int) -> None:
        now = int(time.time())
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + seconds)

    return move


def _user(email: str) -> User:
    return db.session.execute(db.select(User).where(User.email == email)).scalar_one()


# Registering and confirming the email ------------------------------------------------------


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option[^>]*value="([^"]*)"', select.group(0))


@on_sqlite
def test_register_offers_the_six_groups_and_every_country(client):
    page = client.get("/register").get_data(as_text=True)
    assert _options(page, "stakeholder_group") == ["", *(group.value for group in StakeholderGroup)]
    countries = _options(page, "country")
    assert countries[0] == ""
    assert sorted(countries[1:]) == sorted(country.alpha_2 for country in pycountry.countries)


def test_register_says_what_is_kept_and_published_before_consent(client):
    """ASVS 8.3.3: clear words on what is collected and shown, then an opt-in box."""
    page = client.get("/register").get_data(as_text=True)
    notice = page.index("What consult keeps about you")
    consent = page.index('name="accept_terms"')
    assert notice < consent
    assert "Your email address is never shown" in page
    assert "download everything consult keeps about you" in page
    assert 'type="checkbox"' in page[consent - 200:consent + 200]
    assert "checked" not in page[consent - 200:consent + 200]


def test_register_sends_a_link_that_verifies(app, client, caplog):
    caplog.set_level(logging.INFO, logger="consult.mail")
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-email"
    assert "We sent a link to ana@example.org" in text(client.get("/register/check-email"))

    user = _user("ana@example.org")
    assert (user.name, user.organization, user.stakeholder_group, user.country) == (
        "Ana Souza", "Instituto Rede", "academia", "BR")
    assert not user.is_verified
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert PASSWORD not in user.password_hash

    [message] = outbox(app)
    link = link_in(message, "/verify/")
    assert [path.suffix for path in Path(app.config["MAIL_OUTBOX_DIR"]).iterdir()] == [".eml"]
    assert link in caplog.text

    response = client.get(link, follow_redirects=True)
    assert response.status_code == 200
    assert "your email address is confirmed" in text(response)
    assert _user("ana@example.org").is_verified


def test_unverified_account_cannot_comment(app, client, auth, create_user, version):
    create_user(email="new@example.org", verified=False)
    response = auth.login("new@example.org")
    assert response.headers["Location"] == "/register/check-email"

    response = client.post("/c/wsis20/v/1/general", data={"body": "Please add gender."})
    assert response.status_code == 403
    assert "Confirm your email address first" in text(response)


def test_register_form_errors_keep_what_was_typed(client):
    response = client.post(
        "/register", data={**REGISTRATION, "email": "not-an-address", "confirm": "other words"}
    )
    assert response.status_code == 400
    page = text(response)
    assert field_error(response, "email") == "Give a valid email address."
    assert field_error(response, "confirm") == "The two passwords are not the same."
    assert "Please correct what is marked below." in page
    assert 'value="not-an-address"' in page
    assert 'value="Ana Souza"' in page
    assert 'value="Instituto Rede"' in page
    assert re.search(r'<option selected value="academia">', page)
    assert re.search(r'<option selected value="BR">', page)
    assert PASSWORD not in page
    assert "other words" not in page
    assert db.session.execute(db.select(User)).first() is None


def test_register_with_a_taken_email_says_so_on_the_email_field(app, client, stakeholder):
    response = client.post("/register", data={**REGISTRATION, "email": "Amina@example.org"})
    assert response.status_code == 400
    assert "already exists" in field_error(response, "email")
    assert 'value="Ana Souza"' in text(response)
    assert outbox(app) == []


@on_sqlite
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stakeholder_group", "", "Choose one of the six stakeholder groups."),
        ("stakeholder_group", "media", "Not a valid choice."),
        ("country", "XX", "Not a valid choice."),
        ("accept_terms", "", "You need to accept this to take part."),
        ("password", "short", "Use between 12 and 128 characters."),
    ],
)
def test_register_refuses_wrong_fields(client, field, value, message):
    data = {**REGISTRATION, field: value}
    if field == "password":
        data["confirm"] = value
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert field_error(response, field) == message


def test_tampered_verification_link_fails(app, client):
    client.post("/register", data=REGISTRATION)
    link = link_in(outbox(app)[0], "/verify/")
    response = client.get(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))
    assert response.status_code == 400
    assert "This confirmation link is not valid. Check that it was copied whole." in text(response)
    assert not _user("ana@example.org").is_verified


def test_expired_verification_link_fails(app, client, later):
    client.post("/register", data=REGISTRATION)
    link = link_in(outbox(app)[0], "/verify/")
    later(app.config["EMAIL_TOKEN_MAX_AGE"] + 1)
    response = client.get(link)
    assert response.status_code == 400
    assert "This confirmation link has expired." in text(response)
    assert not _user("ana@example.org").is_verified


def test_verification_link_for_a_changed_email_fails(app, client):
    client.post("/register", data=REGISTRATION)
    link = link_in(outbox(app)[0], "/verify/")
    _user("ana@example.org").email = "ana.souza@example.org"
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400
    assert "This confirmation link is not valid any more." in text(response)


def test_resend_verification(app, client):
    client.post("/register", data=REGISTRATION)
    response = client.post("/verify/resend", follow_redirects=True)
    assert "We sent a new confirmation link to ana@example.org" in text(response)
    first, second = outbox(app)
    assert second["To"] == "ana@example.org"

    client.get(link_in(second, "/verify/"))
    assert _user("ana@example.org").is_verified


def test_verification_link_works_signed_out_and_leads_to_sign_in(app, client):
    client.post("/register", data=REGISTRATION)
    client.post("/logout")
    response = client.get(link_in(outbox(app)[0], "/verify/"))
    assert response.headers["Location"] == "/login?email=ana@example.org"
    assert _user("ana@example.org").is_verified


# Signing in and out -----------------------------------------------------------------------


def test_login_and_logout(client, auth, stakeholder):
    assert client.get("/profile").headers["Location"].startswith("/login?next=/profile")
    response = auth.login("amina@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert remember_cookie(client) is None
    assert signed_in(client)

    assert client.get("/logout").status_code == 405
    response = auth.logout()
    assert response.headers["Location"] == "/"
    assert not signed_in(client)


def test_remember_me_sets_a_cookie_that_logout_clears(client, auth, stakeholder):
    auth.login("amina@example.org", remember="y")
    assert remember_cookie(client) is not None

    auth.logout()
    assert remember_cookie(client) is None
    assert not signed_in(client)


def test_remember_cookie_signs_in_again_after_the_session_ends(client, auth, stakeholder):
    auth.login("amina@example.org", remember="y")
    client.delete_cookie("session", domain="consult.test")
    assert signed_in(client)


def test_wrong_email_and_wrong_password_look_the_same(client, auth, stakeholder):
    wrong_password = auth.login("amina@example.org", "not the password")
    wrong_email = auth.login("nobody@example.org")

    assert wrong_password.status_code == wrong_email.status_code == 400
    assert form_errors(wrong_password) == form_errors(wrong_email) == (
        "<p>The email or the password is not right.</p>"
    )
    assert (text(wrong_password).replace("amina@example.org", "EMAIL")
            == text(wrong_email).replace("nobody@example.org", "EMAIL"))


def test_unverified_login_leads_to_the_check_email_page(client, auth, create_user):
    create_user(email="new@example.org", verified=False)
    response = auth.login("new@example.org", next="/profile")
    assert response.headers["Location"] == "/register/check-email"


def test_login_follows_next_on_this_site(client, auth, stakeholder):
    page = text(client.get("/login?next=/c/wsis20?tab%3Dall"))
    assert 'name="next" type="hidden" value="/c/wsis20?tab=all"' in page
    response = auth.login("amina@example.org", next="/c/wsis20?tab=all")
    assert response.headers["Location"] == "/c/wsis20?tab=all"


HOSTILE_NEXT = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:/evil",
    " //evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "/%2F%2Fevil.example",
]


def _is_local(location: str) -> bool:
    parts = urlsplit(location)
    return (
        not parts.scheme and not parts.netloc and location.startswith("/")
        and not location.startswith("//") and "\\" not in location
    )


@on_sqlite
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_next_only_leads_on_site(client, auth, stakeholder, target):
    response = auth.login("amina@example.org", next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert _is_local(location)
    assert location in ("/", target)


@on_sqlite
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_next_only_leads_on_site(client, target):
    response = client.get("/language", query_string={"lang": "fr", "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert _is_local(location)
    assert location in ("/", target)


def test_password_change_signs_out_other_sessions(client, app, auth, stakeholder):
    other = app.test_client()
    Auth(other).login("amina@example.org", remember="y")
    auth.login("amina@example.org")
    assert signed_in(other)

    response = client.post("/profile", data={
        "which": "password",
        "password-current_password": PASSWORD,
        "password-password": NEW_PASSWORD,
        "password-confirm": NEW_PASSWORD,
    })
    assert response.headers["Location"] == "/profile"
    assert signed_in(client)
    assert not signed_in(other)
    other.delete_cookie("session", domain="consult.test")
    assert not signed_in(other), "the old remember cookie must not sign in either"

    auth.logout()
    assert auth.login("amina@example.org").status_code == 400
    assert auth.login("amina@example.org", NEW_PASSWORD).status_code == 302


def test_password_change_refuses_a_wrong_current_password(client, auth, stakeholder):
    auth.login("amina@example.org")
    response = client.post("/profile", data={
        "which": "password",
        "password-current_password": "not my password",
        "password-password": NEW_PASSWORD,
        "password-confirm": NEW_PASSWORD,
    })
    assert response.status_code == 400
    assert field_error(response, "password-current_password") == (
        "The current password is not right."
    )
    auth.logout()
    assert auth.login("amina@example.org").status_code == 302


# Forgotten password -----------------------------------------------------------------------


def _ask_reset(client, email: str):
    return client.post("/password/forgot", data={"email": email}, follow_redirects=True)


def test_forgot_password_answers_the_same_for_unknown_emails(app, client, stakeholder):
    known = _ask_reset(client, "amina@example.org")
    unknown = _ask_reset(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 200
    assert known.request.path == unknown.request.path == "/login"
    assert "a link to choose a new password is on its way" in text(known)
    assert (text(known).replace("amina@example.org", "EMAIL")
            == text(unknown).replace("nobody@example.org", "EMAIL"))
    [message] = outbox(app)
    assert message["To"] == "amina@example.org"


def test_reset_link_works_once(app, client, auth, stakeholder):
    _ask_reset(client, "amina@example.org")
    link = link_in(outbox(app)[0], "/password/reset/")
    assert client.get(link).status_code == 200

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/login"
    assert auth.login("amina@example.org", NEW_PASSWORD).status_code == 302
    auth.logout()

    response = client.post(link, data={"password": "third password!", "confirm": "third password!"})
    assert response.status_code == 400
    assert "This reset link has already been used." in text(response)
    assert auth.login("amina@example.org", NEW_PASSWORD).status_code == 302


def test_reset_link_expires(app, client, auth, stakeholder, later):
    _ask_reset(client, "amina@example.org")
    link = link_in(outbox(app)[0], "/password/reset/")
    later(app.config["PASSWORD_RESET_MAX_AGE"] + 1)

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "This reset link has expired." in text(response)
    assert auth.login("amina@example.org").status_code == 302


def test_reset_ends_other_sessions(app, client, auth, stakeholder):
    auth.login("amina@example.org")
    other = app.test_client()
    _ask_reset(other, "amina@example.org")
    other.post(link_in(outbox(app)[0], "/password/reset/"),
               data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not signed_in(client)


# Profile ----------------------------------------------------------------------------------


def test_edit_profile(client, auth, stakeholder):
    auth.login("amina@example.org")
    page = text(client.get("/profile"))
    assert 'value="Network for Digital Justice"' in page
    assert '<option selected value="KE">' in page

    response = client.post("/profile", data=PROFILE)
    assert response.headers["Location"] == "/profile"
    user = _user("amina@example.org")
    assert (user.organization, user.stakeholder_group, user.country) == (
        "Digital Justice Network", "academia", "SN")


@on_sqlite
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stakeholder_group", "media", "Not a valid choice."),
        ("stakeholder_group", "", "Choose one of the six stakeholder groups."),
        ("country", "ZZ", "Not a valid choice."),
        ("country", "", "Choose a country from the list."),
        ("name", " ", "Give your name."),
    ],
)
def test_edit_profile_refuses_wrong_fields(client, auth, stakeholder, field, value, message):
    auth.login("amina@example.org")
    response = client.post("/profile", data={**PROFILE, f"profile-{field}": value})
    assert response.status_code == 400
    assert field_error(response, f"profile-{field}") == message
    user = _user("amina@example.org")
    assert (user.name, user.stakeholder_group, user.country) == (
        "Amina Diallo", "civil_society", "KE")


def test_email_change_waits_for_the_link_sent_to_the_new_address(app, client, auth, stakeholder,
                                                                  other_stakeholder):
    auth.login("amina@example.org")
    response = client.post("/profile", data={"which": "email", "email-email": "li@example.org",
                                             "email-current_password": PASSWORD})
    assert response.status_code == 400 and "Another account uses" in text(response)
    response = client.post("/profile", data={"which": "email", "email-email": "new@example.org",
                                             "email-current_password": "wrong password"})
    assert response.status_code == 400 and "The current password is not right." in text(response)
    response = client.post("/profile", data={"which": "email", "email-email": "New@Example.org",
                                             "email-current_password": PASSWORD})
    assert response.headers["Location"] == "/profile"
    to_new, to_old = outbox(app)
    assert (to_new["To"], to_old["To"]) == ("new@example.org", "amina@example.org")
    assert "new@example.org" in to_old.get_content()
    db.session.refresh(stakeholder)
    assert stakeholder.email == "amina@example.org"
    link = link_in(to_new, "/profile/email/")
    assert client.get(link).headers["Location"] == "/profile"
    db.session.refresh(stakeholder)
    assert stakeholder.email == "new@example.org" and stakeholder.is_verified
    assert client.get(link).status_code == 400
    auth.logout()
    assert signed_in(client) is False
    auth.login("new@example.org")
    assert signed_in(client)


def test_a_profile_post_without_a_known_form_is_refused(client, auth, stakeholder):
    auth.login("amina@example.org")
    assert client.post("/profile", data={"which": "other"}).status_code == 400
