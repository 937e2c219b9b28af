"""Moderation: the queue, publishing and hiding with reasons, reports, private remarks,
merges of duplicates, and the answers (dispositions) given to comments.

Every action is checked against the state the moderator saw (the comment's row
version), recorded in the audit trail, and told to the authors concerned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from consult.audit.service import record, state
from consult.auth.models import User
from consult.comments.models import (
    DISPOSITION_LABELS,
    STATUS_LABELS,
    Comment,
    CommentKind,
    CommentStatus,
    Disposition,
    Endorsement,
)
from consult.comments.service import Page, page_count
from consult.database import utcnow
from consult.drafts.models import Paragraph, Version
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.markup import render_markdown
from consult.moderation.models import (
    DismissedSuggestion,
    Merge,
    MergeMember,
    ModeratorRemark,
    Report,
    ReportReason,
)
from consult.moderation.similarity import Candidate, Group, suggest_groups
from consult.notifications.service import notify

REASON_MAX_LENGTH = 2000
REMARK_MAX_LENGTH = 5000
SYNTHESIS_MAX_LENGTH = 20_000
# What the audit trail keeps of a comment before and after a moderation action.
AUDITED = (
    "status",
    "moderation_reason",
    "merged_into_id",
    "disposition",
    "disposition_rationale",
)
QUEUE_SORTS = ("newest", "oldest", "endorsed", "reports")
# Words searched for in the queue: the search box takes no more, so nothing is cut unseen.
SEARCH_MAX_LENGTH = 200
QUEUE_STATUSES = ("pending", "published", "hidden", "merged", "withdrawn", "reported")


def require_moderator(actor: User | None) -> User:
    """Moderators and the secretariat moderate. Raises Forbidden."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_moderator:
        raise Forbidden(_("Only moderators and the secretariat can do this."))
    return actor


# The queue ------------------------------------------------------------------------------


@dataclass
class QueueFilter:
    """What the moderator narrowed the queue to; empty fields do not filter."""

    version_id: int | None = None
    paragraph_id: int | None = None
    kind: str = ""
    status: str = ""
    group: str = ""
    disposition: str = ""
    text: str = ""
    sort: str = "newest"
    # Only input whose author's organization the secretariat has verified.
    verified: bool = False


@dataclass
class QueuePage(Page):
    reports: dict[int, int] = field(default_factory=dict)


def _report_count(entity: type[Comment] = Comment):
    return (
        select(func.count())
        .select_from(Report)
        .where(Report.comment_id == entity.id, Report.resolved_at.is_(None))
        .correlate(entity)
        .scalar_subquery()
    )


def queue_conditions(filters: QueueFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of a filter, for the queue and for exports filtered the same way."""
    conditions: list[ColumnElement[bool]] = []
    if filters.version_id:
        conditions.append(Comment.version_id == filters.version_id)
    if filters.paragraph_id:
        conditions.append(Comment.paragraph_id == filters.paragraph_id)
    if filters.kind:
        conditions.append(Comment.kind == filters.kind)
    if filters.status == "reported":
        conditions.append(_report_count() > 0)
    elif filters.status:
        conditions.append(Comment.status == filters.status)
    if filters.group:
        conditions.append(Comment.author_group == filters.group)
    if filters.disposition == "none":
        conditions.append(Comment.disposition.is_(None))
    elif filters.disposition:
        conditions.append(Comment.disposition == filters.disposition)
    if filters.verified:
        conditions.append(Comment.author_organization_verified.is_(True))
    words = filters.text.strip()
    if words:
        conditions.append(
            or_(
                Comment.body.icontains(words, autoescape=True),
                Comment.proposed_text.icontains(words, autoescape=True),
                Comment.author_name.icontains(words, autoescape=True),
                Comment.author_organization.icontains(words, autoescape=True),
            )
        )
    return conditions


def queue(
    actor: User | None, filters: QueueFilter, *, page: int = 1, per_page: int = 50
) -> QueuePage:
    """A page of comments for moderators, filtered and sorted, with report counts.

    Two queries whatever the number of comments.
    """
    require_moderator(actor)
    conditions = queue_conditions(filters)
    total = db.session.execute(
        select(func.count()).select_from(Comment).where(*conditions)
    ).scalar_one()
    page = min(max(1, page), page_count(total, per_page))
    reports = _report_count()
    order = {
        "oldest": (Comment.created_at, Comment.id),
        "endorsed": (Comment.endorsement_count.desc(), Comment.created_at.desc()),
        "reports": (reports.desc(), Comment.created_at.desc()),
    }.get(filters.sort, (Comment.created_at.desc(), Comment.id.desc()))
    rows = db.session.execute(
        select(Comment, reports)
        .where(*conditions)
        .options(
            joinedload(Comment.version).joinedload(Version.consultation),
            joinedload(Comment.paragraph).joinedload(Paragraph.parent),
        )
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return QueuePage(
        items=[row[0] for row in rows],
        total=total,
        page=page,
        per_page=per_page,
        reports={row[0].id: row[1] for row in rows if row[1]},
    )


def selection(actor: User | None, seen: dict[int, int]) -> list[tuple[Comment, int]]:
    """The comments a moderator selected, each with the row version their page showed.

    Raises NotFound when one no longer exists.
    """
    require_moderator(actor)
    if not seen:
        raise Invalid(_("Select at least one comment."))
    found = {
        comment.id: comment
        for comment in db.session.execute(
            select(Comment).where(Comment.id.in_(seen)).options(joinedload(Comment.version))
        ).scalars()
    }
    missing = sorted(set(seen) - set(found))
    if missing:
        raise NotFound(_("Comment %(id)d no longer exists.", id=missing[0]))
    return [(found[comment_id], seen[comment_id]) for comment_id in sorted(seen)]


def _fresh(items: Sequence[tuple[Comment, int]]) -> None:
    """Refuse to act on a comment someone else changed since the moderator's page showed it."""
    for comment, seen in items:
        if comment.row_version != seen:
            raise Conflict(
                _(
                    "Comment %(id)d changed since your page showed it: it is now “%(status)s”. "
                    "Nothing was done; look at it again.",
                    id=comment.id,
                    status=_status_text(comment),
                )
            )


def _status_text(comment: Comment) -> str:
    text = str(STATUS_LABELS.get(comment.status, comment.status))
    if comment.disposition:
        text += " · " + str(DISPOSITION_LABELS.get(comment.disposition, comment.disposition))
    return text


def _where(comment: Comment) -> str:
    """Where a comment is, for messages to its author."""
    return _(
        "“%(consultation)s”, %(version)s",
        consultation=comment.version.consultation.title,
        version=comment.version.label,
    )


# Publishing, hiding, restoring --------------------------------------------------------------


def _clean_reason(reason: str, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise Invalid(_("Give the reason the author will see."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(
            _("The reason may have at most %(n)d characters.", n=REASON_MAX_LENGTH),
            field="reason",
        )
    return reason


def _resolve_reports(comment: Comment) -> None:
    db.session.execute(
        update(Report)
        .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )


def _set_status(
    moderator: User,
    items: Sequence[tuple[Comment, int]],
    *,
    allowed: tuple[str, ...],
    refusal: str,
    status: str,
    reason: str,
    action: str,
    told_as: str,
    tell: str,
) -> None:
    """Move comments to a status, record it, and tell their authors (told_as is the kind
    of notification, tell its message with %(where)s and %(reason)s).

    Raises Conflict, naming the comment, when one is not in an allowed status or changed
    since the moderator's page showed it.
    """
    _fresh(items)
    for comment, _seen in items:
        if comment.status not in allowed:
            raise Conflict(refusal % {"id": comment.id})
    now = utcnow()
    for comment, _seen in items:
        before = state(comment, AUDITED)
        comment.status = status
        comment.moderation_reason = reason
        if status == CommentStatus.HIDDEN:
            comment.hidden_at = now
        else:
            comment.hidden_at = None
            comment.published_at = comment.published_at or now
        if action != "comment.publish":
            _resolve_reports(comment)
        record(moderator, action, "comment", comment.id,
               before=before, after=state(comment, AUDITED))
        notify(comment.author, told_as,
               tell % {"where": _where(comment), "reason": reason}, comment)
    db.session.flush()


def publish(actor: User | None, items: Sequence[tuple[Comment, int]], reason: str = "") -> None:
    """Publish comments that wait under pre-moderation."""
    reason = _clean_reason(reason, required=False)
    _set_status(
        require_moderator(actor),
        items,
        allowed=(CommentStatus.PENDING,),
        refusal=_("Comment %(id)d is not awaiting moderation."),
        status=CommentStatus.PUBLISHED,
        reason=reason,
        action="comment.publish",
        told_as="published",
        tell=_("Your input on %(where)s is published.") + ("\n%(reason)s" if reason else ""),
    )


def hide(actor: User | None, items: Sequence[tuple[Comment, int]], reason: str) -> None:
    """Take comments out of view; they stay in the database and the trail."""
    _set_status(
        require_moderator(actor),
        items,
        allowed=(CommentStatus.PUBLISHED, CommentStatus.PENDING),
        refusal=_("Comment %(id)d cannot be hidden now."),
        status=CommentStatus.HIDDEN,
        reason=_clean_reason(reason, required=True),
        action="comment.hide",
        told_as="hidden",
        tell=_("A moderator hid your input on %(where)s. The reason given: %(reason)s"),
    )


def restore(actor: User | None, items: Sequence[tuple[Comment, int]], reason: str) -> None:
    """Show hidden comments again."""
    _set_status(
        require_moderator(actor),
        items,
        allowed=(CommentStatus.HIDDEN,),
        refusal=_("Comment %(id)d is not hidden."),
        status=CommentStatus.PUBLISHED,
        reason=_clean_reason(reason, required=True),
        action="comment.restore",
        told_as="restored",
        tell=_("A moderator restored your input on %(where)s. The reason given: %(reason)s"),
    )


def dismiss_reports(actor: User | None, items: Sequence[tuple[Comment, int]]) -> int:
    """Close the open reports on comments a moderator judged fine. Returns how many."""
    moderator = require_moderator(actor)
    closed = 0
    for comment, _seen in items:
        result = db.session.execute(
            update(Report)
            .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
            .values(resolved_at=utcnow())
        )
        if result.rowcount:
            closed += result.rowcount
            record(moderator, "comment.dismiss_reports", "comment", comment.id,
                   after={"reports": result.rowcount})
    return closed


# Reports and remarks ---------------------------------------------------------------------


def report(user: User | None, comment: Comment, reason: str, note: str = "") -> Report:
    """Any signed-in reader flags a comment for the moderators, once. Raises Forbidden,
    Invalid, Conflict."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Sign in to report a comment."))
    if reason not in {member.value for member in ReportReason}:
        raise Invalid(_("Choose why you report this comment."), field="reason")
    note = (note or "").strip()
    if len(note) > REASON_MAX_LENGTH:
        raise Invalid(
            _("The note may have at most %(n)d characters.", n=REASON_MAX_LENGTH), field="note"
        )
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise Conflict(_("This comment is not shown any more."))
    made = Report(comment_id=comment.id, reporter_id=user.id, reason=reason, note=note)
    savepoint = db.session.begin_nested()
    db.session.add(made)
    try:
        savepoint.commit()
    except IntegrityError as error:
        savepoint.rollback()
        raise Conflict(_("You have already reported this comment.")) from error
    return made


def reports_on(actor: User | None, comment: Comment) -> list[Report]:
    require_moderator(actor)
    return list(
        db.session.execute(
            select(Report).where(Report.comment_id == comment.id).order_by(Report.created_at)
        ).scalars()
    )


def add_remark(actor: User | None, comment: Comment, body: str) -> ModeratorRemark:
    """A note for the other moderators, never shown to the author or the public."""
    moderator = require_moderator(actor)
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write the remark."), field="body")
    if len(body) > REMARK_MAX_LENGTH:
        raise Invalid(
            _("A remark may have at most %(n)d characters.", n=REMARK_MAX_LENGTH), field="body"
        )
    remark = ModeratorRemark(
        comment_id=comment.id,
        author_id=moderator.id,
        author_name=moderator.name,
        body=body,
        body_html=render_markdown(body),
    )
    db.session.add(remark)
    db.session.flush()
    record(moderator, "comment.remark", "comment", comment.id, after={"remark": remark.id})
    return remark


def remarks_on(actor: User | None, comment: Comment) -> list[ModeratorRemark]:
    require_moderator(actor)
    return list(
        db.session.execute(
            select(ModeratorRemark)
            .where(ModeratorRemark.comment_id == comment.id)
            .order_by(ModeratorRemark.created_at)
        ).scalars()
    )


# Merging -----------------------------------------------------------------------------------


def _mergeable(comment: Comment) -> None:
    if comment.kind == CommentKind.REPLY:
        raise Invalid(_("Replies are not merged; merge the comments they answer."))
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise Conflict(_("Comment %(id)d cannot be merged now.", id=comment.id))


def _recount_endorsements(canonical: Comment) -> None:
    """The canonical comment's stored count: each person once, over it and its members."""
    db.session.flush()
    speaks_for = select(Comment.id).where(
        or_(Comment.id == canonical.id, Comment.merged_into_id == canonical.id)
    )
    distinct_endorsers = (
        select(func.count(func.distinct(Endorsement.user_id)))
        .where(Endorsement.comment_id.in_(speaks_for))
        .scalar_subquery()
    )
    db.session.execute(
        update(Comment)
        .where(Comment.id == canonical.id)
        .values(endorsement_count=distinct_endorsers)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(canonical, ["endorsement_count"])


def merge(
    actor: User | None,
    items: Sequence[tuple[Comment, int]],
    *,
    into: Comment | None = None,
    synthesis: str = "",
    synthesis_proposed: str = "",
) -> Merge:
    """Fold several comments on one paragraph into one of them, or into a synthesis the
    moderator writes. The folded comments stay, linked; unmerge restores them exactly.

    Raises Forbidden, Invalid, Conflict.
    """
    moderator = require_moderator(actor)
    _fresh(items)
    comments = [comment for comment, _seen in items]
    if into is not None and into not in comments:
        comments.append(into)
    places = {(comment.version_id, comment.paragraph_id) for comment in comments}
    if len(places) != 1:
        raise Invalid(_("Only comments on the same paragraph can be merged."))
    for comment in comments:
        _mergeable(comment)
    synthesis = (synthesis or "").strip()
    if into is None and not synthesis:
        raise Invalid(
            _("Choose the comment the others are merged into, or write a synthesis."),
            field="synthesis",
        )
    if len(synthesis) > SYNTHESIS_MAX_LENGTH or len(synthesis_proposed) > SYNTHESIS_MAX_LENGTH:
        raise Invalid(_("The synthesis is too long."), field="synthesis")
    folded = [comment for comment in comments if comment is not into]
    if (into is None and len(folded) < 2) or (into is not None and not folded):
        raise Invalid(_("Select at least two comments to merge."))
    made_synthesis = into is None
    if into is None:
        first = comments[0]
        proposed = (synthesis_proposed or "").strip()
        into = Comment(
            version_id=first.version_id,
            paragraph_id=first.paragraph_id,
            kind=CommentKind.AMENDMENT if proposed else CommentKind.COMMENT,
            status=CommentStatus.PUBLISHED,
            body=synthesis,
            body_html=render_markdown(synthesis),
            proposed_text=proposed,
            is_synthesis=True,
            author=moderator,
            author_name=moderator.name,
            author_organization=moderator.organization,
            author_group=moderator.stakeholder_group,
            author_country=moderator.country,
            published_at=utcnow(),
            created_at=min(comment.created_at for comment in comments),
        )
        db.session.add(into)
        db.session.flush()
    operation = Merge(
        canonical_id=into.id, made_synthesis=made_synthesis, created_by_id=moderator.id
    )
    db.session.add(operation)
    folded_ids = [comment.id for comment in folded]
    # Comments already merged into one of those folded now follow them, recorded too.
    followers = list(
        db.session.execute(
            select(Comment).where(Comment.merged_into_id.in_(folded_ids))
        ).scalars()
    )
    for comment in [*folded, *followers]:
        operation.members.append(
            MergeMember(
                comment_id=comment.id,
                previous_status=comment.status,
                previous_merged_into_id=comment.merged_into_id,
            )
        )
        before = state(comment, AUDITED)
        comment.status = CommentStatus.MERGED
        comment.merged_into_id = into.id
        record(moderator, "comment.merge", "comment", comment.id,
               before=before, after=state(comment, AUDITED))
    _recount_endorsements(into)
    by_author = {comment.author_id: comment for comment in folded}
    for comment in by_author.values():
        if comment.author_id != moderator.id:
            notify(
                comment.author,
                "merged",
                _("A moderator merged your input on %(where)s with similar input; it is now "
                  "answered together with it.", where=_where(into)),
                comment,
            )
    db.session.flush()
    return operation


def active_merges(canonical: Comment) -> list[Merge]:
    return list(
        db.session.execute(
            select(Merge)
            .where(Merge.canonical_id == canonical.id, Merge.undone_at.is_(None))
            .order_by(Merge.created_at)
        ).scalars()
    )


def unmerge(actor: User | None, operation: Merge) -> None:
    """Undo a merge: every folded comment gets back its status and link, and a synthesis
    the merge made is hidden (it stays in the trail). Raises Conflict when things moved
    on since."""
    moderator = require_moderator(actor)
    if operation.undone_at is not None:
        raise Conflict(_("This merge was already undone."))
    canonical = operation.canonical
    for member in operation.members:
        if member.comment.merged_into_id != canonical.id:
            raise Conflict(
                _("Comment %(id)d was merged elsewhere since; undo that first.",
                  id=member.comment_id)
            )
    later = db.session.execute(
        select(Merge.id).where(
            Merge.canonical_id == canonical.id,
            Merge.undone_at.is_(None),
            Merge.created_at > operation.created_at,
        )
    ).first()
    if operation.made_synthesis and later:
        raise Conflict(_("More comments were merged into this synthesis since; undo that first."))
    if operation.made_synthesis:
        replies = db.session.execute(
            select(func.count()).select_from(Comment).where(Comment.root_id == canonical.id)
        ).scalar_one()
        if replies:
            raise Conflict(
                _("People replied to this synthesis; hide it instead of undoing the merge.")
            )
    for member in operation.members:
        comment = member.comment
        before = state(comment, AUDITED)
        comment.status = member.previous_status
        comment.merged_into_id = member.previous_merged_into_id
        record(moderator, "comment.unmerge", "comment", comment.id,
               before=before, after=state(comment, AUDITED))
    operation.undone_at = utcnow()
    operation.undone_by_id = moderator.id
    db.session.flush()
    if operation.made_synthesis:
        before = state(canonical, AUDITED)
        canonical.status = CommentStatus.HIDDEN
        canonical.hidden_at = utcnow()
        canonical.moderation_reason = _("The merge this synthesis was written for was undone.")
        record(moderator, "comment.hide", "comment", canonical.id,
               before=before, after=state(canonical, AUDITED))
    else:
        _recount_endorsements(canonical)
    db.session.flush()


@dataclass(frozen=True)
class Raised:
    """Who raised a point: the canonical comment and those merged into it."""

    members: list[Comment]
    people_by_group: dict[str, int]
    endorsers_by_group: dict[str, int]

    @property
    def people(self) -> int:
        return sum(self.people_by_group.values())

    @property
    def endorsers(self) -> int:
        return sum(self.endorsers_by_group.values())


def raised(canonical: Comment) -> Raised:
    """Everyone who raised the point, counted by group, and everyone who endorsed it,
    each person once."""
    members = list(
        db.session.execute(
            select(Comment)
            .where(Comment.merged_into_id == canonical.id)
            .order_by(Comment.created_at, Comment.id)
        ).scalars()
    )
    authors: dict[int, str] = {}
    for comment in ([] if canonical.is_synthesis else [canonical]) + members:
        authors.setdefault(comment.author_id, comment.author_group)
    ids = [canonical.id] + [comment.id for comment in members]
    endorsers: dict[int, str] = {}
    for user_id, group in db.session.execute(
        select(Endorsement.user_id, Endorsement.stakeholder_group)
        .where(Endorsement.comment_id.in_(ids))
        .order_by(Endorsement.created_at)
    ):
        endorsers.setdefault(user_id, group)
    return Raised(
        members=members,
        people_by_group=dict(Counter(authors.values())),
        endorsers_by_group=dict(Counter(endorsers.values())),
    )


# Suggested merges ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    group: Group
    comments: list[Comment]

    @property
    def signature(self) -> str:
        return ",".join(str(comment_id) for comment_id in self.group.ids)


def paragraph_to_moderate(actor: User | None, paragraph_id: int) -> Paragraph:
    """A paragraph a moderator may look at: not one of a draft, which is the secretariat's
    alone. Raises Forbidden, NotFound."""
    moderator = require_moderator(actor)
    paragraph = db.session.get(Paragraph, paragraph_id)
    if paragraph is None or not (paragraph.version.is_published or moderator.is_secretariat):
        raise NotFound()
    return paragraph


def suggestions(actor: User | None, paragraph: Paragraph) -> list[Suggestion]:
    """Groups of look-alike comments on a paragraph, less those a moderator dismissed."""
    from consult.markup import plain_text

    require_moderator(actor)
    comments = list(
        db.session.execute(
            select(Comment).where(
                Comment.paragraph_id == paragraph.id,
                Comment.root_id.is_(None),
                Comment.status.in_([CommentStatus.PUBLISHED, CommentStatus.PENDING]),
            )
        ).scalars()
    )
    base = plain_text(paragraph.body)
    groups = suggest_groups(
        [
            Candidate(id=c.id, kind=c.kind, text=c.body, proposed=c.proposed_text, base=base)
            for c in comments
        ]
    )
    dismissed = set(
        db.session.execute(
            select(DismissedSuggestion.signature).where(
                DismissedSuggestion.paragraph_id == paragraph.id
            )
        ).scalars()
    )
    by_id = {comment.id: comment for comment in comments}
    found = [Suggestion(group, [by_id[i] for i in group.ids]) for group in groups]
    return [item for item in found if item.signature not in dismissed]


def dismiss_suggestion(actor: User | None, paragraph: Paragraph, ids: Sequence[int]) -> None:
    """Record that these comments are not duplicates, so they are not proposed again."""
    moderator = require_moderator(actor)
    signature = ",".join(str(i) for i in sorted(set(ids)))
    if not signature:
        raise Invalid(_("Nothing to dismiss."))
    on_paragraph = db.session.execute(
        select(func.count()).select_from(Comment)
        .where(Comment.id.in_(set(ids)), Comment.paragraph_id == paragraph.id)
    ).scalar_one()
    if on_paragraph != len(set(ids)):
        raise NotFound(_("These comments are not all on this paragraph."))
    exists = db.session.execute(
        select(DismissedSuggestion.id).where(
            DismissedSuggestion.paragraph_id == paragraph.id,
            DismissedSuggestion.signature == signature,
        )
    ).first()
    if exists:
        return
    db.session.add(
        DismissedSuggestion(
            paragraph_id=paragraph.id, signature=signature, dismissed_by_id=moderator.id
        )
    )
    record(moderator, "suggestion.dismiss", "paragraph", paragraph.id,
           after={"comments": signature})
    db.session.flush()


# Dispositions ------------------------------------------------------------------------------


def set_disposition(
    actor: User | None,
    items: Sequence[tuple[Comment, int]],
    disposition: str,
    rationale: str,
) -> None:
    """Answer comments: accepted, partially accepted, noted or not accepted, with a public
    rationale. The authors of comments merged into them are told as well."""
    moderator = require_moderator(actor)
    if disposition not in {member.value for member in Disposition}:
        raise Invalid(_("Choose the answer."), field="disposition")
    rationale = (rationale or "").strip()
    if not rationale:
        raise Invalid(_("Give the rationale the public will see."), field="rationale")
    if len(rationale) > SYNTHESIS_MAX_LENGTH:
        raise Invalid(_("The rationale is too long."), field="rationale")
    _fresh(items)
    for comment, _seen in items:
        if comment.kind == CommentKind.REPLY:
            raise Invalid(_("Replies are not answered with a disposition."))
        if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
            raise Conflict(
                _("Comment %(id)d is not shown any more and cannot be answered.", id=comment.id)
            )
    label = str(DISPOSITION_LABELS[Disposition(disposition)])
    for comment, _seen in items:
        before = state(comment, AUDITED)
        comment.disposition = disposition
        comment.disposition_rationale = rationale
        comment.disposed_at = utcnow()
        comment.disposed_by_id = moderator.id
        record(moderator, "comment.disposition", "comment", comment.id,
               before=before, after=state(comment, AUDITED))
        members = db.session.execute(
            select(Comment).where(Comment.merged_into_id == comment.id)
        ).scalars()
        told: set[int] = set()
        for answered in [comment, *members]:
            if answered.author_id in told or answered.author.id == moderator.id:
                continue
            told.add(answered.author_id)
            notify(
                answered.author,
                "disposition",
                _("Your input on %(where)s has been answered: %(answer)s.\n%(rationale)s",
                  where=_where(comment), answer=label, rationale=rationale),
                answered,
            )
    db.session.flush()
