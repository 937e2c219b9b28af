"""API fixtures: a token for the stakeholder, and a version with input of every kind."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from consult.api import service as tokens
from consult.auth.models import User
from consult.comments import service as comments
from consult.comments.models import Comment
from consult.drafts import service as drafts
from consult.drafts.models import Version
from consult.extensions import db
from consult.moderation import service as moderation

BASE = "/api/v1/consultations/wsis20/versions/1"


@pytest.fixture
def make_token():
    """Make a token for a user, committed; returns the secret."""

    def make(user: User, name: str = "Our script") -> str:
        _token, secret = tokens.create_token(user, name)
        db.session.commit()
        return secret

    return make


@pytest.fixture
def token(make_token, stakeholder) -> str:
    return make_token(stakeholder)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def headers(token) -> dict[str, str]:
    return bearer(token)


@dataclass
class Discussion:
    version: Version
    comment: Comment
    amendment: Comment
    reply: Comment
    general: Comment
    answered: Comment


@pytest.fixture
def discussion(version, other_stakeholder, create_user, moderator) -> Discussion:
    """Comments on paragraphs 4 and 6, a reply, a general comment, an endorsement and an
    answered amendment, from people of two groups and two countries."""
    government = create_user(
        email="gov@example.org", name="Rafael Menezes", organization="Ministry",
        stakeholder_group="government", country="BR",
    )
    fourth = drafts.get_paragraph(version, 4)
    comment = comments.post_comment(government, version, fourth, body="Keep *the* vision.")
    amendment = comments.post_comment(
        other_stakeholder, version, fourth, kind="amendment", body="Say it better.",
        proposed_text="Reaffirms the shared vision;",
    )
    reply = comments.reply(other_stakeholder, comment, body="Agreed.")
    general = comments.post_comment(government, version, None, body="A general remark.")
    answered = comments.post_comment(
        government, version, drafts.get_paragraph(version, 6), kind="deletion",
        body="Not needed.",
    )
    comments.endorse(other_stakeholder, comment)
    moderation.set_disposition(moderator, [(amendment, amendment.row_version)], "accepted",
                               "Taken into Rev.1.")
    moderation.set_disposition(moderator, [(answered, answered.row_version)], "not_accepted",
                               "The paragraph stays.")
    db.session.commit()
    return Discussion(version, comment, amendment, reply, general, answered)
