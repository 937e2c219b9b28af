"""How inputs were addressed: for each paragraph of a version, what stakeholders asked
(grouped as the moderators merged it), the answer given and why, and what the paragraph
became in the next version. The synthesis stakeholders ask the UN for after every draft.

The report is public: it shows the input anyone can read (see service.public_input), for
everyone alike. Only the secretariat sees what became of the text while the next version
is still a draft.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import distinct, func, select

from consult.auth.models import User
from consult.comments.models import Comment, CommentStatus, Endorsement
from consult.compilation.service import (
    Outline,
    Place,
    Section,
    outline,
    public_input,
    readable_text,
)
from consult.drafts import compare
from consult.drafts.models import Version, VersionStatus
from consult.extensions import db
from consult.markup import plain_text
from consult.people.naming import signature
from consult.revisions.models import RevisionChange
from consult.revisions.service import revision_of
from consult.textdiff import Run, word_diff


@dataclass
class Voice:
    """One stakeholder's input merged into a point."""

    id: int
    author_name: str  # empty for an account its owner deleted
    organization: str
    group: str
    country: str
    kind: str
    verified: bool = False

    @property
    def author(self) -> str:
        return signature(self.author_name, self.organization)


@dataclass
class Point:
    """One point raised: a comment as the moderators left it, and those merged into it."""

    id: int
    paragraph_id: int | None
    kind: str
    is_synthesis: bool
    author_name: str  # empty for an account its owner deleted
    organization: str
    group: str
    country: str
    body_html: Markup
    proposed_text: str
    created_at: dt.datetime
    disposition: str | None
    rationale: str
    endorsement_count: int
    members: list[Voice] = field(default_factory=list)
    people_by_group: dict[str, int] = field(default_factory=dict)
    endorsers_by_group: dict[str, int] = field(default_factory=dict)
    change: RevisionChange | None = None
    verified: bool = False

    @property
    def author(self) -> str:
        return signature(self.author_name, self.organization)

    @property
    def text(self) -> str:
        return readable_text(self.body_html)

    @property
    def people(self) -> int:
        return sum(self.people_by_group.values())

    @property
    def endorsers(self) -> int:
        return sum(self.endorsers_by_group.values())


@dataclass
class Outcome:
    """What became of a paragraph in the next version."""

    status: str  # one of compare.STATUSES
    number: str
    name: str
    renumbered: bool
    html: Markup
    runs: list[Run]
    added_after: list[compare.Row] = field(default_factory=list)


@dataclass
class ParagraphReport:
    place: Place
    points: list[Point]
    outcome: Outcome | None = None

    @property
    def people(self) -> int:
        return sum(point.people for point in self.points)


@dataclass
class Report:
    version: Version
    next_version: Version | None  # None: none yet, or not published and not shown
    next_in_preparation: bool  # a next version exists but is not published yet
    general: list[Point]
    paragraphs: list[ParagraphReport]
    quiet: int  # paragraphs that got no input
    outline: Outline
    stakeholders: int = 0  # distinct people who gave input (moderators' syntheses aside)

    @property
    def provisional(self) -> bool:
        """The comment period is still open: more input and answers may come."""
        return self.version.status in (VersionStatus.DRAFT, VersionStatus.OPEN)

    @property
    def points(self) -> list[Point]:
        return self.general + [point for item in self.paragraphs for point in item.points]

    @property
    def answers(self) -> dict[str | None, int]:
        """How many points got each answer (None: not answered yet)."""
        return dict(Counter(point.disposition for point in self.points))

    @property
    def sections(self) -> list[tuple[Section, list[ParagraphReport]]]:
        """The paragraphs with input under their headings, general comments first (as a
        section of their own, with no paragraph of the text)."""
        found: list[tuple[Section, list[ParagraphReport]]] = []
        if self.general:
            found.append((self.outline.general, []))
        for item in self.paragraphs:
            if not found or found[-1][0] != item.place.section:
                found.append((item.place.section, []))
            found[-1][1].append(item)
        return found


def _points(version: Version) -> tuple[list[Point], int]:
    """The public top-level input of a version, merged input folded into the point it now
    counts for, and how many people gave it, in two queries."""
    rows = db.session.execute(
        select(
            Comment.id, Comment.paragraph_id, Comment.kind, Comment.status,
            Comment.merged_into_id, Comment.is_synthesis, Comment.author_id,
            Comment.author_name, Comment.author_organization, Comment.author_group,
            Comment.author_country, Comment.author_organization_verified,
            Comment.body_html, Comment.proposed_text,
            Comment.endorsement_count, Comment.disposition, Comment.disposition_rationale,
            Comment.created_at,
        )
        .where(Comment.version_id == version.id, Comment.root_id.is_(None), public_input())
        .order_by(Comment.created_at, Comment.id)
    ).all()
    canonical_ids = {row.id for row in rows if row.status == CommentStatus.PUBLISHED}
    points: dict[int, Point] = {}
    authors: dict[int, dict[int, str]] = {}
    for row in rows:
        into = row.merged_into_id
        if row.status == CommentStatus.MERGED and into in canonical_ids:
            continue
        points[row.id] = Point(
            id=row.id, paragraph_id=row.paragraph_id, kind=row.kind,
            is_synthesis=row.is_synthesis, author_name=row.author_name,
            organization=row.author_organization, group=row.author_group,
            country=row.author_country, body_html=Markup(row.body_html),
            proposed_text=row.proposed_text or "", created_at=row.created_at,
            disposition=row.disposition, rationale=row.disposition_rationale or "",
            endorsement_count=row.endorsement_count or 0,
            verified=row.author_organization_verified,
        )
        authors[row.id] = {} if row.is_synthesis else {row.author_id: row.author_group}
    for row in rows:
        into = row.merged_into_id
        if row.status != CommentStatus.MERGED or into not in canonical_ids:
            continue
        point = points[into]
        point.members.append(
            Voice(row.id, row.author_name, row.author_organization, row.author_group,
                  row.author_country, row.kind, row.author_organization_verified)
        )
        authors[into].setdefault(row.author_id, row.author_group)
    for point_id, people in authors.items():
        points[point_id].people_by_group = dict(Counter(people.values()))
    speaks_for = func.coalesce(Comment.merged_into_id, Comment.id)
    for point_id, group, count in db.session.execute(
        select(speaks_for, Endorsement.stakeholder_group, func.count(distinct(Endorsement.user_id)))
        .join(Comment, Comment.id == Endorsement.comment_id)
        .where(Comment.version_id == version.id, Comment.root_id.is_(None), public_input())
        .group_by(speaks_for, Endorsement.stakeholder_group)
    ):
        if point_id in points:
            points[point_id].endorsers_by_group[group] = int(count)
    people = {row.author_id for row in rows if not row.is_synthesis}
    return list(points.values()), len(people)


def _outcomes(comparison: compare.Comparison) -> dict[str, Outcome]:
    """What became of each paragraph of the earlier version, by lineage key; a paragraph
    added in the next version is told with the paragraph it follows."""
    found: dict[str, Outcome] = {}
    last: Outcome | None = None
    for row in comparison.rows:
        if row.old is None:
            if last is not None:
                last.added_after.append(row)
            continue
        runs = (
            word_diff(plain_text(row.old.body), plain_text(row.new.body))
            if row.new is not None and row.text_changed
            else []
        )
        outcome = Outcome(
            status=row.status,
            number=row.new_number,
            name=row.new_name,
            renumbered=row.renumbered,
            html=row.html,
            runs=runs,
        )
        found[row.old.lineage_key] = outcome
        last = outcome
    return found


def report(version: Version, viewer: User | None) -> Report:
    """The report for a version the viewer may see (see drafts.service.get_version).

    A fixed number of queries (the next version, both texts, the input, endorsements, the
    secretariat's decisions), whatever the number of comments.
    """
    following = revision_of(version)
    in_preparation = following is not None and not following.is_published
    secretariat = bool(
        viewer is not None and getattr(viewer, "is_authenticated", False)
        and viewer.is_secretariat
    )
    shown = (
        following
        if following is not None and (following.is_published or secretariat)
        else None
    )
    outcomes: dict[str, Outcome] = {}
    changes: dict[int, RevisionChange] = {}
    if shown is not None:
        old, new = compare.load_pair(version, shown)
        outcomes = _outcomes(compare.compare(old, new))
        made = outline(version, old)
        changes = {
            change.comment_id: change
            for change in db.session.execute(
                select(RevisionChange).where(RevisionChange.version_id == shown.id)
            ).scalars()
        }
    else:
        made = outline(version)
    points, stakeholders = _points(version)
    by_paragraph: dict[int | None, list[Point]] = {}
    for point in points:
        point.change = changes.get(point.id)
        by_paragraph.setdefault(point.paragraph_id, []).append(point)
    keys = {paragraph.id: paragraph.lineage_key for paragraph in made.paragraphs}
    paragraphs = [
        ParagraphReport(
            place=place,
            points=by_paragraph[place.id],
            outcome=outcomes.get(keys[place.id]) if shown is not None else None,
        )
        for place in made.places.values()
        if place.id in by_paragraph
    ]
    return Report(
        version=version,
        next_version=shown,
        next_in_preparation=in_preparation,
        general=by_paragraph.get(None, []),
        paragraphs=paragraphs,
        quiet=len(made.places) - len(paragraphs),
        outline=made,
        stakeholders=stakeholders,
    )
