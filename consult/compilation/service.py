"""The compilation of comments: the table a UN secretariat publishes after a comment period.

One row per submission (comment, amendment, deletion, insertion), in the order of the
text, with its author as they were when they wrote it, the words for every stored code,
and what became of it (merged, answered). Rows are read in chunks by keyset, so an export
of any size holds one chunk at a time and issues one query per chunk.

Who sees what. The public compilation lists published submissions and those merged into
another after they were published (with the comment they now count for): what anyone can
already read on the site. Pending, hidden and withdrawn submissions are only in the
secretariat's own export, where the status column says why each is not public. Replies
are discussion, not submissions: each row counts its replies, and replies are listed as
rows of their own only when the filter asks for the kind "reply".
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property

import pycountry
from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, func, or_, select, tuple_
from sqlalchemy.engine import Row as Record
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from consult.auth.models import GROUP_LABELS, User
from consult.comments.models import (
    DISPOSITION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    Comment,
    CommentKind,
    CommentStatus,
)
from consult.drafts import service as drafts
from consult.drafts.compare import full_number
from consult.drafts.models import Paragraph, ParagraphKind, Version
from consult.errors import Forbidden
from consult.extensions import db
from consult.markup import plain_text
from consult.moderation.service import QueueFilter, queue_conditions
from consult.people.naming import signature

# Rows read per query: 1,000 rows of text are a few MB, and 20,000 comments take 20 queries.
CHUNK = 1000
# Made once: an alias copies every column of the table (see comments.service).
_Canonical = aliased(Comment, name="canonical")
_Reply = aliased(Comment, name="reply_row")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string: the header is UI, in the reader's language
    width: int  # in characters, for spreadsheets
    long_text: bool = False


COLUMNS = (
    Column("id", _l("No."), 8),
    Column("section", _l("Section"), 24),
    Column("paragraph", _l("Paragraph"), 22),
    Column("author", _l("Author"), 22),
    Column("organization", _l("Organization"), 26),
    Column("organization_verified", _l("Organization verified"), 13),
    Column("group", _l("Stakeholder group"), 18),
    Column("country", _l("Country"), 18),
    Column("kind", _l("Kind"), 16),
    Column("text", _l("Text"), 60, long_text=True),
    Column("proposed_text", _l("Proposed text"), 50, long_text=True),
    Column("endorsements", _l("Endorsements"), 13),
    Column("replies", _l("Replies"), 9),
    Column("status", _l("Status"), 24, long_text=True),
    Column("merged_into", _l("Merged into"), 22),
    Column("disposition", _l("Disposition"), 18),
    Column("rationale", _l("Rationale"), 50, long_text=True),
    Column("submitted", _l("Submitted (UTC)"), 17),
    Column("in_reply_to", _l("In reply to"), 10),
)


def headers() -> list[str]:
    return [str(column.label) for column in COLUMNS]


# Who sees what ----------------------------------------------------------------------------


def public_input(entity: type[Comment] = Comment) -> ColumnElement[bool]:
    """What the public compilation and statistics count: published input, and input merged
    into another after it was published (it stays readable from there)."""
    return or_(
        entity.status == CommentStatus.PUBLISHED,
        and_(entity.status == CommentStatus.MERGED, entity.published_at.is_not(None)),
    )


def is_secretariat(viewer: User | None) -> bool:
    return bool(
        viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_secretariat
    )


def require_full_export(viewer: User | None) -> None:
    """Only the secretariat exports what is not public. Raises Forbidden."""
    if not is_secretariat(viewer):
        raise Forbidden(
            _("Only the secretariat can export hidden, pending and withdrawn comments.")
        )


# Words for codes ----------------------------------------------------------------------------


@cache
def _english_countries() -> dict[str, str]:
    names = Locale.parse("en").territories
    return {
        country.alpha_2: names.get(country.alpha_2) or country.name
        for country in pycountry.countries
    }


def english_country_name(code: str | None) -> str:
    """Country names in exports are in English, as the UN's lists give them, whatever the
    reader's language, so compilations from readers in several languages sort alike."""
    if not code:
        return ""
    return _english_countries().get(code, code)


def label(labels: dict, code: str | None) -> str:
    if not code:
        return ""
    found = labels.get(code)
    return str(found) if found is not None else code


_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.I | re.S)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|blockquote|pre|ul|ol)>|<hr\s*/?>", re.I)
_ITEM_START = re.compile(r"<li>\s*(?:<p>)?", re.I)
_ITEM_END = re.compile(r"</li>", re.I)
_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_SPACE_AROUND_LINE_END = re.compile(r"[ \t]*\n[ \t]*")
_PRE = re.compile(r"(<pre>.*?</pre>)", re.I | re.S)


def _link_text(match: re.Match[str]) -> str:
    href, text = html.unescape(match.group(1)), match.group(2)
    shown = html.unescape(_TAG.sub("", text))
    return text if shown.strip() == href.strip() else f"{text} ({html.escape(href)})"


def readable_text(rendered: str) -> str:
    """The words of a comment's sanitised HTML as text a spreadsheet cell can show: its
    paragraphs and list items on lines of their own, each link's address after its words.

    Reads the cached HTML rather than rendering the Markdown again: 20,000 comments take
    about 25 s to render, and a fraction of a second this way.
    """
    # Newlines in the HTML are soft (nl2br made the hard ones <br>), except in <pre>.
    text = "".join(
        part if index % 2 else part.replace("\n", " ")
        for index, part in enumerate(_PRE.split(rendered or ""))
    )
    text = _LINK.sub(_link_text, text)
    text = _LINE_BREAK.sub("\n", text)
    text = _ITEM_START.sub("- ", text)
    text = _ITEM_END.sub("\n", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(_TAG.sub("", text))
    text = _SPACE_AROUND_LINE_END.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


# The outline of a version: sections and paragraph names, computed once -------------------------


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading; the sheets of a workbook follow them."""

    key: int  # -1: general comments, 0: before the first heading, else the heading's position
    title: str


@dataclass(frozen=True)
class Place:
    """A paragraph as exports name it."""

    id: int
    position: int
    name: str
    number: str
    text: str
    kind: str
    section: Section


@dataclass
class Outline:
    """All the paragraphs of a version, named, in order, with their sections."""

    version: Version
    paragraphs: list[Paragraph]
    places: dict[int, Place]
    general: Section
    sections: list[Section] = field(default_factory=list)

    def place(self, paragraph_id: int | None) -> Place | None:
        return self.places.get(paragraph_id) if paragraph_id is not None else None


def outline(version: Version, paragraphs: list[Paragraph] | None = None) -> Outline:
    """The paragraphs of a version with their names and sections, in one query (none when
    the paragraphs are given, in order, their parents loaded)."""
    if paragraphs is None:
        paragraphs = drafts.version_paragraphs(version)
        by_id = {paragraph.id: paragraph for paragraph in paragraphs}
        for paragraph in paragraphs:
            set_committed_value(paragraph, "parent", by_id.get(paragraph.parent_id))
    names = drafts.paragraph_names(paragraphs)
    general = Section(-1, _("General comments"))
    opening_kinds = {p.kind for p in paragraphs[:1]}
    for paragraph in paragraphs:
        if paragraph.kind == ParagraphKind.HEADING:
            break
        opening_kinds.add(paragraph.kind)
    opening = Section(
        0,
        _("Preamble") if ParagraphKind.PREAMBULAR in opening_kinds else _("Opening text"),
    )
    sections = [general]
    current = opening
    places: dict[int, Place] = {}
    for paragraph in paragraphs:
        text = plain_text(paragraph.body)
        if paragraph.kind == ParagraphKind.HEADING and paragraph.parent_id is None:
            number = paragraph.number_label
            current = Section(paragraph.position, f"{number}. {text}" if number else text)
        if current not in sections:
            sections.append(current)
        places[paragraph.id] = Place(
            id=paragraph.id,
            position=paragraph.position,
            name=names[paragraph.id],
            number=full_number(paragraph),
            text=text,
            kind=paragraph.kind,
            section=current,
        )
    return Outline(version, paragraphs, places, general, sections)


# The rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the compilation, every code already put in words."""

    id: int
    section: str
    paragraph: str
    author: str
    organization: str
    organization_verified: str  # "yes" or "no", in the reader's language
    group: str
    country: str
    kind: str
    text: str
    proposed_text: str
    endorsements: int
    replies: int
    status: str
    merged_into: str
    disposition: str
    rationale: str
    submitted: dt.datetime
    in_reply_to: int | None
    paragraph_id: int | None
    section_key: int
    status_code: str
    public: bool  # False: only in the secretariat's export

    def value(self, key: str) -> object:
        return getattr(self, key)


@dataclass
class Compilation:
    """A filtered compilation of one version, ready to be read row by row."""

    version: Version
    filters: QueueFilter
    everything: bool
    outline: Outline
    total: int
    chunk: int = CHUNK

    @cached_property
    def words(self) -> dict[str, dict[str, str]]:
        """The words for each code, translated once (on the first row, in the language the
        rows are made in) rather than 20,000 times."""
        return {
            "group": {str(code): str(text) for code, text in GROUP_LABELS.items()},
            "kind": {str(code): str(text) for code, text in KIND_LABELS.items()},
            "status": {str(code): str(text) for code, text in STATUS_LABELS.items()},
            "disposition": {str(code): str(text) for code, text in DISPOSITION_LABELS.items()},
            "general": {"": _("The whole text")},
            "verified": {"yes": _("yes"), "no": _("no")},
        }

    @property
    def includes_replies(self) -> bool:
        return self.filters.kind == CommentKind.REPLY

    def conditions(self) -> list[ColumnElement[bool]]:
        return _conditions(self.filters, self.everything)

    def rows(self) -> Iterator[Row]:
        """Every row, in the order of the text, then of submission; one query per chunk."""
        position = func.coalesce(Paragraph.position, 0)
        counted = [_Reply.root_id == Comment.id]
        if not self.everything:
            counted.append(_Reply.status == CommentStatus.PUBLISHED)
        replies = (
            select(func.count()).select_from(_Reply).where(*counted)
            .correlate(Comment)
            .scalar_subquery()
        )
        base = (
            select(
                Comment.id,
                Comment.paragraph_id,
                position.label("position"),
                Comment.parent_id,
                Comment.kind,
                Comment.status,
                Comment.body_html,
                Comment.proposed_text,
                Comment.author_name,
                Comment.author_organization,
                Comment.author_organization_verified,
                Comment.author_group,
                Comment.author_country,
                Comment.endorsement_count,
                Comment.created_at,
                Comment.published_at,
                Comment.moderation_reason,
                Comment.merged_into_id,
                Comment.disposition,
                Comment.disposition_rationale,
                _Canonical.author_name.label("canonical_author"),
                _Canonical.author_organization.label("canonical_organization"),
                _Canonical.is_synthesis.label("canonical_synthesis"),
                _Canonical.status.label("canonical_status"),
                _Canonical.published_at.label("canonical_published_at"),
                _Canonical.disposition.label("canonical_disposition"),
                _Canonical.disposition_rationale.label("canonical_rationale"),
                replies.label("replies"),
            )
            .outerjoin(Paragraph, Paragraph.id == Comment.paragraph_id)
            .outerjoin(_Canonical, _Canonical.id == Comment.merged_into_id)
            .where(*self.conditions())
            .order_by(position, Comment.id)
            .limit(self.chunk)
        )
        after: tuple[int, int] | None = None
        while True:
            statement = base
            if after is not None:
                statement = statement.where(tuple_(position, Comment.id) > tuple_(*after))
            batch = db.session.execute(statement).all()
            for record in batch:
                yield self._row(record)
            if len(batch) < self.chunk:
                return
            after = (batch[-1].position, batch[-1].id)

    def _row(self, record: Record) -> Row:
        words = self.words
        place = self.outline.place(record.paragraph_id)
        section = place.section if place is not None else self.outline.general
        merged = record.status == CommentStatus.MERGED and record.merged_into_id is not None
        disposition, rationale = record.disposition, record.disposition_rationale
        if merged and not disposition and record.canonical_disposition and (
            self.everything or _is_public(record.canonical_status, record.canonical_published_at)
        ):
            # Merged input is answered together with the comment it counts for.
            disposition, rationale = record.canonical_disposition, record.canonical_rationale
        return Row(
            id=record.id,
            section=section.title,
            paragraph=place.name if place is not None else words["general"][""],
            author=signature(record.author_name, record.author_organization),
            organization=record.author_organization,
            organization_verified=words["verified"][
                "yes" if record.author_organization_verified else "no"
            ],
            group=words["group"].get(record.author_group, record.author_group),
            country=english_country_name(record.author_country),
            kind=words["kind"].get(record.kind, record.kind),
            text=readable_text(record.body_html),
            proposed_text=record.proposed_text or "",
            endorsements=record.endorsement_count or 0,
            replies=record.replies or 0,
            status=self._status(record, words["status"]),
            merged_into=self._merged_into(record) if merged else "",
            disposition=words["disposition"].get(disposition, disposition) if disposition
            else "",
            rationale=rationale or "",
            submitted=record.created_at,
            in_reply_to=record.parent_id,
            paragraph_id=record.paragraph_id,
            section_key=section.key,
            status_code=record.status,
            public=_is_public(record.status, record.published_at),
        )

    @staticmethod
    def _status(record: Record, statuses: dict[str, str]) -> str:
        status = record.status
        if status == CommentStatus.MERGED and record.merged_into_id is not None:
            text = _("Merged into No. %(id)d", id=record.merged_into_id)
            if record.published_at is None:
                text += " " + _("(never published)")
            return text
        if status == CommentStatus.HIDDEN and record.moderation_reason:
            return _("Hidden by a moderator: %(reason)s", reason=record.moderation_reason)
        return statuses.get(status, status)

    def _merged_into(self, record: Record) -> str:
        number = _("No. %(id)d", id=record.merged_into_id)
        if not self.everything and not _is_public(
            record.canonical_status, record.canonical_published_at
        ):
            return number
        if record.canonical_synthesis:
            return f"{number}: " + _("synthesis by the moderators")
        return f"{number}: {signature(record.canonical_author, record.canonical_organization)}"

    def describe_filters(self) -> list[tuple[str, str]]:
        """The filters in words, for the first sheet and the document's heading."""
        found = self.filters
        described: list[tuple[str, str]] = []
        place = self.outline.place(found.paragraph_id)
        if found.paragraph_id:
            described.append((_("Paragraph"), place.name if place else str(found.paragraph_id)))
        if found.kind:
            described.append((_("Kind"), label(KIND_LABELS, found.kind)))
        if found.status:
            described.append((_("Status"), status_choice_label(found.status)))
        if found.group:
            described.append((_("Stakeholder group"), label(GROUP_LABELS, found.group)))
        if found.disposition:
            described.append((_("Disposition"), disposition_choice_label(found.disposition)))
        if found.text.strip():
            described.append((_("Words"), found.text.strip()))
        if found.verified:
            described.append((_("Organization"), _("From verified organizations only")))
        return described


def _is_public(status: str | None, published_at: dt.datetime | None) -> bool:
    return status == CommentStatus.PUBLISHED or (
        status == CommentStatus.MERGED and published_at is not None
    )


def status_choice_label(status: str) -> str:
    if status == "reported":
        return _("Reported by readers")
    return label(STATUS_LABELS, status)


def disposition_choice_label(disposition: str) -> str:
    if disposition == "none":
        return _("Not answered yet")
    return label(DISPOSITION_LABELS, disposition)


def _conditions(filters: QueueFilter, everything: bool) -> list[ColumnElement[bool]]:
    """The moderation queue's conditions, narrowed to what this export may show."""
    conditions = queue_conditions(filters)
    if filters.kind != CommentKind.REPLY:
        conditions.append(Comment.root_id.is_(None))
    if not everything:
        conditions.append(public_input())
        if filters.status == "reported":
            # Reports are the moderators' business; the public filter finds nothing.
            conditions.append(false())
    return conditions


def compilation(
    viewer: User | None,
    version: Version,
    filters: QueueFilter | None = None,
    *,
    everything: bool = False,
    chunk: int = CHUNK,
    outline: Outline | None = None,
) -> Compilation:
    """The compilation of a version the viewer may see, filtered as the moderation queue is.

    everything: the secretariat's own export, with pending, hidden and withdrawn input.
    Two queries (the paragraphs, unless their outline is given, and the count) before the
    rows. Raises Forbidden when someone
    else asks for everything.
    """
    if everything:
        require_full_export(viewer)
    filters = replace(filters or QueueFilter(), version_id=version.id, sort="newest")
    total = db.session.execute(
        select(func.count()).select_from(Comment).where(*_conditions(filters, everything))
    ).scalar_one()
    return Compilation(
        version=version,
        filters=filters,
        everything=everything,
        outline=outline or make_outline(version),
        total=total,
        chunk=chunk,
    )


make_outline = outline


def sheet_titles(titles: Sequence[str]) -> list[str]:
    """Names Excel accepts for sheets: at most 31 characters, none of []:*?/\\, not blank,
    and unique whatever their case."""
    used: set[str] = set()
    made: list[str] = []
    for title in titles:
        clean = re.sub(r"[\[\]:*?/\\]", " ", title).strip().strip("'") or "Sheet"
        clean = re.sub(r"\s+", " ", clean)
        candidate = clean[:31].rstrip()
        number = 2
        while candidate.casefold() in used:
            suffix = f" ({number})"
            candidate = clean[: 31 - len(suffix)].rstrip() + suffix
            number += 1
        used.add(candidate.casefold())
        made.append(candidate)
    return made
