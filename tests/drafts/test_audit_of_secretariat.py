"""Each secretariat action on consultations, versions and paragraphs leaves one audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.audit import service as audit
from consult.audit.models import AuditEvent
from consult.drafts import service
from consult.drafts.importer import ParsedDocument, ParsedParagraph
from consult.errors import Forbidden
from consult.extensions import db

PARAGRAPH_FIELDS = {"position", "kind", "number_label", "body", "parent_id", "lineage_key"}
VERSION_FIELDS = {"label", "document_symbol", "status", "moderation", "opens_at", "closes_at"}


class Trail:
    """The events recorded since it was made."""

    def __init__(self) -> None:
        self.start = audit.count()

    def events(self) -> list[AuditEvent]:
        return list(
            db.session.execute(
                select(AuditEvent)
                .where(AuditEvent.sequence > self.start)
                .order_by(AuditEvent.sequence)
            ).scalars()
        )

    def one(self, actor, action: str, object_type: str, object_id: int) -> AuditEvent:
        events = self.events()
        assert len(events) == 1, events
        entry = events[0]
        assert (entry.actor_id, entry.actor_name) == (actor.id, actor.name)
        assert (entry.action, entry.object_type, entry.object_id) == (
            action,
            object_type,
            object_id,
        )
        return entry


@pytest.fixture
def draft(create_version):
    return create_version(status="draft")


def _paragraph(version, position: int):
    return service.get_paragraph(version, position)


def test_creating_a_consultation(secretariat):
    trail = Trail()
    made = service.create_consultation(
        secretariat, slug="wsis20", title="WSIS+20", summary="The outcome."
    )
    entry = trail.one(secretariat, "consultation.create", "consultation", made.id)
    assert entry.before is None
    assert entry.after == {"slug": "wsis20", "title": "WSIS+20", "summary": "The outcome."}


def test_creating_a_version_from_a_document(secretariat):
    consultation = service.create_consultation(secretariat, slug="wsis20", title="WSIS+20")
    trail = Trail()
    made = service.create_version(
        secretariat,
        consultation,
        label="Zero draft",
        document_symbol="A/80/L.1",
        document=ParsedDocument(paragraphs=[ParsedParagraph("operative", "Decides.", "1")]),
    )
    entry = trail.one(secretariat, "version.create", "version", made.id)
    assert entry.before is None
    assert entry.after == {
        "label": "Zero draft",
        "document_symbol": "A/80/L.1",
        "status": "draft",
        "moderation": "post",
        "opens_at": None,
        "closes_at": None,
        "paragraphs": 1,
    }


def test_creating_an_empty_version(secretariat):
    consultation = service.create_consultation(secretariat, slug="wsis20", title="WSIS+20")
    trail = Trail()
    made = service.create_version(secretariat, consultation, label="Rev.1", moderation="pre")
    entry = trail.one(secretariat, "version.create", "version", made.id)
    assert set(entry.after) == VERSION_FIELDS
    assert entry.after["moderation"] == "pre"


def test_replacing_the_text(secretariat, draft):
    trail = Trail()
    service.replace_text(
        secretariat,
        draft,
        ParsedDocument(
            paragraphs=[ParsedParagraph("text", "Intro"), ParsedParagraph("operative", "X", "1")]
        ),
    )
    entry = trail.one(secretariat, "version.import", "version", draft.id)
    assert (entry.before, entry.after) == ({"paragraphs": 8}, {"paragraphs": 2})


def test_changing_a_versions_settings(secretariat, draft):
    old_closes = draft.closes_at
    trail = Trail()
    service.update_version(
        secretariat,
        draft,
        label="Rev.1",
        document_symbol="A/80/L.2",
        moderation="pre",
        opens_at=None,
        closes_at=None,
    )
    entry = trail.one(secretariat, "version.update", "version", draft.id)
    assert entry.before["label"] == "Zero draft" and entry.after["label"] == "Rev.1"
    assert entry.before["moderation"] == "post" and entry.after["moderation"] == "pre"
    assert entry.before["closes_at"] == old_closes.isoformat() and entry.after["closes_at"] is None
    assert entry.after["document_symbol"] == "A/80/L.2"
    assert set(entry.before) == set(entry.after) == VERSION_FIELDS


def test_opening_and_closing_a_version(secretariat, draft):
    trail = Trail()
    service.open_version(secretariat, draft)
    entry = trail.one(secretariat, "version.open", "version", draft.id)
    assert (entry.before["status"], entry.after["status"]) == ("draft", "open")
    assert entry.before["opens_at"] is None
    assert entry.after["opens_at"] == draft.opens_at.isoformat()

    trail = Trail()
    service.close_version(secretariat, draft)
    entry = trail.one(secretariat, "version.close", "version", draft.id)
    assert (entry.before["status"], entry.after["status"]) == ("open", "closed")
    assert entry.after["closes_at"] == draft.closes_at.isoformat()
    assert entry.before["closes_at"] != entry.after["closes_at"]


def test_inserting_a_paragraph(secretariat, draft):
    trail = Trail()
    made = service.insert_paragraph(
        secretariat,
        draft,
        after_position=6,
        kind="operative",
        number_label="(c)",
        body="To measure progress;",
        is_subparagraph=True,
    )
    entry = trail.one(secretariat, "paragraph.insert", "paragraph", made.id)
    assert entry.before is None
    assert entry.after == {
        "position": 7,
        "kind": "operative",
        "number_label": "(c)",
        "body": "To measure progress;",
        "parent_id": _paragraph(draft, 5).id,
        "lineage_key": made.lineage_key,
    }


def test_changing_a_paragraph(secretariat, draft):
    paragraph = _paragraph(draft, 7)
    parent_id = _paragraph(draft, 5).id
    trail = Trail()
    service.update_paragraph(
        secretariat,
        paragraph,
        kind="operative",
        number_label="(b)",
        body="To strengthen and renew the Internet Governance Forum;",
        is_subparagraph=False,
        row_version=paragraph.row_version,
    )
    entry = trail.one(secretariat, "paragraph.update", "paragraph", paragraph.id)
    assert set(entry.before) == set(entry.after) == PARAGRAPH_FIELDS
    assert entry.before["body"] == "To strengthen the Internet Governance Forum;"
    assert entry.after["body"] == "To strengthen and renew the Internet Governance Forum;"
    assert (entry.before["parent_id"], entry.after["parent_id"]) == (parent_id, None)
    assert {c.field for c in audit.changes(entry)} == {"body", "parent_id"}


def test_deleting_a_paragraph(secretariat, draft):
    paragraph = _paragraph(draft, 8)
    paragraph_id, lineage_key = paragraph.id, paragraph.lineage_key
    trail = Trail()
    service.delete_paragraph(secretariat, paragraph)
    entry = trail.one(secretariat, "paragraph.delete", "paragraph", paragraph_id)
    assert entry.after is None
    assert entry.before == {
        "position": 8,
        "kind": "operative",
        "number_label": "3",
        "body": "*Decides* to hold a high-level meeting in 2035.",
        "parent_id": None,
        "lineage_key": lineage_key,
    }


def test_moving_a_paragraph(secretariat, draft):
    paragraph = _paragraph(draft, 4)
    trail = Trail()
    service.move_paragraph(secretariat, paragraph, 1)
    entry = trail.one(secretariat, "paragraph.move", "paragraph", paragraph.id)
    assert (entry.before["position"], entry.after["position"]) == (4, 5)
    assert [c.field for c in audit.changes(entry)] == ["position"]


def test_renumbering(secretariat, draft):
    service.insert_paragraph(
        secretariat, draft, after_position=0, kind="operative", number_label="", body="New."
    )
    trail = Trail()
    changed = service.renumber(secretariat, draft)
    entry = trail.one(secretariat, "version.renumber", "version", draft.id)
    assert changed == 4
    assert entry.before == {"number_labels": {"1": "", "5": "1", "6": "2", "9": "3"}}
    assert entry.after == {"number_labels": {"1": "1", "5": "2", "6": "3", "9": "4"}}


def test_a_refused_action_leaves_no_event(stakeholder, draft):
    trail = Trail()
    with pytest.raises(Forbidden):
        service.open_version(stakeholder, draft)
    with pytest.raises(Forbidden):
        service.delete_paragraph(stakeholder, _paragraph(draft, 1))
    assert trail.events() == []


def test_the_secretariats_work_keeps_the_chain_intact(secretariat, draft):
    service.renumber(secretariat, draft)
    service.open_version(secretariat, draft)
    db.session.commit()
    check = audit.verify()
    assert check.intact
    assert check.events == audit.count() >= 4
