"""Two versions side by side in one list, and one paragraph through every version.

Paragraphs are matched by lineage key, never by number or position: a revision carries
the key over, so a paragraph renumbered from 12 to 13 is still the same paragraph, and a
new one (new key) or a deleted one (key gone) shows as such.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from consult.auth.models import User
from consult.comments.models import PROPOSAL_KINDS, Comment, CommentStatus
from consult.comments.service import Counts
from consult.drafts import service
from consult.drafts.models import Consultation, Paragraph, ParagraphKind, Version
from consult.errors import NotFound
from consult.extensions import db
from consult.markup import plain_text
from consult.textdiff import diff_html

UNCHANGED = "unchanged"
CHANGED = "changed"
ADDED = "added"
DELETED = "deleted"
MOVED = "moved"
MOVED_AND_CHANGED = "moved and changed"
STATUSES = (UNCHANGED, CHANGED, ADDED, DELETED, MOVED, MOVED_AND_CHANGED)

STATUS_LABELS = {
    UNCHANGED: _l("Unchanged"),
    CHANGED: _l("Changed"),
    ADDED: _l("Added"),
    DELETED: _l("Deleted"),
    MOVED: _l("Moved"),
    MOVED_AND_CHANGED: _l("Moved and changed"),
}

# How many published comments of each version the history of a paragraph shows.
HISTORY_COMMENTS = 5


# Comparing two versions ------------------------------------------------------------------


def full_number(paragraph: Paragraph) -> str:
    """The number as people cite it: "12 (b)" for sub-paragraph (b) of 12 (parent loaded)."""
    label = paragraph.number_label
    parent = paragraph.parent
    if label and parent is not None and parent.number_label:
        return f"{parent.number_label} {label}"
    return label


@dataclass(frozen=True)
class Row:
    """One paragraph of either version: what became of it, and its text with the changes.

    html is the plain text, with <ins>/<del> word marks when the text changed, all
    inserted for an added paragraph and all deleted for a deleted one.
    """

    status: str
    old: Paragraph | None
    new: Paragraph | None
    old_number: str
    new_number: str
    old_name: str
    new_name: str
    html: Markup
    text_changed: bool = False
    kind_changed: bool = False

    @property
    def renumbered(self) -> bool:
        """Present in both with another number: shown, but not a change of the text."""
        if self.old is None or self.new is None:
            return False
        return is_renumbered(self.old, self.new, self.old_name, self.new_name)

    @property
    def css_status(self) -> str:
        return self.status.replace(" ", "-")

    @property
    def lineage_key(self) -> str:
        paragraph = self.new or self.old
        assert paragraph is not None
        return paragraph.lineage_key


@dataclass
class Comparison:
    """The rows in reading order (the new version's, deletions where they stood)."""

    rows: list[Row]
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def renumbered(self) -> int:
        return sum(1 for row in self.rows if row.renumbered)

    @property
    def identical(self) -> bool:
        return all(row.status == UNCHANGED and not row.renumbered for row in self.rows)


def is_renumbered(old: Paragraph, new: Paragraph, old_name: str, new_name: str) -> bool:
    """Whether a paragraph is cited by another number in the new version (parents loaded).

    Preambular paragraphs have no printed number but are cited by their count
    ("preambular paragraph 3"), so a new count is a new number too.
    """
    if full_number(old) != full_number(new):
        return True
    counted = not new.number_label and old.kind == new.kind == ParagraphKind.PREAMBULAR
    return counted and old_name != new_name


def kept_in_order(sequence: Sequence[int]) -> set[int]:
    """The indexes of one longest increasing subsequence of sequence (O(n log n)).

    Paragraphs found in both versions whose new positions, read in the old order, form
    this subsequence kept their order; the others are the fewest that can be said to
    have moved.
    """
    tail_values: list[int] = []
    tail_indexes: list[int] = []
    previous: list[int] = [-1] * len(sequence)
    for index, value in enumerate(sequence):
        length = bisect.bisect_left(tail_values, value)
        if length:
            previous[index] = tail_indexes[length - 1]
        if length == len(tail_values):
            tail_values.append(value)
            tail_indexes.append(index)
        else:
            tail_values[length] = value
            tail_indexes[length] = index
    kept: set[int] = set()
    index = tail_indexes[-1] if tail_indexes else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept


def _text(paragraph: Paragraph) -> str:
    return plain_text(paragraph.body)


def compare(old_paragraphs: Sequence[Paragraph], new_paragraphs: Sequence[Paragraph]) -> Comparison:
    """Align two versions' paragraphs (each given in order, parents loaded) by lineage key.

    A paragraph is changed when its words (plain text, so not its Markdown markup) or its
    kind changed; moved when its order among the paragraphs of both versions changed;
    renumbering alone is neither, and shows in the numbers.
    """
    old_names = service.paragraph_names(old_paragraphs)
    new_names = service.paragraph_names(new_paragraphs)
    new_index = {p.lineage_key: index for index, p in enumerate(new_paragraphs)}
    old_by_key = {p.lineage_key: p for p in old_paragraphs}
    common = [p for p in old_paragraphs if p.lineage_key in new_index]
    kept = kept_in_order([new_index[p.lineage_key] for p in common])
    moved = {p.lineage_key for index, p in enumerate(common) if index not in kept}

    # Each deleted paragraph follows the nearest paragraph before it in the old version
    # that is still there (None: the start), so runs of deletions stay together in order.
    deleted_after: dict[str | None, list[Paragraph]] = {}
    anchor: str | None = None
    for paragraph in old_paragraphs:
        if paragraph.lineage_key in new_index:
            anchor = paragraph.lineage_key
        else:
            deleted_after.setdefault(anchor, []).append(paragraph)

    def deleted_row(paragraph: Paragraph) -> Row:
        return Row(
            status=DELETED,
            old=paragraph,
            new=None,
            old_number=full_number(paragraph),
            new_number="",
            old_name=old_names[paragraph.id],
            new_name="",
            html=Markup("<del>%s</del>") % _text(paragraph),
        )

    rows = [deleted_row(p) for p in deleted_after.get(None, [])]
    for paragraph in new_paragraphs:
        key = paragraph.lineage_key
        if key not in old_by_key:
            rows.append(
                Row(
                    status=ADDED,
                    old=None,
                    new=paragraph,
                    old_number="",
                    new_number=full_number(paragraph),
                    old_name="",
                    new_name=new_names[paragraph.id],
                    html=Markup("<ins>%s</ins>") % _text(paragraph),
                )
            )
            continue
        before = old_by_key[key]
        old_text, new_text = _text(before), _text(paragraph)
        text_changed = old_text != new_text
        kind_changed = before.kind != paragraph.kind
        if key in moved:
            status = MOVED_AND_CHANGED if text_changed or kind_changed else MOVED
        else:
            status = CHANGED if text_changed or kind_changed else UNCHANGED
        rows.append(
            Row(
                status=status,
                old=before,
                new=paragraph,
                old_number=full_number(before),
                new_number=full_number(paragraph),
                old_name=old_names[before.id],
                new_name=new_names[paragraph.id],
                html=diff_html(old_text, new_text) if text_changed else Markup(escape(new_text)),
                text_changed=text_changed,
                kind_changed=kind_changed,
            )
        )
        rows.extend(deleted_row(p) for p in deleted_after.get(key, []))
    summary = dict.fromkeys(STATUSES, 0)
    for row in rows:
        summary[row.status] += 1
    return Comparison(rows=rows, summary=summary)


def load_pair(old: Version, new: Version) -> tuple[list[Paragraph], list[Paragraph]]:
    """Both versions' paragraphs in order, parents and versions set, in one query."""
    paragraphs = db.session.execute(
        select(Paragraph)
        .where(Paragraph.version_id.in_([old.id, new.id]))
        .order_by(Paragraph.version_id, Paragraph.position)
    ).scalars()
    by_id: dict[int, Paragraph] = {}
    sides: dict[int, list[Paragraph]] = {old.id: [], new.id: []}
    versions = {old.id: old, new.id: new}
    for paragraph in paragraphs:
        by_id[paragraph.id] = paragraph
        sides[paragraph.version_id].append(paragraph)
        set_committed_value(paragraph, "version", versions[paragraph.version_id])
    for paragraph in by_id.values():
        set_committed_value(paragraph, "parent", by_id.get(paragraph.parent_id))
    return sides[old.id], sides[new.id]


def choose_pair(
    versions: Sequence[Version], from_number: int | None, to_number: int | None
) -> tuple[Version | None, Version | None]:
    """The two versions to compare among those the viewer sees (in order of number).

    Left out, "to" is the latest published version (the latest of all when none is) and
    "from" the version before "to"; None when there is none. Raises NotFound for a number
    the viewer has no version of.
    """
    by_number = {version.number: version for version in versions}
    if any(n is not None and n not in by_number for n in (from_number, to_number)):
        raise NotFound()
    if to_number is not None:
        new = by_number[to_number]
    else:
        published = [version for version in versions if version.is_published]
        new = (published or list(versions) or [None])[-1]
    if from_number is not None:
        return by_number[from_number], new
    earlier = [v for v in versions if new is not None and v.number < new.number]
    return (earlier[-1] if earlier else None), new


# One paragraph through every version --------------------------------------------------------

PRESENT = "present"
NOT_YET = "not yet"
ABSENT = "absent"


@dataclass
class Stage:
    """The paragraph in one version: its text and the comments it got, or its absence.

    state is "present", "not yet" (before it first appears) or "absent" (deleted since
    an earlier version). html marks the words changed since the last version that had it.
    """

    version: Version
    state: str
    paragraph: Paragraph | None = None
    name: str = ""
    number: str = ""
    html: Markup = field(default_factory=Markup)
    text_changed: bool = False
    previous: Paragraph | None = None
    previous_name: str = ""
    counts: Counts = field(default_factory=Counts)
    comments: list[Comment] = field(default_factory=list)

    @property
    def previous_number(self) -> str | None:
        return full_number(self.previous) if self.previous is not None else None

    @property
    def renumbered(self) -> bool:
        if self.previous is None or self.paragraph is None:
            return False
        return is_renumbered(self.previous, self.paragraph, self.previous_name, self.name)

    @property
    def kind_changed(self) -> bool:
        return (
            self.paragraph is not None
            and self.previous is not None
            and self.previous.kind != self.paragraph.kind
        )


@dataclass
class History:
    consultation: Consultation
    lineage_key: str
    stages: list[Stage]

    @property
    def latest(self) -> Stage:
        """The last version that has the paragraph, to name it by."""
        return [stage for stage in self.stages if stage.state == PRESENT][-1]


def _comment_counts(paragraph_ids: Sequence[int]) -> dict[int, Counts]:
    """Published comments and proposals on each paragraph, in one grouped query."""
    is_proposal = case((Comment.kind.in_(list(PROPOSAL_KINDS)), 1), else_=0)
    rows = db.session.execute(
        select(Comment.paragraph_id, func.count(), func.coalesce(func.sum(is_proposal), 0))
        .where(
            Comment.paragraph_id.in_(paragraph_ids), Comment.status == CommentStatus.PUBLISHED
        )
        .group_by(Comment.paragraph_id)
    )
    return {
        paragraph_id: Counts(comments=int(total) - int(proposals), amendments=int(proposals))
        for paragraph_id, total, proposals in rows
    }


def _first_comments(paragraph_ids: Sequence[int], limit: int) -> dict[int, list[Comment]]:
    """The first published top-level comments on each paragraph, in one query."""
    ordinal = (
        func.row_number()
        .over(partition_by=Comment.version_id, order_by=(Comment.created_at, Comment.id))
        .label("ordinal")
    )
    ranked = (
        select(Comment, ordinal)
        .where(
            and_(
                Comment.paragraph_id.in_(paragraph_ids),
                Comment.root_id.is_(None),
                Comment.status == CommentStatus.PUBLISHED,
            )
        )
        .subquery()
    )
    first = aliased(Comment, ranked)
    found: dict[int, list[Comment]] = {}
    for comment in db.session.execute(
        select(first)
        .where(ranked.c.ordinal <= limit)
        .order_by(ranked.c.version_id, ranked.c.ordinal)
    ).scalars():
        assert comment.paragraph_id is not None
        found.setdefault(comment.paragraph_id, []).append(comment)
    return found


def history(consultation: Consultation, lineage_key: str, viewer: User | None) -> History:
    """A paragraph in every version the viewer sees, oldest first, with its comments.

    A fixed number of queries whatever the number of versions and comments. Raises
    NotFound when no version the viewer sees has the paragraph.
    """
    versions = service.visible_versions(consultation, viewer)
    paragraphs = list(
        db.session.execute(
            select(Paragraph)
            .options(joinedload(Paragraph.parent))
            .where(
                Paragraph.lineage_key == lineage_key,
                Paragraph.version_id.in_([version.id for version in versions]),
            )
        ).scalars()
    )
    if not paragraphs:
        raise NotFound()
    by_version = {paragraph.version_id: paragraph for paragraph in paragraphs}
    ids = [paragraph.id for paragraph in paragraphs]
    names = service.names_of(paragraphs)
    counts = _comment_counts(ids)
    first = _first_comments(ids, HISTORY_COMMENTS)
    stages: list[Stage] = []
    last: Paragraph | None = None
    for version in versions:
        paragraph = by_version.get(version.id)
        if paragraph is None:
            stages.append(Stage(version=version, state=ABSENT if last else NOT_YET))
            continue
        set_committed_value(paragraph, "version", version)
        text = _text(paragraph)
        before = _text(last) if last is not None else None
        changed = before is not None and before != text
        stages.append(
            Stage(
                version=version,
                state=PRESENT,
                paragraph=paragraph,
                name=names[paragraph.id],
                number=full_number(paragraph),
                html=diff_html(before or "", text) if changed else Markup(escape(text)),
                text_changed=changed,
                previous=last,
                previous_name=names[last.id] if last is not None else "",
                counts=counts.get(paragraph.id, Counts()),
                comments=first.get(paragraph.id, []),
            )
        )
        last = paragraph
    return History(consultation=consultation, lineage_key=lineage_key, stages=stages)
