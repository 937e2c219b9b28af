"""The download links and their responses: who may fetch what, in which format and name."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from consult.drafts.importer import ParsedParagraph
from consult.extensions import db

CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xml": "application/akn+xml; charset=utf-8",
}


def _url(extension: str, number: int = 1, slug: str = "wsis20", **query: str) -> str:
    suffix = "".join(f"?{name}={value}" for name, value in query.items())
    return f"/c/{slug}/v/{number}/export.{extension}{suffix}"


@pytest.mark.parametrize("extension", sorted(CONTENT_TYPES))
def test_each_format_downloads_with_its_type_and_name(client, version, extension):
    response = client.get(_url(extension))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CONTENT_TYPES[extension]
    disposition = response.headers["Content-Disposition"]
    if extension == "html":
        assert disposition == 'inline; filename="wsis20-Zero-draft.html"'
    else:
        assert disposition == f'attachment; filename="wsis20-Zero-draft.{extension}"'
    assert response.data
    assert (
        "Cache-Control" not in response.headers
        or "no-store" not in response.headers["Cache-Control"]
    )


def test_pdf_downloads_as_a_pdf(client, version):
    response = client.get(_url("pdf"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="wsis20-Zero-draft.pdf"'
    assert response.data.startswith(b"%PDF-")


def test_text_formats_stream(client, version):
    response = client.get(_url("md"))
    assert response.is_streamed
    assert response.data.decode("utf-8").startswith("# WSIS+20 outcome document")


def test_the_name_comes_from_the_symbol_and_label(client, version):
    version.document_symbol = "A/80/L.1"
    version.label = "Rev.1"
    db.session.commit()
    response = client.get(_url("docx"))
    assert response.headers["Content-Disposition"] == 'attachment; filename="A-80-L.1-Rev.1.docx"'


def test_a_name_beyond_ascii_is_also_given_in_utf_8(client, version):
    version.label = "Проект 2"
    db.session.commit()
    disposition = client.get(_url("md")).headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="wsis20-2.md"; '
        "filename*=UTF-8''wsis20-%D0%9F%D1%80%D0%BE%D0%B5%D0%BA%D1%82-2.md"
    )


@pytest.mark.parametrize("extension", ["md", "xml"])
def test_drafts_are_exported_to_the_secretariat_only(
    client, auth, create_version, stakeholder, secretariat, extension
):
    create_version(status="draft")
    assert client.get(_url(extension)).status_code == 404
    auth.login(stakeholder.email)
    assert client.get(_url(extension)).status_code == 404
    auth.logout()
    auth.login(secretariat.email)
    response = client.get(_url(extension))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "url",
    [
        "/c/nothing/v/1/export.md",
        "/c/wsis20/v/9/export.md",
        "/c/wsis20/v/1/export.txt",
        "/c/wsis20/v/1/export.html?lang=xx",
    ],
)
def test_unknown_versions_formats_and_languages_are_not_found(client, version, url):
    assert client.get(url).status_code == 404


def test_the_document_language_sets_direction(client, version):
    page = lxml.html.fromstring(client.get(_url("html", lang="ar")).data)
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    root = etree.fromstring(client.get(_url("xml", lang="zh")).data)
    assert root.xpath("string(//*[local-name()='FRBRlanguage']/@language)") == "zho"


def test_the_version_page_offers_every_download(client, version):
    page = lxml.html.fromstring(client.get("/c/wsis20/v/1").data)
    section = page.xpath("//section[@aria-labelledby='downloads-title']")[0]
    assert section.xpath("string(.//h2)") == "Download the text"
    links = section.xpath(".//a")
    assert [link.get("href").rsplit("/", 1)[1] for link in links] == [
        "export.pdf",
        "export.docx",
        "export.html",
        "export.md",
        "export.xml",
    ]
    assert [link.xpath("string(.//span[@class='downloads__format'])") for link in links] == [
        "PDF",
        "Word (DOCX)",
        "Web page (HTML)",
        "Markdown",
        "Akoma Ntoso (XML)",
    ]
    assert all(
        link.xpath("string(.//span[@class='downloads__use'])").startswith("— ") for link in links
    )
    assert [link.get("download") is not None for link in links] == [True, True, False, True, True]
    for link in links:
        assert client.get(link.get("href")).status_code == 200


def test_downloads_show_the_multilingual_text(client, create_version):
    paragraphs = [ParsedParagraph("operative", "*Decides* — решает — 决定 — تقرر;", "1")]
    create_version(paragraphs=paragraphs)
    assert "решает — 决定 — تقرر" in client.get(_url("md")).data.decode("utf-8")
    assert "решает — 决定 — تقرر" in client.get(_url("html")).data.decode("utf-8")
