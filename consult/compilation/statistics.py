"""Where the debate is: input per paragraph, stakeholder group, country and day.

Counted in SQL (GROUP BY), one query per table whatever the number of comments, over the
input anyone can read (service.public_input): published comments and proposals, those
merged into others, and published replies, which are counted apart. The endorsements that
input received are counted by the endorsers' stakeholder groups. The site's statistics
page, its CSV downloads and the API's statistics all read these numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Date, case, cast, distinct, func, select

from consult.auth.models import GROUP_LABELS, StakeholderGroup
from consult.comments.models import PROPOSAL_KINDS, Comment, CommentKind, Endorsement
from consult.compilation.service import Outline, english_country_name, outline, public_input
from consult.database import utcnow
from consult.drafts.models import ParagraphKind, Version
from consult.extensions import db
from consult.i18n import country_name

TOP = 20
WHATS = ("paragraphs", "groups", "countries", "days")


@dataclass
class Tally:
    """Input counted under one key: a paragraph, a group, a country or a day."""

    key: object
    label: str
    comments: int = 0
    amendments: int = 0  # amendments, deletions and insertions: proposals to change the text
    replies: int = 0
    stakeholders: int = 0  # distinct authors of comments and amendments

    @property
    def inputs(self) -> int:
        return self.comments + self.amendments


@dataclass
class Statistics:
    version: Version
    paragraphs: list[Tally]  # by position: every paragraph but quiet headings, in order
    general: Tally  # comments on the whole text
    groups: list[Tally]  # the six groups, in their usual order
    countries: list[Tally]  # most input first
    days: list[Tally]  # every day of the period, in order
    totals: Tally
    countries_total: int = 0
    # Endorsements of the input, by the endorsers' groups: the six in their usual order
    endorsements: dict[str, int] = field(default_factory=dict)
    outline: Outline | None = field(default=None, repr=False)

    @property
    def endorsements_total(self) -> int:
        return sum(self.endorsements.values())

    def top_paragraphs(self, count: int = TOP) -> list[Tally]:
        busy = [tally for tally in self.paragraphs if tally.inputs]
        return sorted(busy, key=lambda tally: -tally.inputs)[:count]

    def top_countries(self, count: int = TOP) -> list[Tally]:
        return self.countries[:count]


def _sums() -> list[ColumnElement[int]]:
    """Comments, proposals, replies, and the distinct authors of the first two."""
    top_level = Comment.root_id.is_(None)
    return [
        func.coalesce(func.sum(case(((Comment.kind == CommentKind.COMMENT) & top_level, 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((Comment.kind.in_(list(PROPOSAL_KINDS)) & top_level, 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((Comment.root_id.is_not(None), 1), else_=0)), 0),
        func.count(distinct(case((top_level, Comment.author_id)))),
    ]


def day_of(dialect: str) -> ColumnElement:
    """The UTC day of a comment: SQLite keeps naive UTC, PostgreSQL a time zone."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", Comment.created_at), Date)
    return func.date(Comment.created_at)


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _grouped(version: Version, key: ColumnElement) -> dict[object, tuple[int, int, int, int]]:
    rows = db.session.execute(
        select(key, *_sums())
        .where(Comment.version_id == version.id, public_input())
        .group_by(key)
    )
    return {row[0]: (int(row[1]), int(row[2]), int(row[3]), int(row[4])) for row in rows}


def _tally(key: object, label: str, counted: tuple[int, int, int, int] | None) -> Tally:
    comments, amendments, replies, people = counted or (0, 0, 0, 0)
    return Tally(key, label, comments, amendments, replies, people)


def _period(version: Version, found: list[dt.date]) -> list[dt.date]:
    """Every day from the opening of the period (or the first input, if earlier) to its
    close or today, whichever comes first (or the last input, if later)."""
    starts = [version.opens_at.date()] if version.opens_at else []
    starts += found[:1]
    if not starts:
        return []
    ends = [utcnow().date()] + ([version.closes_at.date()] if version.closes_at else [])
    start, end = min(starts), max([min(ends), *found[-1:]])
    return [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]


def _endorsements(version: Version) -> dict[str, int]:
    """Endorsements of the version's public input, by the endorsers' groups, in one query."""
    rows = db.session.execute(
        select(Endorsement.stakeholder_group, func.count())
        .join(Comment, Comment.id == Endorsement.comment_id)
        .where(Comment.version_id == version.id, public_input())
        .group_by(Endorsement.stakeholder_group)
    )
    found = {str(group): int(count) for group, count in rows}
    return {group.value: found.pop(group.value, 0) for group in StakeholderGroup} | found


def statistics(version: Version) -> Statistics:
    """The counts of a version, in seven queries whatever the number of comments."""
    made = outline(version)
    per_paragraph = _grouped(version, Comment.paragraph_id)
    per_group = _grouped(version, Comment.author_group)
    per_country = _grouped(version, Comment.author_country)
    per_day = {
        _as_date(day): counted
        for day, counted in _grouped(version, day_of(db.engine.dialect.name)).items()
        if day is not None
    }
    everyone = db.session.execute(
        select(
            *_sums(),
            func.count(distinct(case((Comment.root_id.is_(None), Comment.author_country)))),
        )
        .where(Comment.version_id == version.id, public_input())
    ).one()
    paragraphs = [
        _tally(place.position, place.name, per_paragraph.get(place.id))
        for place in made.places.values()
        if place.kind != ParagraphKind.HEADING or place.id in per_paragraph
    ]
    groups = [
        _tally(group.value, str(GROUP_LABELS[group]), per_group.get(group.value))
        for group in StakeholderGroup
    ]
    groups += [
        _tally(code, code, counted) for code, counted in per_group.items()
        if code not in {group.value for group in StakeholderGroup}
    ]
    countries = sorted(
        (_tally(code, country_name(code), counted) for code, counted in per_country.items()),
        key=lambda tally: (-tally.inputs, -tally.replies, tally.label.casefold()),
    )
    days = [_tally(day, day.isoformat(), per_day.get(day)) for day in _period(
        version, sorted(per_day)
    )]
    return Statistics(
        version=version,
        paragraphs=paragraphs,
        general=_tally(None, "", per_paragraph.get(None)),
        groups=groups,
        countries=countries,
        days=days,
        totals=_tally(None, "", tuple(int(value) for value in everyone[:4])),  # type: ignore[arg-type]
        countries_total=int(everyone[4]),
        endorsements=_endorsements(version),
        outline=made,
    )


def table_of(found: Statistics, what: str) -> tuple[list[str], list[list[object]]]:
    """One statistic as a table (headers, rows) for its CSV download; countries in English,
    with their ISO code, as in the compilation."""
    counts = [_("Comments"), _("Amendments"), _("Comments and amendments"), _("Replies")]

    def numbers(tally: Tally) -> list[object]:
        return [tally.comments, tally.amendments, tally.inputs, tally.replies]

    if what == "paragraphs":
        rows = [["", _("The whole text"), *numbers(found.general)]] + [
            [tally.key, tally.label, *numbers(tally)] for tally in found.paragraphs
        ]
        return [_("Position"), _("Paragraph"), *counts], rows
    if what == "groups":
        return [_("Stakeholder group"), _("Stakeholders"), *counts], [
            [tally.label, tally.stakeholders, *numbers(tally)] for tally in found.groups
        ]
    if what == "countries":
        return [_("Country code"), _("Country"), _("Stakeholders"), *counts], [
            [tally.key, english_country_name(str(tally.key)), tally.stakeholders,
             *numbers(tally)]
            for tally in found.countries
        ]
    if what == "days":
        return [_("Date (UTC)"), *counts], [
            [tally.label, *numbers(tally)] for tally in found.days
        ]
    raise ValueError(what)
