"""Consultations, versions and paragraphs through the service layer."""

from __future__ import annotations

import datetime as dt

import pytest

from consult.database import utcnow
from consult.drafts import service
from consult.drafts.importer import ParsedDocument, ParsedParagraph
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db


def test_only_the_secretariat_creates_consultations(stakeholder, moderator, secretariat):
    for actor in (None, stakeholder, moderator):
        with pytest.raises(Forbidden):
            service.create_consultation(actor, slug="x", title="X")
    made = service.create_consultation(secretariat, slug="wsis20-outcome", title="Outcome")
    assert made.slug == "wsis20-outcome"


@pytest.mark.parametrize("slug", ["", "Has Caps", "under_score", "-dash", "a" * 81, "é"])
def test_a_consultation_needs_a_clean_short_name(secretariat, slug):
    with pytest.raises(Invalid) as error:
        service.create_consultation(secretariat, slug=slug, title="X")
    assert error.value.field == "slug"


def test_a_short_name_is_used_once(secretariat):
    service.create_consultation(secretariat, slug="wsis", title="X")
    with pytest.raises(Invalid, match="already uses"):
        service.create_consultation(secretariat, slug="wsis", title="Y")


def test_versions_are_numbered_and_keep_their_text_in_order(secretariat, create_version):
    first = create_version()
    second = create_version(label="Rev.1", status="draft")
    assert (first.number, second.number) == (1, 2)
    paragraphs = service.version_paragraphs(first)
    assert [p.position for p in paragraphs] == list(range(1, 9))
    assert paragraphs[5].parent_id == paragraphs[4].id
    assert paragraphs[6].parent_id == paragraphs[4].id
    assert paragraphs[7].parent_id is None
    assert paragraphs[1].body_html.startswith("<p><em>Recalling</em>")
    assert len({p.lineage_key for p in paragraphs}) == len(paragraphs)


def test_a_draft_is_seen_only_by_the_secretariat(
    create_version, stakeholder, moderator, secretariat
):
    create_version(status="draft")
    for viewer in (None, stakeholder, moderator):
        with pytest.raises(NotFound):
            service.get_version("wsis20", 1, viewer)
        with pytest.raises(NotFound):
            service.get_consultation("wsis20", viewer)
        assert service.list_consultations(viewer) == []
    assert service.get_version("wsis20", 1, secretariat).status == "draft"


def test_status_moves_from_draft_to_open_to_closed(create_version, secretariat):
    version = create_version(status="draft", closes_in=None)
    assert not version.is_taking_comments()
    service.open_version(secretariat, version)
    assert version.status == "open" and version.opens_at is not None
    assert version.is_taking_comments()
    service.close_version(secretariat, version)
    assert version.status == "closed"
    assert version.closes_at <= utcnow()
    assert not version.is_taking_comments()
    with pytest.raises(Conflict):
        service.close_version(secretariat, version)


def test_a_version_without_text_cannot_open(secretariat):
    consultation = service.create_consultation(secretariat, slug="empty", title="Empty")
    version = service.create_version(secretariat, consultation, label="Zero draft")
    with pytest.raises(Invalid, match="text"):
        service.open_version(secretariat, version)


def test_the_period_bounds_comments(create_version, secretariat):
    version = create_version(status="draft")
    now = utcnow()
    service.update_version(
        secretariat,
        version,
        label="Zero draft",
        document_symbol="A/80/L.1",
        moderation="pre",
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=2),
    )
    service.open_version(secretariat, version)
    assert not version.is_taking_comments(now)
    assert version.is_taking_comments(now + dt.timedelta(days=1, hours=1))
    assert not version.is_taking_comments(now + dt.timedelta(days=3))
    with pytest.raises(Invalid, match="close after"):
        service.update_version(
            secretariat,
            version,
            label="Zero draft",
            document_symbol="",
            moderation="pre",
            opens_at=now,
            closes_at=now - dt.timedelta(hours=1),
        )


def test_opening_refuses_a_period_that_already_ended(create_version, secretariat):
    version = create_version(status="draft")
    version.closes_at = utcnow() - dt.timedelta(minutes=1)
    with pytest.raises(Invalid, match="past"):
        service.open_version(secretariat, version)


def test_paragraphs_are_edited_only_in_a_draft(create_version, secretariat, stakeholder):
    version = create_version(status="draft")
    paragraph = service.get_paragraph(version, 4)
    with pytest.raises(Forbidden):
        service.update_paragraph(
            stakeholder,
            paragraph,
            kind="operative",
            number_label="1",
            body="x",
            is_subparagraph=False,
            row_version=1,
        )
    service.update_paragraph(
        secretariat,
        paragraph,
        kind="operative",
        number_label="1",
        body="*Reaffirms* the Geneva vision;",
        is_subparagraph=False,
        row_version=paragraph.row_version,
    )
    db.session.commit()
    assert "<em>Reaffirms</em> the Geneva vision;" in paragraph.body_html
    service.open_version(secretariat, version)
    with pytest.raises(Conflict):
        service.update_paragraph(
            secretariat,
            paragraph,
            kind="operative",
            number_label="1",
            body="changed",
            is_subparagraph=False,
            row_version=paragraph.row_version,
        )


def test_a_stale_edit_is_refused(create_version, secretariat):
    version = create_version(status="draft")
    paragraph = service.get_paragraph(version, 4)
    seen = paragraph.row_version
    service.update_paragraph(
        secretariat,
        paragraph,
        kind="operative",
        number_label="1",
        body="first edit",
        is_subparagraph=False,
        row_version=seen,
    )
    db.session.commit()
    with pytest.raises(Conflict, match="Someone else"):
        service.update_paragraph(
            secretariat,
            paragraph,
            kind="operative",
            number_label="1",
            body="second edit",
            is_subparagraph=False,
            row_version=seen,
        )


def test_inserting_and_deleting_keeps_positions_dense(create_version, secretariat):
    version = create_version(status="draft")
    keys = [p.lineage_key for p in service.version_paragraphs(version)]
    made = service.insert_paragraph(
        secretariat,
        version,
        after_position=4,
        kind="operative",
        number_label="",
        body="To close the gap;",
        is_subparagraph=True,
    )
    db.session.commit()
    paragraphs = service.version_paragraphs(version)
    assert [p.position for p in paragraphs] == list(range(1, 10))
    assert paragraphs[4].id == made.id and made.parent_id == paragraphs[3].id
    assert [p.lineage_key for p in paragraphs if p.id != made.id] == keys
    service.delete_paragraph(secretariat, service.get_paragraph(version, 2))
    db.session.commit()
    paragraphs = service.version_paragraphs(version)
    assert [p.position for p in paragraphs] == list(range(1, 9))
    assert keys[1] not in {p.lineage_key for p in paragraphs}


def test_renumbering_numbers_operative_paragraphs_and_letters_their_parts(
    create_version, secretariat
):
    version = create_version(status="draft")
    service.insert_paragraph(
        secretariat,
        version,
        after_position=3,
        kind="operative",
        number_label="",
        body="*Notes* the report;",
    )
    service.insert_paragraph(
        secretariat,
        version,
        after_position=6,
        kind="operative",
        number_label="(x)",
        body="To measure progress;",
        is_subparagraph=True,
    )
    changed = service.renumber(secretariat, version)
    labels = [(p.kind, p.number_label) for p in service.version_paragraphs(version)]
    assert labels == [
        ("text", ""),
        ("preambular", ""),
        ("heading", "I"),
        ("operative", "1"),
        ("operative", "2"),
        ("operative", "3"),
        ("operative", "(a)"),
        ("operative", "(b)"),
        ("operative", "(c)"),
        ("operative", "4"),
    ]
    assert changed == 7


def test_importing_replaces_the_text_of_a_draft(create_version, secretariat):
    version = create_version(status="draft")
    document = ParsedDocument(paragraphs=[ParsedParagraph("operative", "*Decides* anew;", "1")])
    service.replace_text(secretariat, version, document)
    db.session.commit()
    assert [p.body for p in service.version_paragraphs(version)] == ["*Decides* anew;"]


def test_paragraphs_are_named_as_in_negotiations(create_version):
    version = create_version(paragraphs=[
        ParsedParagraph("text", "The General Assembly,"),
        ParsedParagraph("preambular", "*Recalling* its resolution 70/125,"),
        ParsedParagraph("preambular", "*considering*"),
        ParsedParagraph("preambular", "that the divide persists;", "a)", 1),
        ParsedParagraph("heading", "Vision", "I"),
        ParsedParagraph("operative", "*Calls upon* all stakeholders:", "1"),
        ParsedParagraph("operative", "To connect everyone;", "(a)", 1),
    ])
    paragraphs = service.version_paragraphs(version)
    names = [service.paragraph_name(p, service.preambular_number(p)) for p in paragraphs]
    assert names == [
        "paragraph at position 1", "preambular paragraph 1", "preambular paragraph 2",
        "preambular paragraph 2 a)", "heading I", "paragraph 1", "paragraph 1 (a)",
    ]
    assert list(service.paragraph_names(paragraphs).values()) == names


def test_paragraphs_change_places_in_a_draft(create_version, secretariat):
    version = create_version(status="draft")
    keys = [p.lineage_key for p in service.version_paragraphs(version)]
    service.move_paragraph(secretariat, service.get_paragraph(version, 2), +1)
    service.move_paragraph(secretariat, service.get_paragraph(version, 8), -1)
    db.session.commit()
    moved = [p.lineage_key for p in service.version_paragraphs(version)]
    assert moved == [keys[0], keys[2], keys[1], *keys[3:6], keys[7], keys[6]]
    with pytest.raises(Invalid, match="no paragraph"):
        service.move_paragraph(secretariat, service.get_paragraph(version, 1), -1)
    service.open_version(secretariat, version)
    with pytest.raises(Conflict):
        service.move_paragraph(secretariat, service.get_paragraph(version, 3), -1)
