"""`flask consult create-user`: accounts of every role from the command line."""

from __future__ import annotations

import pytest

from consult.auth import service
from consult.auth.models import Role, User
from consult.extensions import db
from tests.conftest import PASSWORD

# Tables of cases whose outcome does not depend on the database run on one of them.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)



def run_create_user(runner, *options: str):
    return runner.invoke(args=[
        "consult", "create-user", "--email", "olena@example.org", "--password", PASSWORD,
        "--name", "Olena Kravets", "--organization", "WSIS secretariat", *options,
    ])


def _users() -> list[User]:
    return list(db.session.execute(db.select(User)).scalars())


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_create_user_with_each_role(runner, role):
    result = run_create_user(runner, "--role", role, "--group", "government", "--country", "ua")
    assert result.exit_code == 0, result.output
    assert f"Made {role} account olena@example.org" in result.output

    [user] = _users()
    assert (user.role, user.stakeholder_group, user.country) == (role, "government", "UA")
    assert user.is_verified
    assert service.authenticate("olena@example.org", PASSWORD) is user


def test_create_user_defaults_and_unverified(runner):
    result = run_create_user(runner, "--unverified")
    assert result.exit_code == 0, result.output
    [user] = _users()
    assert (user.role, user.stakeholder_group, user.country) == (
        "stakeholder", "international_organization", "CH")
    assert not user.is_verified


def test_create_user_asks_for_the_password(runner):
    result = runner.invoke(
        args=["consult", "create-user", "--email", "olena@example.org", "--name", "Olena",
              "--organization", "WSIS secretariat"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert service.authenticate("olena@example.org", PASSWORD) is not None


@on_sqlite
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--country", "XX"], "Choose a country from the list."),
        (["--password", "short"], "Choose a password of at least 12 characters."),
        (["--name", " "], "Give your name."),
    ],
)
def test_create_user_refuses_wrong_values(runner, options, message):
    result = run_create_user(runner, *options)
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert _users() == []


def test_create_user_refuses_a_taken_email(runner, stakeholder):
    result = run_create_user(runner, "--email", "AMINA@example.org")
    assert result.exit_code == 1
    assert "An account with this email already exists." in result.output
    assert [user.email for user in _users()] == ["amina@example.org"]


@on_sqlite
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--role", "admin"], "Invalid value for '--role'"),
        (["--group", "media"], "Invalid value for '--group'"),
    ],
)
def test_create_user_refuses_unknown_choices(runner, options, message):
    result = run_create_user(runner, *options)
    assert result.exit_code == 2
    assert message in result.output
    assert _users() == []
