"""Accounts without HTTP: the rules live in consult.auth.service."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from consult.auth import service
from consult.auth.models import Role, StakeholderGroup, User
from consult.errors import Forbidden, Invalid
from consult.extensions import db
from tests.conftest import PASSWORD, link_in, outbox

NEW_PASSWORD = "a much longer new secret"
# Tables of cases whose outcome does not depend on the database run on one of them.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _fields(**changes):
    fields = {
        "email": "new@example.org",
        "password": PASSWORD,
        "name": "Ana Souza",
        "organization": "Instituto Rede",
        "stakeholder_group": "civil_society",
        "country": "BR",
    }
    fields.update(changes)
    return fields


def _token(message, path: str) -> str:
    return link_in(message, path).rsplit("/", 1)[1]



@pytest.fixture
def later(monkeypatch):
    """Move the clock of signed links forward by some seconds."""

    def move(seconds: int) -> None:
        now = int(time.time())
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + seconds)

    return move


def test_six_wsis_groups():
    assert {group.value for group in StakeholderGroup} == {
        "government", "private_sector", "civil_society", "academia",
        "technical_community", "international_organization",
    }


def test_register_stores_a_hash_and_sends_a_verification_link(app):
    from consult.config import defaults

    app.config["PASSWORD_HASH_METHOD"] = defaults(app.instance_path)["PASSWORD_HASH_METHOD"]
    user = service.register(**_fields())
    db.session.commit()

    stored = db.session.execute(
        select(User.password_hash).where(User.id == user.id)
    ).scalar_one()
    assert stored.startswith("scrypt:65536:8:1$")  # N = 2^16 (ASVS 2.4.1)
    assert PASSWORD not in stored
    assert user.role == Role.STAKEHOLDER
    assert not user.is_verified
    [message] = outbox(app)
    assert message["To"] == "new@example.org"
    assert link_in(message, "/verify/")


def test_mail_is_queued_until_commit(app):
    service.register(**_fields())
    assert outbox(app) == []
    db.session.commit()
    assert len(outbox(app)) == 1


@on_sqlite
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "x" * (service.PASSWORD_MAX_LENGTH + 1)}, "password"),
        ({"name": "  "}, "name"),
        ({"organization": ""}, "organization"),
        ({"stakeholder_group": "media"}, "stakeholder_group"),
        ({"country": "XX"}, "country"),
        ({"country": "Brazil"}, "country"),
    ],
)
def test_register_refuses_wrong_fields(app, changes, field):
    with pytest.raises(Invalid) as refused:
        service.register(**_fields(**changes))
    assert refused.value.field == field
    assert refused.value.message


def test_register_refuses_a_taken_email_whatever_its_case(app, stakeholder):
    with pytest.raises(Invalid, match="already exists") as refused:
        service.register(**_fields(email="  Amina@Example.ORG "))
    assert refused.value.field == "email"


def test_country_codes_are_kept_in_capitals(app, stakeholder):
    """pycountry finds "ke" too; statistics by country need one spelling."""
    user = service.create_user(**_fields(country="ke"))
    assert user.country == "KE"
    service.update_profile(user, name="Ana", organization="Rede",
                           stakeholder_group="academia", country="br")
    assert user.country == "BR"


@pytest.mark.parametrize("role", list(Role))
def test_create_user_with_each_role(app, role):
    user = service.create_user(**_fields(), role=role, verified=True)
    assert user.role == role
    assert user.is_verified
    assert user.is_moderator == (role != Role.STAKEHOLDER)
    assert user.is_secretariat == (role == Role.SECRETARIAT)


def test_create_user_refuses_an_unknown_role(app):
    with pytest.raises(Invalid, match="Unknown role"):
        service.create_user(**_fields(), role="admin")


def test_verification_link_verifies(app):
    user = service.register(**_fields())
    db.session.commit()
    token = _token(outbox(app)[0], "/verify/")

    assert service.verify_email(token) is user
    assert user.is_verified


def test_unverified_user_cannot_write(app, create_user):
    user = create_user(verified=False)
    with pytest.raises(Forbidden, match="Confirm your email address"):
        service.require_writer(user)
    user.email_verified_at = service.utcnow()
    assert service.require_writer(user) is user


def test_anonymous_cannot_write(app):
    with pytest.raises(Forbidden, match="Sign in"):
        service.require_writer(None)


def test_tampered_verification_link_fails(app):
    service.register(**_fields())
    db.session.commit()
    token = _token(outbox(app)[0], "/verify/")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    with pytest.raises(Invalid, match="not valid. Check that it was copied whole"):
        service.verify_email(tampered)


def test_verification_link_expires(app, later):
    user = service.register(**_fields())
    db.session.commit()
    token = _token(outbox(app)[0], "/verify/")
    max_age = app.config["EMAIL_TOKEN_MAX_AGE"]

    later(max_age + 1)
    with pytest.raises(Invalid, match="expired"):
        service.verify_email(token)
    assert not user.is_verified
    later(max_age - 60)
    assert service.verify_email(token).is_verified


def test_verification_link_for_a_changed_email_fails(app):
    user = service.register(**_fields())
    db.session.commit()
    token = _token(outbox(app)[0], "/verify/")
    user.email = "changed@example.org"
    db.session.commit()

    with pytest.raises(Invalid, match="not valid any more"):
        service.verify_email(token)


def test_resend_sends_a_new_link_but_not_to_the_verified(app, create_user):
    user = create_user(verified=False)
    service.send_verification(user)
    db.session.commit()
    assert len(outbox(app)) == 1

    service.verify_email(_token(outbox(app)[0], "/verify/"))
    service.send_verification(user)
    db.session.commit()
    assert len(outbox(app)) == 1


def test_authenticate(app, stakeholder):
    assert service.authenticate("AMINA@example.org ", PASSWORD) is stakeholder
    assert stakeholder.last_login_at is not None
    assert service.authenticate("amina@example.org", "wrong password") is None
    assert service.authenticate("nobody@example.org", PASSWORD) is None
    stakeholder.active = False
    assert service.authenticate("amina@example.org", PASSWORD) is None


def test_session_id_carries_the_epoch(app, stakeholder):
    session_id = stakeholder.get_id()
    assert service.load_user(session_id) is stakeholder

    service.change_password(stakeholder, PASSWORD, NEW_PASSWORD)
    db.session.commit()

    assert service.load_user(session_id) is None
    assert service.load_user(stakeholder.get_id()) is stakeholder


@on_sqlite
@pytest.mark.parametrize("session_id", ["", "1", "1.", ".0", "x.0", "1.x", "999.0"])
def test_load_user_refuses_malformed_session_ids(app, stakeholder, session_id):
    assert service.load_user(session_id) is None


def test_change_password_checks_the_current_one(app, stakeholder):
    with pytest.raises(Invalid) as refused:
        service.change_password(stakeholder, "not my password", NEW_PASSWORD)
    assert refused.value.field == "current_password"
    assert service.authenticate(stakeholder.email, PASSWORD) is stakeholder

    with pytest.raises(Invalid) as refused:
        service.change_password(stakeholder, PASSWORD, "short")
    assert refused.value.field == "password"

    service.change_password(stakeholder, PASSWORD, NEW_PASSWORD)
    assert service.authenticate(stakeholder.email, NEW_PASSWORD) is stakeholder
    assert service.authenticate(stakeholder.email, PASSWORD) is None


def test_password_reset_link_works_once(app, stakeholder):
    service.request_password_reset("amina@example.org")
    db.session.commit()
    token = _token(outbox(app)[0], "/password/reset/")

    assert service.reset_password(token, NEW_PASSWORD) is stakeholder
    db.session.commit()
    assert service.authenticate(stakeholder.email, NEW_PASSWORD) is stakeholder
    with pytest.raises(Invalid, match="already been used"):
        service.reset_password(token, "yet another password")


def test_password_reset_link_expires(app, stakeholder, later):
    service.request_password_reset("amina@example.org")
    db.session.commit()
    token = _token(outbox(app)[0], "/password/reset/")

    later(app.config["PASSWORD_RESET_MAX_AGE"] + 1)
    with pytest.raises(Invalid, match="expired"):
        service.user_for_reset_token(token)


def test_password_reset_proves_the_address(app, create_user):
    user = create_user(verified=False)
    service.request_password_reset(user.email)
    db.session.commit()
    service.reset_password(_token(outbox(app)[0], "/password/reset/"), NEW_PASSWORD)
    assert user.is_verified


def test_password_reset_for_an_unknown_email_sends_nothing(app, stakeholder):
    service.request_password_reset("nobody@example.org")
    db.session.commit()
    assert outbox(app) == []


def test_update_profile(app, stakeholder):
    service.update_profile(stakeholder, name=" Amina D. ", organization="Digital Justice",
                           stakeholder_group="academia", country="SN")
    assert (stakeholder.name, stakeholder.organization) == ("Amina D.", "Digital Justice")
    assert (stakeholder.stakeholder_group, stakeholder.country) == ("academia", "SN")


@on_sqlite
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stakeholder_group": "media"}, "stakeholder_group", "six stakeholder groups"),
        ({"country": "ZZ"}, "country", "country from the list"),
        ({"name": ""}, "name", "Give your name"),
    ],
)
def test_update_profile_refuses_wrong_fields(app, stakeholder, changes, field, message):
    fields = {"name": "Amina", "organization": "Network", "stakeholder_group": "academia",
              "country": "SN", **changes}
    with pytest.raises(Invalid, match=message) as refused:
        service.update_profile(stakeholder, **fields)
    assert refused.value.field == field
    assert stakeholder.stakeholder_group == "civil_society"
    assert stakeholder.country == "KE"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "http://evil.example/path",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "http:/evil",
        "http:evil",
        " //evil.example",
        "\t//evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "evil.example",
        "",
        None,
    ],
)
def test_safe_next_path_refuses_other_sites(target):
    assert service.safe_next_path(target) is None


@pytest.mark.parametrize(
    "target", ["/", "/c/wsis20/v/1?tab=comments#p4", "/%2F%2Fevil.example", "/profile"]
)
def test_safe_next_path_keeps_paths_on_this_site(target):
    assert service.safe_next_path(target) == target
