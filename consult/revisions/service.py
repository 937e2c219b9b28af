"""Making the next version of a text from a closed one and the proposals accepted on it.

The revision starts as a draft copy whose paragraphs keep their lineage keys; the
secretariat then goes through every accepted or partially accepted amendment, deletion
and insertion, sees the current text, the proposal and the result, and applies, edits
or skips it. Two accepted changes to one paragraph are a conflict settled by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.audit.service import record
from consult.auth.models import User
from consult.comments.models import Comment, CommentKind, CommentStatus, Disposition
from consult.database import utcnow
from consult.drafts import service as drafts
from consult.drafts.models import Paragraph, ParagraphKind, Version, VersionStatus
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.markup import plain_text
from consult.revisions.models import ChangeDecision, RevisionChange

ACCEPTING = (Disposition.ACCEPTED, Disposition.PARTIALLY_ACCEPTED)
CHANGING = (CommentKind.AMENDMENT, CommentKind.DELETION, CommentKind.INSERTION)
TEXT_MAX_LENGTH = 20_000


def _require_secretariat(actor: User | None) -> User:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_secretariat:
        raise Forbidden(_("Only the secretariat can make revisions."))
    return actor


def revision_of(version: Version) -> Version | None:
    """The draft revision being made from a version, if there is one."""
    return db.session.execute(
        select(Version).where(Version.based_on_id == version.id).order_by(Version.number.desc())
    ).scalars().first()


def start_revision(actor: User | None, version: Version, label: str) -> Version:
    """Close nothing, copy everything: a new draft version with the same paragraphs and
    lineage, its numbers recomputed, and the accepted proposals waiting for a decision.

    Raises Forbidden, Invalid, Conflict.
    """
    actor = _require_secretariat(actor)
    if version.status not in (VersionStatus.CLOSED, VersionStatus.FINAL):
        raise Conflict(_("Close the comment period before starting the next version."))
    if revision_of(version) is not None:
        raise Conflict(_("The next version of this one is already being made."))
    made = drafts.create_version(
        actor,
        version.consultation,
        label=label,
        moderation=version.moderation,
        document_symbol=version.document_symbol,
    )
    made.based_on_id = version.id
    copies: dict[int, Paragraph] = {}
    for paragraph in drafts.version_paragraphs(version):
        copy = Paragraph(
            version_id=made.id,
            position=paragraph.position,
            kind=paragraph.kind,
            number_label=paragraph.number_label,
            body=paragraph.body,
            body_html=paragraph.body_html,
            lineage_key=paragraph.lineage_key,
            parent=copies.get(paragraph.parent_id) if paragraph.parent_id else None,
        )
        db.session.add(copy)
        copies[paragraph.id] = copy
    db.session.flush()
    drafts.renumber(actor, made)
    accepted = db.session.execute(
        select(Comment)
        .join(Comment.paragraph)
        .where(
            Comment.version_id == version.id,
            Comment.kind.in_(CHANGING),
            Comment.disposition.in_(ACCEPTING),
            Comment.status == CommentStatus.PUBLISHED,
            Comment.root_id.is_(None),
        )
        .order_by(Paragraph.position, Comment.created_at)
    ).scalars().all()
    for proposal in accepted:
        assert proposal.paragraph is not None
        db.session.add(
            RevisionChange(
                version_id=made.id,
                comment_id=proposal.id,
                lineage_key=proposal.paragraph.lineage_key,
                result_text=proposal.proposed_text,
            )
        )
    db.session.flush()
    record(actor, "version.revise", "version", made.id,
           after={"based_on": version.id, "label": made.label, "changes": len(accepted)})
    return made


@dataclass
class ChangeView:
    """One accepted proposal as the secretariat sees it while revising."""

    change: RevisionChange
    proposal: Comment
    paragraph: Paragraph | None  # its paragraph in the revision, None if gone
    conflict: list[RevisionChange]  # other changes to the same paragraph

    @property
    def current_text(self) -> str:
        return plain_text(self.paragraph.body) if self.paragraph is not None else ""

    @property
    def result_text(self) -> str:
        """What the paragraph becomes if the proposal is applied as it stands."""
        if self.proposal.kind == CommentKind.DELETION:
            return ""
        if self.proposal.kind == CommentKind.INSERTION:
            return self.proposal.proposed_text
        return self.change.result_text or self.proposal.proposed_text

    @property
    def in_conflict(self) -> bool:
        return bool(self.conflict)


def changes(version: Version) -> list[ChangeView]:
    """The accepted proposals of the version revised from, with where they stand."""
    rows = db.session.execute(
        select(RevisionChange, Comment)
        .join(Comment, Comment.id == RevisionChange.comment_id)
        .where(RevisionChange.version_id == version.id)
        .order_by(RevisionChange.id)
    ).all()
    paragraphs = {
        paragraph.lineage_key: paragraph for paragraph in drafts.version_paragraphs(version)
    }
    by_key: dict[str, list[RevisionChange]] = defaultdict(list)
    for change, proposal in rows:
        if proposal.kind != CommentKind.INSERTION:
            by_key[change.lineage_key].append(change)
    views = []
    for change, proposal in rows:
        others = [] if proposal.kind == CommentKind.INSERTION else [
            other for other in by_key[change.lineage_key] if other.id != change.id
        ]
        views.append(ChangeView(change, proposal, paragraphs.get(change.lineage_key), others))
    return sorted(
        views,
        key=lambda view: (view.paragraph.position if view.paragraph else 0, view.change.id),
    )


def pending_count(version: Version) -> int:
    """How many accepted proposals still wait for a decision (the version cannot open)."""
    return db.session.execute(
        select(func.count())
        .select_from(RevisionChange)
        .where(
            RevisionChange.version_id == version.id,
            RevisionChange.decision == ChangeDecision.PENDING,
        )
    ).scalar_one()


def _change(version: Version, change_id: int) -> ChangeView:
    for view in changes(version):
        if view.change.id == change_id:
            return view
    raise NotFound()


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Give the text of the paragraph."), field="text")
    if len(text) > TEXT_MAX_LENGTH:
        raise Invalid(_("The text is too long."), field="text")
    return text


def _write(actor: User, version: Version, view: ChangeView, text: str) -> None:
    """Put text into the revision as the proposal asks: replace, delete or insert."""
    paragraph = view.paragraph
    kind = view.proposal.kind
    if paragraph is None:
        raise Conflict(
            _("The paragraph this proposal is about is no longer in the new version.")
        )
    if kind == CommentKind.DELETION:
        drafts.delete_paragraph(actor, paragraph)
    elif kind == CommentKind.INSERTION:
        drafts.insert_paragraph(
            actor,
            version,
            after_position=paragraph.position,
            kind=paragraph.kind if paragraph.kind != ParagraphKind.HEADING else "operative",
            # Numbered like its neighbour for now; renumbering gives it its own number.
            number_label=paragraph.number_label if paragraph.kind != ParagraphKind.HEADING
            else "",
            body=text,
            is_subparagraph=paragraph.parent_id is not None,
        )
    else:
        _rewrite(actor, paragraph, text)
    drafts.renumber(actor, version)


def _rewrite(actor: User, paragraph: Paragraph, text: str) -> None:
    """Give a paragraph of the revision new words, keeping its kind, number and place."""
    drafts.update_paragraph(
        actor,
        paragraph,
        kind=paragraph.kind,
        number_label=paragraph.number_label,
        body=text,
        is_subparagraph=paragraph.parent_id is not None,
        row_version=paragraph.row_version,
    )


def decide(
    actor: User | None, version: Version, change_id: int, decision: str, text: str = ""
) -> RevisionChange:
    """Apply a proposal as it stands, apply it as edited, or skip it.

    A proposal in conflict with another accepted change to the same paragraph cannot be
    applied as it stands: it is settled by hand (settle) or skipped.
    """
    actor = _require_secretariat(actor)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(_("This version is published; its text no longer changes."))
    view = _change(version, change_id)
    change = view.change
    if change.decision != ChangeDecision.PENDING:
        raise Conflict(_("This proposal was already decided."))
    if decision == ChangeDecision.APPLIED:
        if view.in_conflict:
            raise Conflict(
                _("Another accepted change concerns the same paragraph: settle them together "
                  "by hand.")
            )
        result = view.result_text
        _write(actor, version, view, result)
    elif decision == ChangeDecision.EDITED:
        if view.proposal.kind == CommentKind.DELETION:
            raise Invalid(_("A deletion is applied or skipped; it has no text to edit."))
        result = _check_text(text)
        _write(actor, version, view, result)
    elif decision == ChangeDecision.SKIPPED:
        result = ""
    else:
        raise Invalid(_("Choose to apply, edit or skip."))
    change.decision = decision
    change.result_text = result
    change.decided_by_id = actor.id
    change.decided_at = utcnow()
    record(actor, f"revision.{decision}", "revision_change", change.id,
           after={"comment": change.comment_id, "result": result})
    db.session.flush()
    return change


def settle(actor: User | None, version: Version, lineage_key: str, text: str) -> None:
    """Settle conflicting accepted changes to one paragraph with the text written by hand.

    An empty text deletes the paragraph, when one of the changes asked for that.
    """
    actor = _require_secretariat(actor)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(_("This version is published; its text no longer changes."))
    group = [
        view for view in changes(version)
        if view.change.lineage_key == lineage_key
        and view.proposal.kind != CommentKind.INSERTION
        and view.change.decision == ChangeDecision.PENDING
    ]
    if len(group) < 2:
        raise Conflict(_("There is nothing to settle on this paragraph any more."))
    text = (text or "").strip()
    paragraph = group[0].paragraph
    if paragraph is None:
        raise Conflict(_("The paragraph is no longer in the new version."))
    if not text:
        if not any(view.proposal.kind == CommentKind.DELETION for view in group):
            raise Invalid(_("Give the text of the paragraph."), field="text")
        drafts.delete_paragraph(actor, paragraph)
    else:
        text = _check_text(text)
        _rewrite(actor, paragraph, text)
    drafts.renumber(actor, version)
    now = utcnow()
    for view in group:
        view.change.decision = ChangeDecision.EDITED
        view.change.result_text = text
        view.change.decided_by_id = actor.id
        view.change.decided_at = now
        record(actor, "revision.settled", "revision_change", view.change.id,
               after={"comment": view.change.comment_id, "result": text})
    db.session.flush()
