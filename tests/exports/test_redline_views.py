"""Downloading a redline: who may, what comes back, and under which name."""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import quote

import docx
import lxml.html
import pytest
from docx.oxml.ns import qn
from flask import Flask

from consult.auth.models import User
from consult.drafts.models import Version
from consult.exports import redline
from consult.exports.redline_views import blueprint
from tests.exports.test_redline import OLD_TEXT, lines_after, revised, revisions

DOCX = "/c/wsis20/redline.docx"
HTML = "/c/wsis20/redline.html"


@pytest.fixture(autouse=True)
def registered(app: Flask) -> None:
    """The blueprint on the app, before its first request (Flask refuses it after)."""
    if "redline" not in app.blueprints:
        app.register_blueprint(blueprint)


@pytest.fixture
def pair(create_version: Callable[..., Version], secretariat: User) -> tuple[Version, Version]:
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    return old, revised(old, secretariat)


def test_anyone_downloads_the_redline_of_published_versions(client, pair):
    old, new = pair
    response = client.get(f"{DOCX}?from=1&to=2")
    assert response.status_code == 200
    assert response.mimetype == redline.DOCX_TYPE
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wsis20-Zero-draft-to-Rev.1-redline.docx"; '
        "filename*=UTF-8''wsis20-Zero-draft-to-Rev.1-redline.docx"
    )
    assert "Cache-Control" not in response.headers or "no-store" not in response.headers[
        "Cache-Control"
    ]
    document = docx.Document(io.BytesIO(response.data))
    found = revisions(document)
    assert found
    assert {element.get(qn("w:author")) for element in found} == {"Secretariat"}
    assert {element.get(qn("w:date")) for element in found} == {
        new.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    }
    assert "4.\tПризывает все заинтересованные стороны преодолеть цифровой разрыв;" in (
        lines_after(document, "ins")
    )


def test_the_secretariat_signs_the_changes_with_its_organization(client, auth, pair):
    auth.login("secretariat@example.org")
    response = client.get(f"{DOCX}?from=1&to=2")
    found = revisions(docx.Document(io.BytesIO(response.data)))
    assert {element.get(qn("w:author")) for element in found} == {"WSIS secretariat"}


def test_a_stakeholder_signs_nothing(client, auth, stakeholder, pair):
    auth.login(stakeholder.email)
    response = client.get(f"{DOCX}?from=1&to=2")
    found = revisions(docx.Document(io.BytesIO(response.data)))
    assert {element.get(qn("w:author")) for element in found} == {"Secretariat"}


def test_the_redline_as_a_page(client, pair):
    response = client.get(f"{HTML}?from=1&to=2")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(
        'inline; filename="wsis20-Zero-draft-to-Rev.1-redline.html"'
    )
    page = lxml.html.document_fromstring(response.get_data(as_text=True))
    assert "Rev.1 (changes from Zero draft)" in page.text_content()
    inserted = "".join(element.text_content() for element in page.xpath("//main//ins"))
    assert "Призывает" in inserted and "论坛" in inserted and "التنمية" in inserted


def test_an_older_version_may_come_second(client, pair):
    response = client.get(f"{DOCX}?from=2&to=1")
    assert response.status_code == 200
    assert "Rev.1-to-Zero-draft" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("path", [DOCX, HTML])
def test_a_draft_is_for_the_secretariat_only(client, auth, pair, secretariat, path):
    old, new = pair
    revised(new, secretariat, label="Rev.2", status="draft")
    assert client.get(f"{path}?from=2&to=3").status_code == 404
    auth.login("secretariat@example.org")
    response = client.get(f"{path}?from=2&to=3")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", [DOCX, HTML])
@pytest.mark.parametrize("query", ["?from=1&to=9", "?from=9&to=2"])
def test_an_unknown_version_is_not_found(client, pair, path, query):
    assert client.get(path + query).status_code == 404


def test_an_unknown_consultation_is_not_found(client, pair):
    assert client.get("/c/nothing/redline.docx?from=1&to=2").status_code == 404


@pytest.mark.parametrize("path", [DOCX, HTML])
def test_the_same_version_twice_is_a_bad_request_that_says_why(client, pair, path):
    response = client.get(f"{path}?from=2&to=2")
    assert response.status_code == 400
    assert "You chose the same version twice" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["", "?from=1", "?to=2", "?from=one&to=2", "?from=-1&to=2", "?from=²&to=2",
              "?from=1&to=99999999999999999999"]
)
def test_versions_must_be_given_by_number(client, pair, query):
    response = client.get(DOCX + query)
    assert response.status_code == 400
    assert "?from=1&amp;to=2" in response.get_data(as_text=True)


def test_a_label_in_another_script_is_kept_in_the_encoded_name(client, pair, secretariat):
    old, new = pair
    revised(new, secretariat, label="Проект «2»/final")
    response = client.get(f"{DOCX}?from=2&to=3")
    disposition = response.headers["Content-Disposition"]
    name = "wsis20-Rev.1-to-Проект-2-final-redline.docx"
    assert disposition == (
        'attachment; filename="wsis20-Rev.1-to-2-final-redline.docx"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


def test_the_comparison_page_links_to_both_redlines(client, pair):
    page = lxml.html.document_fromstring(
        client.get("/c/wsis20/compare?from=1&to=2").get_data(as_text=True)
    )
    links = {link.get("href") for link in page.xpath("//a[contains(@href, '/redline.')]")}
    assert links == {
        "/c/wsis20/redline.docx?from=1&to=2",
        "/c/wsis20/redline.html?from=1&to=2",
    }

