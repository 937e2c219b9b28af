"""Making Rev.1 from the Zero draft and the proposals accepted on it."""

from __future__ import annotations

import pytest

from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.errors import Conflict, Forbidden, Invalid
from consult.extensions import db
from consult.moderation import service as moderation
from consult.revisions import service
from consult.revisions.models import ChangeDecision


@pytest.fixture
def proposals(version, stakeholder, other_stakeholder, moderator, secretariat):
    """Accepted proposals on the zero draft, then its period closed."""
    p = {n: drafts.get_paragraph(version, n) for n in (2, 4, 6, 8)}
    made = {
        "amend": comments.post_comment(
            stakeholder, version, p[4], kind="amendment", body="Say inclusive first",
            proposed_text="Reaffirms the vision of an inclusive and people-centred society;"),
        "delete": comments.post_comment(other_stakeholder, version, p[2], kind="deletion",
                                        body="Redundant"),
        "insert": comments.post_comment(
            stakeholder, version, p[6], kind="insertion", body="Missing",
            proposed_text="To measure meaningful connectivity;"),
        "rejected": comments.post_comment(
            other_stakeholder, version, p[8], kind="amendment", body="Earlier",
            proposed_text="Decides to hold a high-level meeting in 2030."),
        "comment": comments.post_comment(stakeholder, version, p[8], body="Good"),
    }
    db.session.commit()
    for name in ("amend", "delete", "insert"):
        moderation.set_disposition(moderator, [(made[name], made[name].row_version)],
                                   "accepted", "Agreed")
    moderation.set_disposition(moderator, [(made["rejected"], made["rejected"].row_version)],
                               "not_accepted", "2035 was agreed")
    moderation.set_disposition(moderator, [(made["comment"], made["comment"].row_version)],
                               "accepted", "Thanks")
    drafts.close_version(secretariat, version)
    db.session.commit()
    return made


def test_only_the_secretariat_revises_and_only_a_closed_version(version, moderator,
                                                                secretariat):
    with pytest.raises(Forbidden):
        service.start_revision(moderator, version, "Rev.1")
    with pytest.raises(Conflict, match="Close"):
        service.start_revision(secretariat, version, "Rev.1")


def test_the_revision_copies_the_text_with_its_lineage(proposals, version, secretariat):
    rev = service.start_revision(secretariat, version, "Rev.1")
    db.session.commit()
    old = drafts.version_paragraphs(version)
    new = drafts.version_paragraphs(rev)
    assert (rev.number, rev.status, rev.based_on_id) == (2, "draft", version.id)
    assert [p.lineage_key for p in new] == [p.lineage_key for p in old]
    assert [p.body for p in new] == [p.body for p in old]
    assert [p.number_label for p in new] == [p.number_label for p in old]
    assert new[5].parent_id == new[4].id
    views = service.changes(rev)
    assert sorted(view.proposal.id for view in views) == sorted(
        proposals[name].id for name in ("amend", "delete", "insert")
    )
    assert service.pending_count(rev) == 3
    with pytest.raises(Conflict, match="already being made"):
        service.start_revision(secretariat, version, "Rev.1 again")


def test_applying_editing_and_skipping(proposals, version, secretariat):
    rev = service.start_revision(secretariat, version, "Rev.1")
    db.session.commit()
    change = {view.proposal.id: view for view in service.changes(rev)}
    amend = change[proposals["amend"].id]
    assert amend.current_text.startswith("Reaffirms the vision of a people-centred")
    assert amend.result_text.startswith("Reaffirms the vision of an inclusive")
    service.decide(secretariat, rev, amend.change.id, ChangeDecision.APPLIED)
    service.decide(secretariat, rev, change[proposals["delete"].id].change.id,
                   ChangeDecision.APPLIED)
    with pytest.raises(Invalid):
        service.decide(secretariat, rev, change[proposals["insert"].id].change.id,
                       ChangeDecision.EDITED, " ")
    service.decide(secretariat, rev, change[proposals["insert"].id].change.id,
                   ChangeDecision.EDITED, "To measure meaningful and affordable connectivity;")
    db.session.commit()
    texts = [(p.number_label, p.body) for p in drafts.version_paragraphs(rev)]
    assert ("1", "Reaffirms the vision of an inclusive and people-centred society;") in texts
    assert not any(body.startswith("*Recalling*") for _label, body in texts)
    labels = [label for label, body in texts]
    assert labels == ["", "I", "1", "2", "(a)", "(b)", "(c)", "3"]
    assert texts[5] == ("(b)", "To measure meaningful and affordable connectivity;")
    assert service.pending_count(rev) == 0
    with pytest.raises(Conflict, match="already decided"):
        service.decide(secretariat, rev, amend.change.id, ChangeDecision.SKIPPED)
    old_keys = {p.lineage_key for p in drafts.version_paragraphs(version)}
    assert len([p for p in drafts.version_paragraphs(rev) if p.lineage_key not in old_keys]) == 1


def test_two_accepted_changes_to_one_paragraph_are_settled_by_hand(
    version, stakeholder, other_stakeholder, moderator, secretariat
):
    target = drafts.get_paragraph(version, 4)
    first = comments.post_comment(stakeholder, version, target, kind="amendment", body="A",
                                  proposed_text="Reaffirms an inclusive vision;")
    second = comments.post_comment(other_stakeholder, version, target, kind="amendment",
                                   body="B", proposed_text="Reaffirms a rights-based vision;")
    db.session.commit()
    moderation.set_disposition(moderator, [(first, first.row_version),
                                           (second, second.row_version)], "accepted", "Both")
    drafts.close_version(secretariat, version)
    rev = service.start_revision(secretariat, version, "Rev.1")
    db.session.commit()
    views = service.changes(rev)
    assert all(view.in_conflict for view in views)
    with pytest.raises(Conflict, match="settle"):
        service.decide(secretariat, rev, views[0].change.id, ChangeDecision.APPLIED)
    service.settle(secretariat, rev, views[0].change.lineage_key,
                   "Reaffirms an inclusive and rights-based vision;")
    db.session.commit()
    assert service.pending_count(rev) == 0
    assert drafts.get_paragraph(rev, 4).body == "Reaffirms an inclusive and rights-based vision;"
    assert {view.change.decision for view in service.changes(rev)} == {"edited"}


def test_the_new_version_opens_once_everything_is_decided(proposals, version, secretariat):
    rev = service.start_revision(secretariat, version, "Rev.1")
    db.session.commit()
    with pytest.raises(Conflict, match="wait for a decision"):
        drafts.open_version(secretariat, rev)
    for view in service.changes(rev):
        service.decide(secretariat, rev, view.change.id, ChangeDecision.SKIPPED)
    drafts.open_version(secretariat, rev)
    db.session.commit()
    assert rev.status == "open"
    with pytest.raises(Conflict, match="published"):
        service.decide(secretariat, rev, service.changes(rev)[0].change.id,
                       ChangeDecision.APPLIED)
