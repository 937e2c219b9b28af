"""Consultations, versions and paragraphs: who may see them, and how the text is built."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager, joinedload

from consult.audit.service import record, state
from consult.auth.models import User
from consult.database import utcnow
from consult.drafts.importer import ParsedDocument, ParsedParagraph
from consult.drafts.models import (
    Consultation,
    ModerationMode,
    Paragraph,
    ParagraphKind,
    Version,
    VersionStatus,
)
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.markup import render_markdown
from consult.revisions.models import ChangeDecision, RevisionChange

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# What the audit trail keeps of each object before and after a secretariat action.
CONSULTATION_AUDITED = ("slug", "title", "summary")
VERSION_AUDITED = ("label", "document_symbol", "status", "moderation", "opens_at", "closes_at")
PARAGRAPH_AUDITED = ("position", "kind", "number_label", "body", "parent_id", "lineage_key")


def _is_secretariat(viewer: User | None) -> bool:
    return bool(
        viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_secretariat
    )


def _require_secretariat(actor: User | None) -> User:
    if not _is_secretariat(actor):
        raise Forbidden(_("Only the secretariat can do this."))
    assert actor is not None
    return actor


# Reading ---------------------------------------------------------------------------


def list_consultations(viewer: User | None) -> list[tuple[Consultation, list[Version]]]:
    """Return each consultation with the versions the viewer may see, newest first."""
    versions = (
        db.session.execute(
            select(Version)
            .join(Version.consultation)
            .order_by(Consultation.created_at.desc(), Version.number.desc())
        )
        .scalars()
        .all()
    )
    consultations = (
        db.session.execute(select(Consultation).order_by(Consultation.created_at.desc()))
        .scalars()
        .all()
    )
    by_consultation: dict[int, list[Version]] = {}
    for version in versions:
        if version.is_published or _is_secretariat(viewer):
            by_consultation.setdefault(version.consultation_id, []).append(version)
    return [
        (consultation, by_consultation.get(consultation.id, []))
        for consultation in consultations
        if by_consultation.get(consultation.id) or _is_secretariat(viewer)
    ]


def get_consultation(slug: str, viewer: User | None) -> Consultation:
    """Raises NotFound when it does not exist or nothing of it is published."""
    consultation = db.session.execute(
        select(Consultation).where(Consultation.slug == slug)
    ).scalar_one_or_none()
    if consultation is None:
        raise NotFound()
    if not _is_secretariat(viewer) and not any(v.is_published for v in consultation.versions):
        raise NotFound()
    return consultation


def visible_versions(consultation: Consultation, viewer: User | None) -> list[Version]:
    return [v for v in consultation.versions if v.is_published or _is_secretariat(viewer)]


def get_version(slug: str, number: int, viewer: User | None) -> Version:
    """Raises NotFound for unknown versions and for drafts the viewer may not see."""
    version = db.session.execute(
        select(Version)
        .join(Version.consultation)
        .options(contains_eager(Version.consultation))
        .where(Consultation.slug == slug, Version.number == number)
    ).scalar_one_or_none()
    if version is None or (not version.is_published and not _is_secretariat(viewer)):
        raise NotFound()
    return version


def version_paragraphs(version: Version) -> list[Paragraph]:
    return list(
        db.session.execute(
            select(Paragraph).where(Paragraph.version_id == version.id).order_by(Paragraph.position)
        ).scalars()
    )


def get_paragraph(version: Version, position: int) -> Paragraph:
    paragraph = db.session.execute(
        select(Paragraph).where(Paragraph.version_id == version.id, Paragraph.position == position)
    ).scalar_one_or_none()
    if paragraph is None:
        raise NotFound()
    return paragraph


@dataclass(frozen=True)
class Place:
    """A paragraph and the ones before and after it, for reading one at a time."""

    paragraph: Paragraph
    previous: Paragraph | None
    next: Paragraph | None


def paragraph_in_place(slug: str, number: int, position: int, viewer: User | None) -> Place:
    """A paragraph with its version, consultation and parent, and the paragraphs before and
    after it, in one query, for its page.

    Raises NotFound as get_version and get_paragraph do.
    """
    rows = (
        db.session.execute(
            select(Paragraph)
            .join(Paragraph.version)
            .join(Version.consultation)
            .options(
                contains_eager(Paragraph.version).contains_eager(Version.consultation),
                joinedload(Paragraph.parent),
            )
            .where(
                Consultation.slug == slug,
                Version.number == number,
                Paragraph.position.in_([position - 1, position, position + 1]),
            )
        )
        .scalars()
        .all()
    )
    found = {row.position: row for row in rows}
    paragraph = found.get(position)
    if paragraph is None or (not paragraph.version.is_published and not _is_secretariat(viewer)):
        raise NotFound()
    return Place(paragraph, found.get(position - 1), found.get(position + 1))


def paragraph_name(paragraph: Paragraph, preambular: int | None = None) -> str:
    """What people call a paragraph in negotiations: "paragraph 12 (b)", "preambular
    paragraph 3" (preambular paragraphs have no numbers; they are counted), "heading II".

    preambular is the count of the preambular paragraph this one is or belongs to; the
    parent must be loaded.
    """
    parent = paragraph.parent
    label = paragraph.number_label
    if paragraph.kind == ParagraphKind.HEADING:
        if label:
            return _("heading %(label)s", label=label)
        return _("heading at position %(n)d", n=paragraph.position)
    if preambular and paragraph.kind == ParagraphKind.PREAMBULAR:
        if parent is not None and label:
            return _("preambular paragraph %(n)d %(label)s", n=preambular, label=label)
        if parent is None and not label:
            return _("preambular paragraph %(n)d", n=preambular)
    if label and parent is not None and parent.number_label:
        return _("paragraph %(label)s", label=f"{parent.number_label} {label}")
    if label:
        return _("paragraph %(label)s", label=label)
    return _("paragraph at position %(n)d", n=paragraph.position)


def _counts_as_preambular(paragraph: Paragraph) -> bool:
    return paragraph.kind == ParagraphKind.PREAMBULAR and paragraph.parent_id is None


def preambular_number(paragraph: Paragraph) -> int | None:
    """The count of the preambular paragraph this one is or belongs to (PP3 is 3)."""
    if paragraph.kind != ParagraphKind.PREAMBULAR:
        return None
    top = paragraph.parent or paragraph
    return db.session.execute(
        select(func.count())
        .select_from(Paragraph)
        .where(
            Paragraph.version_id == paragraph.version_id,
            Paragraph.parent_id.is_(None),
            Paragraph.kind == ParagraphKind.PREAMBULAR,
            Paragraph.position <= top.position,
        )
    ).scalar_one()


def names_of(paragraphs: Sequence[Paragraph]) -> dict[int, str]:
    """The names of paragraphs from anywhere (parents loaded), in one query."""
    tops = {p.id: (p.parent or p) for p in paragraphs if p.kind == ParagraphKind.PREAMBULAR}
    numbers: dict[int, int] = {}
    if tops:
        ordinal = func.row_number().over(
            partition_by=Paragraph.version_id, order_by=Paragraph.position
        )
        counted = (
            select(Paragraph.id, ordinal.label("number"))
            .where(
                Paragraph.version_id.in_({top.version_id for top in tops.values()}),
                Paragraph.parent_id.is_(None),
                Paragraph.kind == ParagraphKind.PREAMBULAR,
            )
            .subquery()
        )
        wanted = {top.id for top in tops.values()}
        numbers = {
            row.id: row.number
            for row in db.session.execute(select(counted).where(counted.c.id.in_(wanted)))
        }
    return {
        p.id: paragraph_name(p, numbers.get(tops[p.id].id) if p.id in tops else None)
        for p in paragraphs
    }


def paragraph_names(paragraphs: Sequence[Paragraph]) -> dict[int, str]:
    """The names of all the paragraphs of a version, given in order, without a query."""
    counted: dict[int, int] = {}
    names: dict[int, str] = {}
    for paragraph in paragraphs:
        if _counts_as_preambular(paragraph):
            counted[paragraph.id] = len(counted) + 1
        number = counted.get(paragraph.parent_id or paragraph.id)
        names[paragraph.id] = paragraph_name(paragraph, number)
    return names


# Writing: consultations and versions ---------------------------------------------------


def create_consultation(
    actor: User | None, *, slug: str, title: str, summary: str = ""
) -> Consultation:
    """Start a consultation. Raises Forbidden, Invalid."""
    _require_secretariat(actor)
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        raise Invalid(
            _(
                "Use lower-case letters, digits and hyphens for the short name, "
                "e.g. wsis20-outcome."
            ),
            field="slug",
        )
    if not (title or "").strip():
        raise Invalid(_("Give the consultation a title."), field="title")
    exists = db.session.execute(select(Consultation.id).where(Consultation.slug == slug)).first()
    if exists:
        raise Invalid(_("Another consultation already uses this short name."), field="slug")
    consultation = Consultation(slug=slug, title=title.strip(), summary=(summary or "").strip())
    db.session.add(consultation)
    db.session.flush()
    record(
        actor,
        "consultation.create",
        "consultation",
        consultation.id,
        after=state(consultation, CONSULTATION_AUDITED),
    )
    return consultation


def _check_period(opens_at: dt.datetime | None, closes_at: dt.datetime | None) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise Invalid(_("The comment period must close after it opens."), field="closes_at")


def create_version(
    actor: User | None,
    consultation: Consultation,
    *,
    label: str,
    moderation: str = ModerationMode.POST,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    document_symbol: str = "",
    document: ParsedDocument | None = None,
    progress: Callable[[int], object] | None = None,
) -> Version:
    """Add a version in draft, optionally filled from an imported document."""
    _require_secretariat(actor)
    if not (label or "").strip():
        raise Invalid(_("Give the version a label, such as “Zero draft”."), field="label")
    if moderation not in {mode.value for mode in ModerationMode}:
        raise Invalid(_("Choose pre- or post-moderation."), field="moderation")
    _check_period(opens_at, closes_at)
    number = (
        db.session.execute(
            select(func.max(Version.number)).where(Version.consultation_id == consultation.id)
        ).scalar_one_or_none()
        or 0
    ) + 1
    version = Version(
        consultation=consultation,
        number=number,
        label=label.strip(),
        moderation=moderation,
        opens_at=opens_at,
        closes_at=closes_at,
        document_symbol=(document_symbol or "").strip(),
    )
    db.session.add(version)
    db.session.flush()
    after = state(version, VERSION_AUDITED)
    if document is not None:
        add_paragraphs(version, document.paragraphs, progress=progress)
        after["paragraphs"] = len(document.paragraphs)
    record(actor, "version.create", "version", version.id, after=after)
    return version


def _require_draft(version: Version) -> None:
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            _("The text of a published version cannot change; make a new version instead.")
        )


def add_paragraphs(
    version: Version,
    parsed: Sequence[ParsedParagraph],
    start: int = 1,
    progress: Callable[[int], object] | None = None,
) -> list[Paragraph]:
    """Store parsed paragraphs in order from position start, linking each to its parent.

    progress, if given, is called with 1 after each paragraph (for a progress bar).
    """
    made: list[Paragraph] = []
    open_levels: list[Paragraph] = []
    for offset, item in enumerate(parsed):
        level = max(0, min(item.level, len(open_levels)))
        del open_levels[level:]
        parent = open_levels[-1] if level and open_levels else None
        paragraph = Paragraph(
            version_id=version.id,
            position=start + offset,
            parent=parent,
            kind=item.kind,
            number_label=item.number_label,
            body=item.body,
            body_html=render_markdown(item.body, line_breaks=False),
        )
        db.session.add(paragraph)
        open_levels.append(paragraph)
        made.append(paragraph)
        if progress is not None:
            progress(1)
    db.session.flush()
    return made


def replace_text(actor: User | None, version: Version, document: ParsedDocument) -> list[Paragraph]:
    """Replace every paragraph of a draft version with an imported document."""
    _require_secretariat(actor)
    _require_draft(version)
    db.session.execute(
        update(Paragraph).where(Paragraph.version_id == version.id).values(parent_id=None)
    )
    replaced = version_paragraphs(version)
    for paragraph in replaced:
        db.session.delete(paragraph)
    db.session.flush()
    made = add_paragraphs(version, document.paragraphs)
    record(
        actor,
        "version.import",
        "version",
        version.id,
        before={"paragraphs": len(replaced)},
        after={"paragraphs": len(made)},
    )
    return made


def update_version(
    actor: User | None,
    version: Version,
    *,
    label: str,
    document_symbol: str,
    moderation: str,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
) -> None:
    """Change a version's label, symbol, moderation mode and comment period."""
    _require_secretariat(actor)
    if not (label or "").strip():
        raise Invalid(_("Give the version a label, such as “Zero draft”."), field="label")
    if moderation not in {mode.value for mode in ModerationMode}:
        raise Invalid(_("Choose pre- or post-moderation."), field="moderation")
    _check_period(opens_at, closes_at)
    before = state(version, VERSION_AUDITED)
    version.label = label.strip()
    version.document_symbol = (document_symbol or "").strip()
    version.moderation = moderation
    version.opens_at = opens_at
    version.closes_at = closes_at
    record(
        actor,
        "version.update",
        "version",
        version.id,
        before=before,
        after=state(version, VERSION_AUDITED),
    )


def open_version(actor: User | None, version: Version) -> None:
    """Publish a draft and start taking comments (at once, or when its period opens)."""
    _require_secretariat(actor)
    if version.status not in (VersionStatus.DRAFT, VersionStatus.CLOSED):
        raise Conflict(_("Only a draft or a closed version can be opened."))
    has_text = db.session.execute(
        select(Paragraph.id).where(Paragraph.version_id == version.id).limit(1)
    ).first()
    if not has_text:
        raise Invalid(_("Add the text before opening the version for comments."))
    waiting = db.session.execute(
        select(func.count())
        .select_from(RevisionChange)
        .where(
            RevisionChange.version_id == version.id,
            RevisionChange.decision == ChangeDecision.PENDING,
        )
    ).scalar_one()
    if waiting:
        raise Conflict(
            _("%(n)d accepted proposals still wait for a decision.", n=waiting)
        )
    now = utcnow()
    if version.closes_at is not None and version.closes_at <= now:
        raise Invalid(
            _("The comment period ends in the past; set a new closing time first."),
            field="closes_at",
        )
    before = state(version, VERSION_AUDITED)
    if version.opens_at is None:
        version.opens_at = now
    version.status = VersionStatus.OPEN
    version.published_at = version.published_at or now
    record(
        actor,
        "version.open",
        "version",
        version.id,
        before=before,
        after=state(version, VERSION_AUDITED),
    )


def close_version(actor: User | None, version: Version) -> None:
    """End the comment period now."""
    _require_secretariat(actor)
    if version.status != VersionStatus.OPEN:
        raise Conflict(_("Only an open version can be closed."))
    before = state(version, VERSION_AUDITED)
    version.status = VersionStatus.CLOSED
    now = utcnow()
    if version.closes_at is None or version.closes_at > now:
        version.closes_at = now
    record(
        actor,
        "version.close",
        "version",
        version.id,
        before=before,
        after=state(version, VERSION_AUDITED),
    )


# Writing: paragraphs -----------------------------------------------------------------


def _shift_positions(version: Version, from_position: int, by: int) -> None:
    """Move every paragraph at or after from_position by `by` places.

    Two steps through negative numbers, so no row ever collides with another under the
    unique (version, position) constraint.
    """
    db.session.execute(
        update(Paragraph)
        .where(Paragraph.version_id == version.id, Paragraph.position >= from_position)
        .values(position=-(Paragraph.position + by))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Paragraph)
        .where(Paragraph.version_id == version.id, Paragraph.position < 0)
        .values(position=-Paragraph.position)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def _check_paragraph_fields(kind: str, body: str) -> None:
    if kind not in {member.value for member in ParagraphKind}:
        raise Invalid(_("Choose the kind of paragraph."), field="kind")
    if not (body or "").strip():
        raise Invalid(_("A paragraph needs some text."), field="body")


def _parent_for(version: Version, position: int, is_subparagraph: bool) -> Paragraph | None:
    """The paragraph a sub-paragraph at this position belongs to: nearest top-level one above."""
    if not is_subparagraph:
        return None
    parent = db.session.execute(
        select(Paragraph)
        .where(
            Paragraph.version_id == version.id,
            Paragraph.position < position,
            Paragraph.parent_id.is_(None),
            Paragraph.kind != ParagraphKind.HEADING,
        )
        .order_by(Paragraph.position.desc())
        .limit(1)
    ).scalar_one_or_none()
    if parent is None:
        raise Invalid(
            _("A sub-paragraph needs a paragraph above it to belong to."), field="is_subparagraph"
        )
    return parent


def insert_paragraph(
    actor: User | None,
    version: Version,
    *,
    after_position: int,
    kind: str,
    number_label: str,
    body: str,
    is_subparagraph: bool = False,
) -> Paragraph:
    """Add a paragraph after the one at after_position (0: at the start)."""
    _require_secretariat(actor)
    _require_draft(version)
    _check_paragraph_fields(kind, body)
    position = after_position + 1
    _shift_positions(version, position, 1)
    paragraph = Paragraph(
        version_id=version.id,
        position=position,
        kind=kind,
        number_label=(number_label or "").strip(),
        body=body.strip(),
        body_html=render_markdown(body.strip(), line_breaks=False),
        parent=_parent_for(version, position, is_subparagraph),
    )
    db.session.add(paragraph)
    db.session.flush()
    record(
        actor,
        "paragraph.insert",
        "paragraph",
        paragraph.id,
        after=state(paragraph, PARAGRAPH_AUDITED),
    )
    return paragraph


def update_paragraph(
    actor: User | None,
    paragraph: Paragraph,
    *,
    kind: str,
    number_label: str,
    body: str,
    is_subparagraph: bool,
    row_version: int,
) -> None:
    """Change a paragraph of a draft. Raises Conflict if someone saved it in the meantime."""
    _require_secretariat(actor)
    _require_draft(paragraph.version)
    if paragraph.row_version != row_version:
        raise Conflict(
            _(
                "Someone else saved this paragraph while you were editing it. Its current text "
                "is shown; apply your change again."
            )
        )
    _check_paragraph_fields(kind, body)
    before = state(paragraph, PARAGRAPH_AUDITED)
    paragraph.kind = kind
    paragraph.number_label = (number_label or "").strip()
    paragraph.body = body.strip()
    paragraph.body_html = render_markdown(paragraph.body, line_breaks=False)
    paragraph.parent = _parent_for(paragraph.version, paragraph.position, is_subparagraph)
    db.session.flush()  # so parent_id follows the parent just set
    record(
        actor,
        "paragraph.update",
        "paragraph",
        paragraph.id,
        before=before,
        after=state(paragraph, PARAGRAPH_AUDITED),
    )


def delete_paragraph(actor: User | None, paragraph: Paragraph) -> None:
    """Remove a paragraph from a draft; its sub-paragraphs move up to the top level."""
    _require_secretariat(actor)
    version = paragraph.version
    _require_draft(version)
    position = paragraph.position
    record(
        actor,
        "paragraph.delete",
        "paragraph",
        paragraph.id,
        before=state(paragraph, PARAGRAPH_AUDITED),
    )
    db.session.execute(
        update(Paragraph).where(Paragraph.parent_id == paragraph.id).values(parent_id=None)
    )
    db.session.delete(paragraph)
    db.session.flush()
    _shift_positions(version, position + 1, -1)


def move_paragraph(actor: User | None, paragraph: Paragraph, by: int) -> None:
    """Swap a paragraph of a draft with the one above (by=-1) or below (by=+1)."""
    _require_secretariat(actor)
    _require_draft(paragraph.version)
    if by not in (-1, 1):
        raise Invalid(_("A paragraph moves one place at a time."))
    other = db.session.execute(
        select(Paragraph).where(
            Paragraph.version_id == paragraph.version_id,
            Paragraph.position == paragraph.position + by,
        )
    ).scalar_one_or_none()
    if other is None:
        raise Invalid(_("There is no paragraph to change places with."))
    before = state(paragraph, PARAGRAPH_AUDITED)
    first, second = paragraph.position, other.position
    paragraph.position = -first
    db.session.flush()
    other.position = first
    db.session.flush()
    paragraph.position = second
    db.session.flush()
    record(
        actor,
        "paragraph.move",
        "paragraph",
        paragraph.id,
        before=before,
        after=state(paragraph, PARAGRAPH_AUDITED),
    )


def renumber(actor: User | None, version: Version) -> int:
    """Number operative paragraphs 1, 2, 3... and their sub-paragraphs (a), (b)...

    Returns how many labels changed. Preambular paragraphs and headings keep theirs. The
    audit event keeps the labels that changed, keyed by position.
    """
    _require_secretariat(actor)
    _require_draft(version)
    changed = 0
    operative = 0
    old_labels: dict[str, str] = {}
    new_labels: dict[str, str] = {}
    letters: dict[int, int] = {}
    for paragraph in version_paragraphs(version):
        if paragraph.parent_id is None and paragraph.kind == ParagraphKind.OPERATIVE:
            operative += 1
            label = str(operative)
        elif paragraph.parent_id is not None and paragraph.number_label:
            index = letters.get(paragraph.parent_id, 0)
            letters[paragraph.parent_id] = index + 1
            label = f"({_letter(index)})"
        else:
            continue
        if paragraph.number_label != label:
            old_labels[str(paragraph.position)] = paragraph.number_label
            new_labels[str(paragraph.position)] = label
            paragraph.number_label = label
            changed += 1
    db.session.flush()
    record(
        actor,
        "version.renumber",
        "version",
        version.id,
        before={"number_labels": old_labels},
        after={"number_labels": new_labels},
    )
    return changed


def _letter(index: int) -> str:
    """a..z, then aa, bb... as UN documents do after (z)."""
    return LETTERS[index % 26] * (index // 26 + 1)
