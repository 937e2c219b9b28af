"""How consult's objects look in the API: plain dicts with stable ids, ISO 8601 UTC times,
and links to themselves and to their page on the site.

The shapes are described, field by field, in consult/api/openapi.py; tests hold the two
together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from flask import request, url_for

from consult.auth.models import StakeholderGroup
from consult.comments.models import Comment, CommentStatus
from consult.comments.service import Counts, page_count
from consult.compilation import statistics as counting
from consult.drafts.models import Consultation, Paragraph, Version
from consult.markup import plain_text

GROUPS = tuple(group.value for group in StakeholderGroup)


def moment(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the second."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def link(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


# Lists ------------------------------------------------------------------------------------------


def listing(items: list[dict[str, Any]], *, page: int, per_page: int, total: int) -> dict[str, Any]:
    """A page of a list with where it stands (meta) and the links to its neighbours, which
    keep the request's other parameters (such as sort)."""
    pages = page_count(total, per_page)

    def to(number: int) -> str:
        kept = {name: value for name, value in sorted(request.args.items())
                if name not in ("page", "per_page")}
        args = {"page": number, "per_page": per_page, **kept}
        return link(request.endpoint or "", **(request.view_args or {}), **args)

    return {
        "data": items,
        "meta": {"page": page, "per_page": per_page, "total": total, "pages": pages},
        "links": {
            "self": to(page),
            "first": to(1),
            "last": to(pages),
            "prev": to(page - 1) if page > 1 else None,
            "next": to(page + 1) if page < pages else None,
        },
    }


def page_slice(items: Sequence[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """One page of a list already in memory, and the page served (a page past the last
    gives the last, as the comment threads do)."""
    page = min(page, page_count(len(items), per_page))
    start = (page - 1) * per_page
    return list(items[start : start + per_page]), page


# Drafts -----------------------------------------------------------------------------------------


def version_summary(version: Version, slug: str) -> dict[str, Any]:
    where = {"slug": slug, "number": version.number}
    return {
        "id": version.id,
        "number": version.number,
        "label": version.label,
        "document_symbol": version.document_symbol,
        "status": version.status,
        "moderation": version.moderation,
        "period": {
            "opens_at": moment(version.opens_at),
            "closes_at": moment(version.closes_at),
            "taking_comments": version.is_taking_comments(),
        },
        "created_at": moment(version.created_at),
        "published_at": moment(version.published_at),
        "based_on_id": version.based_on_id,
        "links": {
            "self": link("api.version", **where),
            "paragraphs": link("api.paragraphs", **where),
            "comments": link("api.general_comments", **where),
            "dispositions": link("api.dispositions", **where),
            "statistics": link("api.statistics", **where),
            "html": link("drafts.version", **where),
        },
    }


def consultation(item: Consultation, versions: Sequence[Version]) -> dict[str, Any]:
    return {
        "id": item.id,
        "slug": item.slug,
        "title": item.title,
        "summary": item.summary,
        "created_at": moment(item.created_at),
        "versions": [version_summary(version, item.slug) for version in versions],
        "links": {
            "self": link("api.consultation", slug=item.slug),
            "versions": link("api.versions", slug=item.slug),
            "html": link("drafts.consultation", slug=item.slug),
        },
    }


def counts(found: Counts | None) -> dict[str, int]:
    found = found or Counts()
    return {
        "comments": found.comments,
        "amendments": found.amendments,
        "to_answer": found.to_answer,
        "answered": found.answered,
    }


def paragraph(item: Paragraph, version: Version, name: str, found: Counts | None) -> dict[str, Any]:
    where = {"slug": version.consultation.slug, "number": version.number, "position": item.position}
    return {
        "id": item.id,
        "version_id": item.version_id,
        "position": item.position,
        "kind": item.kind,
        "number_label": item.number_label,
        "name": name,
        "body": item.body,
        "body_html": item.body_html,
        "text": plain_text(item.body),
        "parent_id": item.parent_id,
        "lineage_key": item.lineage_key,
        "counts": counts(found),
        "links": {
            "self": link("api.paragraph", **where),
            "comments": link("api.paragraph_comments", **where),
            "html": link("comments.paragraph", **where),
        },
    }


# Comments ---------------------------------------------------------------------------------------


def endorsements(by_group: Mapping[str, int] | None) -> dict[str, Any]:
    by_group = by_group or {}
    return {
        "total": sum(by_group.values()),
        "by_group": {group: int(by_group.get(group, 0)) for group in GROUPS},
    }


def comment(
    item: Comment,
    *,
    endorsed: Mapping[str, int] | None = None,
    reply_count: int = 0,
    merged_count: int = 0,
    endorsed_by_you: bool = False,
) -> dict[str, Any]:
    """A comment as the site shows it: a withdrawn one keeps its place but not its words
    or its author; the moderator's reason is shown only where the site shows it."""
    withdrawn = item.status == CommentStatus.WITHDRAWN
    place = item.paragraph
    reason_shown = item.status in (CommentStatus.HIDDEN, CommentStatus.PUBLISHED)
    return {
        "id": item.id,
        "version_id": item.version_id,
        "paragraph": None
        if place is None
        else {"id": place.id, "position": place.position, "lineage_key": place.lineage_key},
        "parent_id": item.parent_id,
        "root_id": item.root_id,
        "kind": item.kind,
        "status": item.status,
        "author": None
        if withdrawn
        else {
            "name": item.author_label,
            "organization": item.author_organization,
            "organization_verified": item.author_organization_verified,
            "stakeholder_group": item.author_group,
            "country": item.author_country,
        },
        "body": None if withdrawn else item.body,
        "body_html": None if withdrawn else item.body_html,
        "proposed_text": None if withdrawn else item.proposed_text,
        "quote": None if withdrawn else item.quote,
        "is_synthesis": item.is_synthesis,
        "created_at": moment(item.created_at),
        "edited_at": moment(item.edited_at),
        "published_at": moment(item.published_at),
        "withdrawn_at": moment(item.withdrawn_at),
        "moderation_reason": (item.moderation_reason or None) if reason_shown else None,
        "endorsements": endorsements(endorsed),
        "endorsed_by_you": endorsed_by_you,
        "reply_count": reply_count,
        "merged_count": merged_count,
        "merged_into_id": item.merged_into_id,
        "disposition": None
        if item.disposition is None
        else {
            "value": item.disposition,
            "rationale": item.disposition_rationale,
            "disposed_at": moment(item.disposed_at),
        },
        "links": {
            "self": link("api.comment", comment_id=item.id),
            "html": link("comments.comment", comment_id=item.id),
        },
    }


def endorsement_state(item: Comment, by_group: Mapping[str, int] | None, mine: bool) -> dict:
    return {
        "comment_id": item.id,
        "endorsed_by_you": mine,
        "endorsements": endorsements(by_group),
        "links": {"comment": link("api.comment", comment_id=item.id)},
    }


# Statistics -------------------------------------------------------------------------------------


def tally(found: counting.Tally) -> dict[str, int]:
    return {
        "comments": found.comments,
        "amendments": found.amendments,
        "replies": found.replies,
        "stakeholders": found.stakeholders,
    }


def statistics(found: counting.Statistics) -> dict[str, Any]:
    """The numbers of the site's statistics page, each paragraph named by its id and
    lineage key as everywhere in the API."""
    if found.outline is None:
        raise ValueError("statistics are serialised with the outline they were counted on")
    by_position = {item.position: item for item in found.outline.paragraphs}
    return {
        "version_id": found.version.id,
        "totals": {**tally(found.totals), "countries": found.countries_total},
        "endorsements": endorsements(found.endorsements),
        "general": tally(found.general),
        "paragraphs": [
            {
                "position": item.key,
                "paragraph_id": by_position[item.key].id,
                "lineage_key": by_position[item.key].lineage_key,
                "name": item.label,
                **tally(item),
            }
            for item in found.paragraphs
        ],
        "groups": [
            {"stakeholder_group": item.key, "label": item.label, **tally(item)}
            for item in found.groups
        ],
        "countries": [
            {"country": item.key, "name": item.label, **tally(item)} for item in found.countries
        ],
        "days": [{"date": item.label, **tally(item)} for item in found.days],
    }
