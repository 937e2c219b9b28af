"""Reading a consultation, and the secretariat's pages that build it."""

from __future__ import annotations

import io

import pytest

from consult.drafts import service
from consult.drafts.models import Version
from consult.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_index_lists_published_consultations(client, create_version):
    create_version()
    create_version(slug="hidden", status="draft")
    html = text(client.get("/"))
    assert "WSIS+20 outcome document" in html
    assert "/c/hidden" not in html


def test_the_consultation_page_lists_its_versions(client, create_version):
    create_version(status="closed")
    create_version(label="Rev.1")
    html = text(client.get("/c/wsis20"))
    assert "Zero draft" in html and "Rev.1" in html


def test_a_paragraph_has_a_page_of_its_own(client, version):
    html = text(client.get("/c/wsis20/v/1/p/6"))
    assert "Paragraph 2 (a)" in html
    assert "To bridge digital divides" in html
    assert 'href="/c/wsis20/v/1/p/5"' in html and 'href="/c/wsis20/v/1/p/7"' in html
    assert 'href="/c/wsis20/v/1#p6"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/manage/consultations/new",
        "/manage/c/wsis20/versions/new",
        "/manage/c/wsis20/v/1",
        "/manage/c/wsis20/v/1/p/new",
        "/manage/c/wsis20/v/1/p/4/edit",
    ],
)
def test_secretariat_pages_are_closed_to_others(
    client, auth, version, stakeholder, moderator, path
):
    assert client.get(path).status_code == 302
    assert "/login" in client.get(path).headers["Location"]
    for email in ("amina@example.org", "moderator@example.org"):
        auth.login(email)
        assert client.get(path).status_code == 403, (email, path)
        auth.logout()


@pytest.mark.parametrize(
    "path",
    [
        "/manage/c/wsis20/v/1/open",
        "/manage/c/wsis20/v/1/close",
        "/manage/c/wsis20/v/1/renumber",
        "/manage/c/wsis20/v/1/import",
        "/manage/c/wsis20/v/1/p/4/delete",
    ],
)
def test_secretariat_actions_are_closed_to_others(client, auth, version, moderator, path):
    auth.login("moderator@example.org")
    assert client.post(path).status_code == 403
    db.session.refresh(version)
    assert version.status == "open"


def test_the_secretariat_builds_a_version_in_the_browser(client, auth, secretariat):
    auth.login("secretariat@example.org")
    response = client.post(
        "/manage/consultations/new",
        data={"title": "WSIS+20 Forum outcome", "slug": "forum", "summary": "Have your say."},
    )
    assert response.headers["Location"].endswith("/manage/c/forum/versions/new")
    response = client.post(
        "/manage/c/forum/versions/new",
        data={
            "label": "Zero draft",
            "moderation": "pre",
            "document_symbol": "WSIS/2027/L.1",
            "opens_at": "",
            "closes_at": "2099-01-31T23:59",
        },
    )
    assert response.headers["Location"].endswith("/manage/c/forum/v/1")
    assert client.get("/c/forum/v/1").status_code == 200
    client.post(
        "/manage/c/forum/v/1/p/new",
        data={
            "after_position": "0",
            "kind": "operative",
            "number_label": "1",
            "body": "*Decides* to meet again;",
        },
    )
    client.post(
        "/manage/c/forum/v/1/p/new",
        data={
            "after_position": "1",
            "kind": "operative",
            "number_label": "(a)",
            "is_subparagraph": "y",
            "body": "In Geneva;",
        },
    )
    page = text(client.get("/manage/c/forum/v/1"))
    assert "<em>Decides</em> to meet again;" in page and "In Geneva;" in page
    paragraph = db.session.execute(
        db.select(service.Paragraph).where(service.Paragraph.number_label == "(a)")
    ).scalar_one()
    client.post(
        "/manage/c/forum/v/1/p/2/edit",
        data={
            "kind": "operative",
            "number_label": "(a)",
            "is_subparagraph": "y",
            "body": "In Geneva, in July;",
            "row_version": str(paragraph.row_version),
        },
    )
    assert "In Geneva, in July;" in text(client.get("/manage/c/forum/v/1"))
    client.post("/manage/c/forum/v/1/open")
    version = db.session.execute(db.select(Version)).scalar_one()
    assert version.status == "open" and version.moderation == "pre"
    assert version.closes_at.year == 2099
    logged_out = client.post("/logout")
    assert logged_out.status_code == 302
    html = text(client.get("/c/forum/v/1"))
    assert "WSIS/2027/L.1" in html and 'id="p2"' in html


def test_an_edit_that_conflicts_shows_both_texts(client, auth, create_version, secretariat):
    version = create_version(status="draft")
    paragraph = service.get_paragraph(version, 4)
    seen = paragraph.row_version
    service.update_paragraph(
        secretariat,
        paragraph,
        kind="operative",
        number_label="1",
        body="Saved meanwhile",
        is_subparagraph=False,
        row_version=seen,
    )
    db.session.commit()
    auth.login("secretariat@example.org")
    response = client.post(
        "/manage/c/wsis20/v/1/p/4/edit",
        data={
            "kind": "operative",
            "number_label": "1",
            "body": "My edit",
            "row_version": str(seen),
        },
    )
    assert response.status_code == 409
    html = text(response)
    assert "Saved meanwhile" in html and "My edit" in html


def test_the_secretariat_imports_a_file(client, auth, secretariat):
    auth.login("secretariat@example.org")
    client.post("/manage/consultations/new", data={"title": "T", "slug": "t"})
    upload = (io.BytesIO(b"# Title\n\n*Recalling* its work,\n\n1. *Decides* to act;\n"), "draft.md")
    response = client.post(
        "/manage/c/t/versions/new",
        data={"label": "Zero draft", "moderation": "post", "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    html = text(client.get("/manage/c/t/v/1"))
    assert "Imported 2 paragraphs." in html
    assert "<em>Decides</em> to act;" in html


def test_an_unreadable_file_says_where(client, auth, secretariat, create_version):
    create_version(status="draft")
    auth.login("secretariat@example.org")
    upload = (io.BytesIO(b"<akomaNtoso><doc>\n<p>unclosed</doc>"), "draft.xml")
    client.post(
        "/manage/c/wsis20/v/1/import", data={"file": upload}, content_type="multipart/form-data"
    )
    html = text(client.get("/manage/c/wsis20/v/1"))
    assert "line 2" in html
    assert len(service.version_paragraphs(db.session.get(Version, 1))) == 8


def test_opening_and_closing_through_the_page(client, auth, create_version, secretariat):
    version = create_version(status="draft")
    auth.login("secretariat@example.org")
    client.post("/manage/c/wsis20/v/1/open")
    db.session.refresh(version)
    assert version.status == "open"
    client.post("/manage/c/wsis20/v/1/close")
    db.session.refresh(version)
    assert version.status == "closed"
    html = text(client.get("/c/wsis20/v/1"))
    assert "The comment period closed on" in html


def test_language_choice_and_right_to_left(client, version):
    response = client.get("/language?lang=ar&next=/c/wsis20/v/1")
    assert response.headers["Location"] == "/c/wsis20/v/1"
    html = text(client.get("/c/wsis20/v/1"))
    assert '<html lang="ar" dir="rtl">' in html
    client.get("/language?lang=fr&next=https://evil.example/")
    html = text(client.get("/"))
    assert '<html lang="fr" dir="ltr">' in html


def test_the_browser_language_is_followed(client, version):
    html = text(client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}))
    assert '<html lang="es" dir="ltr">' in html


def test_dates_are_written_for_the_reader(client, create_version, secretariat):
    import datetime as dt

    version = create_version()
    version.closes_at = dt.datetime(2099, 1, 31, 23, 59, tzinfo=dt.UTC)
    db.session.commit()
    assert "31 January 2099, 23:59 UTC" in text(client.get("/c/wsis20/v/1"))
    client.get("/language?lang=fr")
    assert "31 janvier 2099" in text(client.get("/c/wsis20/v/1"))
    client.get("/language?lang=ar")
    html = text(client.get("/c/wsis20/v/1"))
    assert "يناير" in html and 'dir="rtl"' in html


def test_the_secretariat_moves_a_paragraph(client, auth, create_version, secretariat):
    create_version(status="draft")
    auth.login("secretariat@example.org")
    assert "Move up" in text(client.get("/manage/c/wsis20/v/1"))
    response = client.post("/manage/c/wsis20/v/1/p/4/up")
    assert response.headers["Location"].endswith("/manage/c/wsis20/v/1#p3")
    bodies = [p.body for p in service.version_paragraphs(db.session.get(Version, 1))]
    assert bodies[2].startswith("*Reaffirms*") and bodies[3].startswith("Information")
