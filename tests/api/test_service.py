"""Personal API tokens and the API's own read queries, without HTTP (the statistics are the
compilation's: tests/api/test_views.py compares them)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from consult.api import service
from consult.api.models import ApiToken
from consult.comments import service as comments
from consult.database import utcnow
from consult.errors import Forbidden, Invalid, NotFound
from consult.extensions import db


def test_a_token_keeps_only_a_hash_of_its_secret(stakeholder):
    token, secret = service.create_token(stakeholder, "  Our script  ")
    db.session.commit()
    assert token.name == "Our script"
    assert len(secret) >= 40 and token.prefix == secret[:8]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = db.session.execute(select(ApiToken)).scalar_one()
    assert secret not in (stored.secret_hash, stored.prefix, stored.name)
    assert service.authenticate(secret) == stakeholder


def test_every_token_has_its_own_secret(stakeholder):
    secrets = {service.create_token(stakeholder, f"Token {n}")[1] for n in range(5)}
    assert len(secrets) == 5


def test_only_a_confirmed_account_makes_tokens(create_user):
    unconfirmed = create_user(verified=False)
    with pytest.raises(Forbidden, match="Confirm your email"):
        service.create_token(unconfirmed, "Script")
    with pytest.raises(Forbidden):
        service.create_token(None, "Script")


@pytest.mark.parametrize("name", ["", "   ", "x" * (service.TOKEN_NAME_MAX_LENGTH + 1)])
def test_a_token_needs_a_name_of_reasonable_length(stakeholder, name):
    with pytest.raises(Invalid) as refused:
        service.create_token(stakeholder, name)
    assert refused.value.field == "name"


def test_a_person_holds_a_bounded_number_of_live_tokens(stakeholder):
    made = [service.create_token(stakeholder, f"T{n}")[0] for n in range(service.TOKENS_PER_USER)]
    with pytest.raises(Invalid, match="revoke one"):
        service.create_token(stakeholder, "One too many")
    service.revoke_token(stakeholder, made[0].id)
    service.create_token(stakeholder, "Now there is room")


def test_tokens_are_listed_newest_first_without_the_revoked_ones(stakeholder, other_stakeholder):
    first, _ = service.create_token(stakeholder, "First")
    second, _ = service.create_token(stakeholder, "Second")
    gone, _ = service.create_token(stakeholder, "Gone")
    service.create_token(other_stakeholder, "Not mine")
    first.created_at = utcnow() - dt.timedelta(days=1)
    service.revoke_token(stakeholder, gone.id)
    assert service.list_tokens(stakeholder) == [second, first]


def test_a_revoked_token_is_refused(stakeholder):
    token, secret = service.create_token(stakeholder, "Script")
    service.revoke_token(stakeholder, token.id)
    db.session.commit()
    assert token.revoked_at is not None
    assert service.authenticate(secret) is None
    service.revoke_token(stakeholder, token.id)  # twice is harmless


def test_only_its_owner_revokes_a_token(stakeholder, other_stakeholder, secretariat):
    token, secret = service.create_token(stakeholder, "Script")
    db.session.commit()
    for someone in (other_stakeholder, secretariat, None):
        with pytest.raises(Forbidden):
            service.revoke_token(someone, token.id)
    with pytest.raises(NotFound):
        service.revoke_token(stakeholder, token.id + 1000)
    assert service.authenticate(secret) == stakeholder


def test_the_token_of_a_deactivated_account_is_refused(stakeholder):
    _token, secret = service.create_token(stakeholder, "Script")
    stakeholder.active = False
    db.session.commit()
    assert service.authenticate(secret) is None


@pytest.mark.parametrize("secret", ["", "short", "not a token at all!", "x" * 500, "\x00" * 43])
def test_what_cannot_be_a_token_is_not_looked_up(app, stakeholder, count_queries, secret):
    with count_queries() as counter:
        assert service.authenticate(secret) is None
    assert counter.count == 0


def test_use_is_noted_at_most_once_a_minute(app, stakeholder, count_queries):
    token, secret = service.create_token(stakeholder, "Script")
    db.session.commit()
    assert token.last_used_at is None
    with app.test_request_context("/api/v1/consultations"), count_queries() as first:
        service.authenticate(secret)
    db.session.rollback()  # the note was written apart; see it from a new transaction
    used = db.session.get(ApiToken, token.id).last_used_at
    assert used is not None and utcnow() - used < dt.timedelta(seconds=5)
    assert any(statement.startswith("UPDATE api_token") for statement in first.statements)
    db.session.commit()
    with count_queries() as again:
        service.authenticate(secret)
    assert again.count == 1  # the look-up only
    token = db.session.get(ApiToken, token.id)
    token.last_used_at = utcnow() - dt.timedelta(minutes=2)
    db.session.commit()
    service.authenticate(secret)
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at > used


# Dispositions and threads ----------------------------------------------------------------------


def test_dispositions_are_the_answered_comments_in_the_order_of_the_text(discussion):
    answered = service.dispositions(discussion.version, None, page=1, per_page=10)
    assert [item.id for item in answered.items] == [discussion.amendment.id,
                                                    discussion.answered.id]
    assert answered.total == 2
    last = service.dispositions(discussion.version, None, page=9, per_page=1)
    assert last.page == 2 and [item.id for item in last.items] == [discussion.answered.id]


def test_the_thread_below_a_reply_is_the_answers_to_it(discussion, other_stakeholder, stakeholder):
    answer = comments.reply(stakeholder, discussion.reply, body="And to you.")
    elsewhere = comments.reply(stakeholder, discussion.comment, body="To the comment.")
    db.session.commit()
    assert service.load_thread_of(discussion.reply, None) == [answer]
    assert service.load_thread_of(discussion.comment, None) == [
        discussion.reply, answer, elsewhere
    ]


def test_a_repeated_submission_is_recognised(discussion, stakeholder):
    assert not service.submitted_before(stakeholder, "key-1")
    assert not service.submitted_before(stakeholder, None)
    comments.post_comment(stakeholder, discussion.version, None, body="Hi", submission_key="key-1")
    assert service.submitted_before(stakeholder, "key-1")
