"""The JSON API's request bodies, sent every payload of tests/security/payloads/ in every
text field, and JSON that is malformed in the ways parsers trip on: each request is taken
(201) and the database holds the text as sent, cleaned as forms are (consult/fields.py), or
refused with a JSON error naming the field; never a server error, and nothing else changes.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from consult.api import service as tokens
from consult.comments import service as comments
from consult.comments.models import Comment
from consult.drafts.models import Paragraph
from consult.extensions import db
from consult.fields import clean
from tests.api.conftest import BASE, bearer
from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

PARAGRAPH = f"{BASE}/paragraphs/4"
# JSON can spell NUL and lone surrogates; PostgreSQL cannot store the one nor UTF-8 carry
# the other, so the API refuses them (each is sent alone, not to spoil a batch).
REFUSED = [p for p in hostile.ALL if "\x00" in p or any(0xD800 <= ord(c) <= 0xDFFF for c in p)]
SPELLABLE = [p for p in hostile.ALL if p not in REFUSED]


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": False}


@pytest.fixture
def api(client, create_user, version, stakeholder):
    create_user(email=hostile.CANARY_EMAIL, name="Canary")
    paragraph = db.session.execute(
        select(Paragraph).where(Paragraph.version_id == version.id, Paragraph.position == 4)
    ).scalar_one()
    parent = comments.post_comment(stakeholder, version, paragraph, body="Agreed.")
    db.session.commit()
    _token, secret = tokens.create_token(stakeholder, "Our script")
    db.session.commit()
    return parent, bearer(secret)


# Where each field is sent, what else the body needs, and its limit.
FIELDS = {
    "comment.body": (PARAGRAPH + "/comments", {}, "body", 20_000),
    "amendment.proposed_text": (
        PARAGRAPH + "/comments", {"kind": "amendment", "body": "Why."}, "proposed_text", 10_000
    ),
    "comment.quote": (PARAGRAPH + "/comments", {"body": "On these words."}, "quote", 1000),
    "comment.submission_key": (PARAGRAPH + "/comments", {"body": "Once."}, "submission_key", 64),
    "comment.kind": (PARAGRAPH + "/comments", {"body": "Which kind?"}, "kind", 1000),
    "general.body": (BASE + "/comments", {}, "body", 20_000),
    "reply.body": ("/api/v1/comments/{parent}/replies", {}, "body", 20_000),
}


def _json(data: dict) -> str:
    """JSON as a client that does not check its strings writes it: lone surrogates are
    spelled \\udXXX, which json.dumps does for any string."""
    return json.dumps(data)


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_payload_in_every_json_field(client, api, name: str):
    parent, headers = api
    path, base, field, limit = FIELDS[name]
    path = path.format(parent=parent.id)
    before, canary = hostile.row_counts(), hostile.canary()
    taken = 0
    values = [*hostile.batches(SPELLABLE, limit, " "), *REFUSED, hostile.LONG_WORD]
    for value in values:
        response = client.post(path, headers=headers, data=_json({**base, field: value}),
                               content_type="application/json")
        what = f"{name} with {value[:80]!r}"
        hostile.assert_no_server_error(response, what)
        assert response.mimetype == "application/json", what
        if response.status_code == 201:
            taken += 1
            stored = db.session.get(Comment, response.get_json()["id"])
            assert getattr(stored, field) in (clean(value), clean(value).strip()), what
        else:
            assert response.status_code in (400, 403, 409), what
            error = response.get_json()["error"]
            assert error["message"], what
            if response.status_code == 400 and "field" in error:
                assert error["field"] in (field, "body"), what
    if field in ("body", "proposed_text"):
        assert taken, "no payload was taken"
    db.session.rollback()
    assert hostile.canary() == canary
    after = hostile.row_counts()
    grown = {table for table, rows in after.items() if rows != before[table]}
    assert grown <= {"comment", "notification"}, grown
    assert after["comment"] - before["comment"] == taken


MALFORMED = [
    b"[" * 100_000 + b"]" * 100_000,  # deeper than any parser's recursion
    b'{"body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"body": "x", "body": "y"}',
    b'{"body": "\xff\xfe"}',  # not UTF-8
    b"\xef\xbb\xbf" + b'{"body": "after a byte order mark"}',
    b'{"body": 1e999999}',
    b'{"body": NaN}',
    b'{"body": "' + b"\\u0000" * 10 + b'"}',
    b'{"body": "\\udfff\\ud800"}',
    b'{"body": "unterminated',
    b'{"body": "x"} trailing',
    b"",
    b"null",
    b'"just a string"',
    b'{"body": {"$gt": ""}}',
    b'{"__proto__": {"admin": true}, "body": "x"}',
    b'{"body": "x", "submission_key": {"$ne": null}}',
]


@pytest.mark.parametrize("raw", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_json_is_a_json_400(client, api, raw: bytes):
    _parent, headers = api
    before = hostile.row_counts()
    response = client.post(PARAGRAPH + "/comments", headers=headers, data=raw,
                           content_type="application/json")
    hostile.assert_no_server_error(response, repr(raw[:60]))
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["error"]["message"]
    db.session.rollback()
    assert hostile.row_counts() == before
