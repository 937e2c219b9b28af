"""Every query string and free path segment a page reads (search words, filters, page
numbers, sort keys, version numbers, languages, tokens, slugs), sent every payload of
tests/security/payloads/: never a server error, never the payload reflected unescaped
into an HTML page, and the database left exactly as it was."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from flask import Flask

from consult.comments import service as comments
from consult.drafts.models import Paragraph
from consult.extensions import db
from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

# Each page with the query parameters it reads; every parameter gets the payload at once.
FILTERS = ["paragraph", "kind", "status", "group", "disposition", "q", "verified", "all"]
API_LIST = ["page", "per_page", "sort"]
QUERIES: dict[str, list[str]] = {
    "/": ["page", "q"],
    "/c/wsis20": ["page"],
    "/c/wsis20/v/1": ["page", "q"],
    "/c/wsis20/v/1/p/4": ["page", "sort", "quote", "kind", "fragment"],
    "/c/wsis20/v/1/general": ["page", "sort"],
    "/comments/{comment}": ["page", "sort"],
    "/comments/{comment}/replies": ["page", "sort", "fragment"],
    "/c/wsis20/compare": ["from", "to", "changes"],
    "/c/wsis20/redline.html": ["from", "to"],
    "/c/wsis20/v/1/compilation": FILTERS,
    "/c/wsis20/v/1/compilation.csv": FILTERS,
    "/c/wsis20/v/1/addressed": ["section", "page"],
    "/c/wsis20/v/1/statistics": ["page"],
    "/c/wsis20/v/1/export.md": ["lang"],
    "/moderation": ["version", "paragraph", "kind", "status", "group", "disposition", "q",
                    "sort", "verified", "page"],
    "/audit": ["actor", "action", "object_type", "object_id", "date_from", "date_to", "page"],
    "/manage/people": ["q", "verified", "role", "group", "state", "page"],
    "/my-input": ["page"],
    "/notifications": ["page"],
    "/login": ["next", "email"],
    "/language": ["lang", "next"],
    "/password/forgot": ["email"],
    "/manage/c/wsis20/v/1/p/new": ["after"],
    "/api/v1/consultations": API_LIST,
    "/api/v1/consultations/wsis20/versions/1/paragraphs": API_LIST,
    "/api/v1/consultations/wsis20/versions/1/comments": API_LIST,
    "/api/v1/consultations/wsis20/versions/1/paragraphs/4/comments": API_LIST,
    "/api/v1/consultations/wsis20/versions/1/dispositions": API_LIST,
}
# Addresses with a free text segment: the payload stands in for it.
PATHS = [
    "/c/{}",
    "/c/wsis20/history/{}",
    "/verify/{}",
    "/password/reset/{}",
    "/profile/email/{}",
    "/api/v1/consultations/{}",
]
# The payloads joined into values of at most 200 characters (the longest search a form
# takes), so every payload reaches every parameter in some sixty requests a page.
VALUES = [*hostile.batches(hostile.ALL, 200, " "), hostile.LONG_WORD[:5000]]
# Reflected as written, these would run or break out of an attribute.
_DANGEROUS = ("<", ">", '"')


_RISKY = [p for p in hostile.ALL if len(p) >= 6 and any(c in p for c in _DANGEROUS)]


def _reflected_raw(value: str, page: str) -> list[str]:
    """The payloads of value that stand in the page as written (unescaped)."""
    return [p for p in _RISKY if p in value and p in page]


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Thousands of requests from one address, a secretariat account without a phone."""
    return {**app_config, "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()}


@pytest.fixture
def signed_in(app: Flask, client, auth, create_user, create_version, secretariat, stakeholder):
    create_user(email=hostile.CANARY_EMAIL, name="Canary")
    version = create_version()
    paragraph = db.session.execute(
        db.select(Paragraph).where(Paragraph.version_id == version.id, Paragraph.position == 4)
    ).scalar_one()
    comment = comments.post_comment(stakeholder, version, paragraph, body="Agreed.")
    db.session.commit()
    assert auth.login(secretariat.email).status_code == 302
    return comment


def _check(client, path: str, payload: str) -> None:
    response = client.get(path)
    what = f"GET {path[:200]!r}"
    hostile.assert_no_server_error(response, what)
    if response.mimetype == "text/html":
        assert not _reflected_raw(payload, response.get_data(as_text=True)), what


@pytest.mark.parametrize("page", list(QUERIES))
def test_every_payload_in_every_query_parameter(client, signed_in, page: str):
    path = page.format(comment=signed_in.id)
    before, canary = hostile.row_counts(), hostile.canary()
    for payload in VALUES:
        query = urlencode(
            [(name, payload.encode("utf-8", "surrogatepass")) for name in QUERIES[page]]
        )
        _check(client, f"{path}?{query}", payload)
        if page == "/language":
            client.get("/language?lang=en")
    db.session.rollback()
    assert hostile.row_counts() == before
    assert hostile.canary() == canary


@pytest.mark.parametrize("pattern", PATHS)
def test_every_payload_in_every_path_segment(client, signed_in, pattern: str):
    before, canary = hostile.row_counts(), hostile.canary()
    for payload in VALUES:
        segment = quote(payload.encode("utf-8", "surrogatepass"), safe="")
        _check(client, pattern.format(segment), payload)
    db.session.rollback()
    assert hostile.row_counts() == before
    assert hostile.canary() == canary


def test_bytes_that_are_not_utf8_in_a_query(client, signed_in):
    for raw in hostile.INVALID_UTF8:
        for path in ("/c/wsis20/v/1/compilation?q=", "/manage/people?q=", "/moderation?q=",
                     "/api/v1/consultations?sort="):
            response = client.get(path + quote(raw, safe=""))
            hostile.assert_no_server_error(response, f"{path}{raw!r}")
