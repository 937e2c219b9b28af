"""Comments, proposals, replies and endorsements: the rules for writing and seeing them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from consult.auth.models import User
from consult.auth.service import require_writer
from consult.comments.models import (
    PROPOSAL_KINDS,
    Comment,
    CommentKind,
    CommentStatus,
    Endorsement,
)
from consult.database import utcnow
from consult.drafts.models import ModerationMode, Paragraph, Version
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.i18n import format_moment
from consult.markup import normalize_space, plain_text, render_markdown

QUOTE_MAX_LENGTH = 1000
# Made once: an alias copies every column of the table, which costs each request it is
# made in (measured in bench/: 2 ms of a 14 ms page).
_Reply = aliased(Comment, name="reply")
_Member = aliased(Comment, name="member")
SORTS = ("oldest", "newest", "endorsed")
TOP_LEVEL_KINDS = (
    CommentKind.COMMENT,
    CommentKind.AMENDMENT,
    CommentKind.DELETION,
    CommentKind.INSERTION,
)


def _signed_in(viewer: User | None) -> bool:
    return viewer is not None and bool(getattr(viewer, "is_authenticated", False))


def _is_moderator(viewer: User | None) -> bool:
    return _signed_in(viewer) and viewer.is_moderator  # type: ignore[union-attr]


# Seeing -------------------------------------------------------------------------------


def visible_to(viewer: User | None, entity: type[Comment] = Comment) -> ColumnElement[bool]:
    """The comments a viewer may see: published ones, their own, and all for moderators.

    Withdrawn comments that were published stay in threads as a line saying so, so replies
    keep their place; one withdrawn before it was published never was public, and is not.
    entity may be an alias of Comment, for subqueries.
    """
    public = or_(
        entity.status == CommentStatus.PUBLISHED,
        and_(entity.status == CommentStatus.WITHDRAWN, entity.published_at.is_not(None)),
    )
    unpublished = entity.status.in_(
        [CommentStatus.PENDING, CommentStatus.HIDDEN, CommentStatus.WITHDRAWN]
    )
    if _is_moderator(viewer):
        return or_(public, unpublished)
    if _signed_in(viewer):
        return or_(public, and_(entity.author_id == viewer.id, unpublished))  # type: ignore[union-attr]
    return public


def can_view(viewer: User | None, comment: Comment) -> bool:
    """Published comments are public, and so are withdrawn or merged ones that were
    published (they stay readable in their thread); the rest only to its author and
    moderators."""
    if comment.status == CommentStatus.PUBLISHED:
        return True
    if (comment.status in (CommentStatus.WITHDRAWN, CommentStatus.MERGED)
            and comment.published_at is not None):
        return True
    if _is_moderator(viewer):
        return True
    return _signed_in(viewer) and comment.author_id == viewer.id  # type: ignore[union-attr]


def get_comment(comment_id: int, viewer: User | None) -> Comment:
    """Raises NotFound when it does not exist, is in an unpublished version, or is not visible."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or not can_view(viewer, comment):
        raise NotFound()
    if not comment.version.is_published and not (
        _signed_in(viewer) and viewer.is_secretariat  # type: ignore[union-attr]
    ):
        raise NotFound()
    return comment


def page_count(total: int, per_page: int) -> int:
    """How many pages total items fill; an empty list still has its one page."""
    return max(1, -(-total // per_page))


@dataclass
class Page:
    """One page of a longer list."""

    items: list[Comment]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


@dataclass
class Thread(Page):
    """One page of a paragraph's (or a version's general) comments, with what they show."""

    sort: str = "oldest"
    endorsements: dict[int, dict[str, int]] = field(default_factory=dict)
    endorsed_by_viewer: set[int] = field(default_factory=set)
    reply_counts: dict[int, int] = field(default_factory=dict)
    merged_counts: dict[int, int] = field(default_factory=dict)

    @property
    def comments(self) -> list[Comment]:
        return self.items

    def endorsement_total(self, comment: Comment) -> int:
        return sum(self.endorsements.get(comment.id, {}).values())


def _thread_filter(version: Version, paragraph: Paragraph | None) -> ColumnElement[bool]:
    if paragraph is None:
        return and_(Comment.version_id == version.id, Comment.paragraph_id.is_(None))
    return Comment.paragraph_id == paragraph.id


def thread(
    version: Version,
    paragraph: Paragraph | None,
    viewer: User | None,
    *,
    page: int = 1,
    sort: str = "oldest",
    per_page: int | None = None,
) -> Thread:
    """Return one page of top-level comments; replies are counted, and loaded on demand.

    One query whatever the number of comments: the page, with the total, each comment's
    reply count, its endorsers' groups, and whether the viewer endorsed it.
    """
    per_page = per_page or current_app.config["COMMENTS_PER_PAGE"]
    sort = sort if sort in SORTS else "oldest"
    where = and_(_thread_filter(version, paragraph), Comment.root_id.is_(None), visible_to(viewer))
    total = select(func.count()).select_from(Comment).where(where).scalar_subquery()
    replies_each = (
        select(func.count())
        .select_from(_Reply)
        .where(_Reply.root_id == Comment.id, visible_to(viewer, _Reply))
        .correlate(Comment)
        .scalar_subquery()
    )
    # The comment and those merged into it. Written as one IN over comment (not "= id OR
    # IN merged"): PostgreSQL scanned every endorsement for the OR (66 ms against 0.3).
    speaks_for = (
        select(_Member.id)
        .where(or_(_Member.id == Comment.id, _Member.merged_into_id == Comment.id))
        .correlate(Comment)
    )
    # "user:group" of every endorsement of the comment and of those merged into it; the
    # same person may appear twice and is counted once.
    endorsers = (
        select(
            func.aggregate_strings(
                cast(Endorsement.user_id, String) + ":" + Endorsement.stakeholder_group, ","
            )
        )
        .where(Endorsement.comment_id.in_(speaks_for))
        .correlate(Comment)
        .scalar_subquery()
    )
    merged_count = (
        select(func.count()).select_from(_Member).where(_Member.merged_into_id == Comment.id)
        .correlate(Comment)
        .scalar_subquery()
    )
    endorsed_here = (
        exists().where(
            Endorsement.comment_id == Comment.id,
            Endorsement.user_id == viewer.id,  # type: ignore[union-attr]
        )
        if _signed_in(viewer)
        else false()
    )
    order = {
        "newest": (Comment.created_at.desc(), Comment.id.desc()),
        # Ties newest first: the order an index on the count can give read backwards.
        "endorsed": (
            Comment.endorsement_count.desc(), Comment.created_at.desc(), Comment.id.desc()
        ),
    }.get(sort, (Comment.created_at, Comment.id))

    def page_of(number: int) -> list:
        """The rows of one page; the ids are chosen first, so the counts are only
        computed for the comments shown, not for every one skipped by the offset."""
        chosen = (
            select(Comment.id)
            .where(where)
            .order_by(*order)
            .limit(per_page)
            .offset((number - 1) * per_page)
            .subquery()
        )
        return db.session.execute(
            select(Comment, total, replies_each, endorsers, endorsed_here, merged_count)
            .join(chosen, chosen.c.id == Comment.id)
            .order_by(*order)
        ).all()

    page = max(1, page)
    rows = page_of(page)
    if not rows and page > 1:
        count = db.session.execute(select(total)).scalar_one()
        page = page_count(count, per_page)
        rows = page_of(page)
    result = Thread(
        items=[], total=rows[0][1] if rows else 0, page=page, per_page=per_page, sort=sort
    )
    for comment, _total, reply_count, endorsed_by_whom, endorsed, merged in rows:
        set_committed_value(comment, "version", version)
        set_committed_value(comment, "paragraph", paragraph)
        result.items.append(comment)
        if reply_count:
            result.reply_counts[comment.id] = reply_count
        if endorsed_by_whom:
            people = dict(pair.split(":", 1) for pair in endorsed_by_whom.split(","))
            result.endorsements[comment.id] = dict(Counter(people.values()))
        if endorsed:
            result.endorsed_by_viewer.add(comment.id)
        if merged:
            result.merged_counts[comment.id] = merged
    return result


def endorsement_counts(comment_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Endorsements of each comment, counted by the endorsers' stakeholder groups."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = db.session.execute(
        select(Endorsement.comment_id, Endorsement.stakeholder_group, func.count())
        .where(Endorsement.comment_id.in_(comment_ids))
        .group_by(Endorsement.comment_id, Endorsement.stakeholder_group)
    )
    for comment_id, group, count in rows:
        counts[comment_id][group] = count
    return dict(counts)


def endorsed_by(viewer: User | None, comment_ids: Sequence[int]) -> set[int]:
    if not _signed_in(viewer) or not comment_ids:
        return set()
    return set(
        db.session.execute(
            select(Endorsement.comment_id).where(
                Endorsement.user_id == viewer.id,  # type: ignore[union-attr]
                Endorsement.comment_id.in_(comment_ids),
            )
        ).scalars()
    )


def replies(root: Comment, viewer: User | None) -> list[Comment]:
    """Every reply in a comment's thread that the viewer may see, oldest first."""
    return list(
        db.session.execute(
            select(Comment)
            .where(Comment.root_id == root.id, visible_to(viewer))
            .order_by(Comment.created_at, Comment.id)
        ).scalars()
    )


def input_of(author: User, *, page: int = 1, per_page: int | None = None) -> Page:
    """Everything one person wrote, newest first, whatever became of it: so they can
    find it again and see whether it waits, was published, or was withdrawn."""
    per_page = per_page or current_app.config["COMMENTS_PER_PAGE"]
    where = Comment.author_id == author.id
    total = db.session.execute(select(func.count()).select_from(Comment).where(where)).scalar_one()
    page = min(max(1, page), page_count(total, per_page))
    items = list(
        db.session.execute(
            select(Comment)
            .where(where)
            .options(
                joinedload(Comment.version).joinedload(Version.consultation),
                joinedload(Comment.paragraph).joinedload(Paragraph.parent),
            )
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    return Page(items=items, total=total, page=page, per_page=per_page)


@dataclass(frozen=True)
class Counts:
    comments: int = 0
    amendments: int = 0
    # Top-level input, and how much of it has been answered with a disposition.
    to_answer: int = 0
    answered: int = 0


def version_counts(version: Version) -> dict[int | None, Counts]:
    """Published comments and proposals per paragraph (None: general comments), and how
    many are answered, in one query read from one index."""
    is_proposal = case((Comment.kind.in_(list(PROPOSAL_KINDS)), 1), else_=0)
    top_level = case((Comment.root_id.is_(None), 1), else_=0)
    answered = case(
        (and_(Comment.root_id.is_(None), Comment.disposition.is_not(None)), 1), else_=0
    )
    rows = db.session.execute(
        select(
            Comment.paragraph_id,
            func.count(),
            func.coalesce(func.sum(is_proposal), 0),
            func.coalesce(func.sum(top_level), 0),
            func.coalesce(func.sum(answered), 0),
        )
        .where(Comment.version_id == version.id, Comment.status == CommentStatus.PUBLISHED)
        .group_by(Comment.paragraph_id)
    )
    return {
        paragraph_id: Counts(
            comments=int(total) - int(proposals),
            amendments=int(proposals),
            to_answer=int(tops),
            answered=int(done),
        )
        for paragraph_id, total, proposals, tops, done in rows
    }


# Writing ------------------------------------------------------------------------------


def comment_refusal(
    viewer: User | None, version: Version, now: dt.datetime | None = None
) -> str | None:
    """Why this viewer cannot comment on the version now, or None if they can."""
    now = now or utcnow()
    if not version.is_taking_comments(now):
        if version.status == "open" and version.opens_at and now < version.opens_at:
            return _("Comments open on %(when)s.", when=format_moment(version.opens_at))
        if version.closes_at and version.closes_at <= now:
            return _(
                "The comment period closed on %(when)s.", when=format_moment(version.closes_at)
            )
        return _("This version is not open for comments.")
    try:
        require_writer(viewer)
    except Forbidden as error:
        return error.message
    return None


def _require_open(author: User | None, version: Version) -> User:
    refusal = comment_refusal(author, version)
    if refusal:
        raise Forbidden(refusal)
    assert author is not None
    return author


def too_long(limit: int, length: int) -> str:
    """The refusal of a text over its limit (the comment forms say it too)."""
    return _(
        "This is %(length)d characters long; the limit is %(limit)d. Shorten it, or "
        "split it into several comments.",
        length=length,
        limit=limit,
    )


def _check_length(text: str, limit: int, field_name: str) -> None:
    if len(text) > limit:
        raise Invalid(too_long(limit, len(text)), field=field_name)


def _check_quote(paragraph: Paragraph | None, quote: str) -> str:
    quote = normalize_space(quote)
    if not quote:
        return ""
    if paragraph is None:
        raise Invalid(_("Only a comment on a paragraph can quote it."), field="quote")
    _check_length(quote, QUOTE_MAX_LENGTH, "quote")
    if quote.casefold() not in plain_text(paragraph.body).casefold():
        raise Invalid(
            _(
                "The quoted words do not appear in this paragraph. Copy them exactly, or leave "
                "the quote empty."
            ),
            field="quote",
        )
    return quote


def _check_content(kind: str, body: str, proposed_text: str, paragraph: Paragraph | None) -> None:
    config = current_app.config
    _check_length(body, config["COMMENT_MAX_LENGTH"], "body")
    _check_length(proposed_text, config["PROPOSED_TEXT_MAX_LENGTH"], "proposed_text")
    if kind in (CommentKind.COMMENT, CommentKind.REPLY) and not body.strip():
        raise Invalid(_("Write your comment before sending it."), field="body")
    if kind in PROPOSAL_KINDS:
        if paragraph is None:
            raise Invalid(_("Amendments are made on a paragraph."), field="kind")
        if not body.strip():
            raise Invalid(_("Give the reason for your proposal."), field="body")
    if kind in (CommentKind.AMENDMENT, CommentKind.INSERTION) and not proposed_text.strip():
        raise Invalid(_("Write the text you propose."), field="proposed_text")
    if (
        kind == CommentKind.AMENDMENT
        and paragraph is not None
        and normalize_space(proposed_text) == plain_text(paragraph.body)
    ):
        raise Invalid(
            _(
                "The proposed text is the same as the paragraph. Change it, or send a comment "
                "instead."
            ),
            field="proposed_text",
        )


def _existing_submission(author: User, submission_key: str | None) -> Comment | None:
    if not submission_key:
        return None
    return db.session.execute(
        select(Comment).where(
            Comment.author_id == author.id, Comment.submission_key == submission_key
        )
    ).scalar_one_or_none()


def _store(
    author: User, version: Version, submission_key: str | None, **fields: object
) -> Comment:
    """Make a comment signed with the author's details as they are now, once per
    submission key: a form sent twice gives back the first comment."""
    existing = _existing_submission(author, submission_key)
    if existing is not None:
        return existing
    status = _initial_status(version)
    comment = Comment(
        version_id=version.id,
        status=status,
        body_html=render_markdown(str(fields.get("body", ""))),
        author=author,
        author_name=author.name,
        author_organization=author.organization,
        author_group=author.stakeholder_group,
        author_country=author.country,
        author_organization_verified=author.organization_verified_at is not None,
        submission_key=submission_key or None,
        published_at=utcnow() if status == CommentStatus.PUBLISHED else None,
        **fields,
    )
    savepoint = db.session.begin_nested()
    db.session.add(comment)
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        existing = _existing_submission(author, submission_key)
        if existing is None:
            raise
        return existing
    return comment


def _initial_status(version: Version) -> str:
    if version.moderation == ModerationMode.PRE:
        return CommentStatus.PENDING
    return CommentStatus.PUBLISHED


def post_comment(
    author: User | None,
    version: Version,
    paragraph: Paragraph | None,
    *,
    kind: str = CommentKind.COMMENT,
    body: str = "",
    proposed_text: str = "",
    quote: str = "",
    submission_key: str | None = None,
) -> Comment:
    """Comment on a paragraph (or on the version when paragraph is None), or propose a change.

    Raises Forbidden when the author may not write or the period is not open, Invalid
    when the content is not acceptable. Sending the same form twice makes one comment.
    """
    author = _require_open(author, version)
    if paragraph is not None and paragraph.version_id != version.id:
        raise NotFound()
    if kind not in TOP_LEVEL_KINDS:
        raise Invalid(
            _("Choose what you want to do: comment, amend, delete or insert."), field="kind"
        )
    body = (body or "").strip()
    proposed_text = (
        (proposed_text or "").strip()
        if kind in (CommentKind.AMENDMENT, CommentKind.INSERTION)
        else ""
    )
    _check_content(kind, body, proposed_text, paragraph)
    quote = _check_quote(paragraph, quote)
    return _store(
        author,
        version,
        submission_key,
        paragraph_id=paragraph.id if paragraph else None,
        kind=kind,
        body=body,
        proposed_text=proposed_text,
        quote=quote,
    )


def reply(
    author: User | None, parent: Comment, *, body: str, submission_key: str | None = None
) -> Comment:
    """Answer a comment; the reply joins the thread of the comment's top-level comment."""
    author = _require_open(author, parent.version)
    if parent.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise Conflict(_("This comment can no longer be answered."))
    body = (body or "").strip()
    _check_content(CommentKind.REPLY, body, "", parent.paragraph)
    return _store(
        author,
        parent.version,
        submission_key,
        paragraph_id=parent.paragraph_id,
        parent_id=parent.id,
        root_id=parent.root_id or parent.id,
        kind=CommentKind.REPLY,
        body=body,
    )


def _require_author(actor: User | None, comment: Comment) -> User:
    if not _signed_in(actor) or comment.author_id != actor.id:  # type: ignore[union-attr]
        raise Forbidden(_("Only its author can change a comment."))
    assert actor is not None
    return actor


@dataclass(frozen=True)
class Permissions:
    """What one reader may do with one comment."""

    endorse: bool
    reply: bool
    edit: bool
    publish: bool
    report: bool
    moderate: bool


def permissions(
    viewer: User | None, version: Version, comments: Sequence[Comment]
) -> dict[int, Permissions]:
    """What the viewer may do with each comment of a version, deciding the shared part once."""
    may_write = comment_refusal(viewer, version) is None
    taking = version.is_taking_comments()
    moderator = _is_moderator(viewer)
    viewer_id = viewer.id if _signed_in(viewer) else None  # type: ignore[union-attr]
    answers = {}
    for comment in comments:
        live = comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
        published = comment.status == CommentStatus.PUBLISHED
        own = viewer_id is not None and comment.author_id == viewer_id
        answers[comment.id] = Permissions(
            endorse=may_write and published and not own,
            reply=may_write and live and (published or moderator),
            edit=own and live and taking,
            publish=moderator and comment.status == CommentStatus.PENDING,
            report=viewer_id is not None and not own and live,
            moderate=moderator,
        )
    return answers


def _permission(viewer: User | None, comment: Comment) -> Permissions:
    return permissions(viewer, comment.version, [comment])[comment.id]


def can_edit(viewer: User | None, comment: Comment) -> bool:
    return _permission(viewer, comment).edit


def edit_comment(
    actor: User | None,
    comment: Comment,
    *,
    body: str,
    proposed_text: str = "",
    quote: str = "",
    row_version: int,
) -> None:
    """Change one's own comment while the period is open.

    Raises Conflict when it changed since the form was opened. Under pre-moderation an
    edited comment waits for a moderator again.
    """
    _require_author(actor, comment)
    _require_open(actor, comment.version)
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise Conflict(_("This comment can no longer be edited."))
    if comment.row_version != row_version:
        raise Conflict(
            _(
                "This comment changed since you opened it. Its current text is shown below; "
                "make your change again."
            )
        )
    body = (body or "").strip()
    proposed_text = (
        (proposed_text or "").strip()
        if comment.kind in (CommentKind.AMENDMENT, CommentKind.INSERTION)
        else ""
    )
    _check_content(comment.kind, body, proposed_text, comment.paragraph)
    quote = _check_quote(comment.paragraph, quote) if comment.kind != CommentKind.REPLY else ""
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.proposed_text = proposed_text
    comment.quote = quote
    comment.edited_at = utcnow()
    if comment.version.moderation == ModerationMode.PRE:
        comment.status = CommentStatus.PENDING


def withdraw_comment(actor: User | None, comment: Comment) -> None:
    """Take back one's own comment; a line in the thread says it was withdrawn."""
    _require_author(actor, comment)
    if comment.status not in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        raise Conflict(_("This comment can no longer be withdrawn."))
    if not comment.version.is_taking_comments():
        raise Forbidden(_("Comments can be withdrawn only while the comment period is open."))
    comment.status = CommentStatus.WITHDRAWN
    comment.withdrawn_at = utcnow()


def can_endorse(viewer: User | None, comment: Comment) -> bool:
    return _permission(viewer, comment).endorse


def endorse(user: User | None, comment: Comment) -> Endorsement:
    """Support a comment, once. Raises Forbidden, Conflict when already endorsed."""
    user = _require_open(user, comment.version)
    if comment.author_id == user.id:
        raise Forbidden(_("You cannot endorse your own comment."))
    if comment.status != CommentStatus.PUBLISHED:
        raise Conflict(_("Only published comments can be endorsed."))
    merged_here = select(Comment.id).where(Comment.merged_into_id == comment.id)
    already = db.session.execute(
        select(Endorsement.comment_id).where(
            Endorsement.user_id == user.id,
            or_(Endorsement.comment_id == comment.id, Endorsement.comment_id.in_(merged_here)),
        )
    ).first()
    if already and already.comment_id == comment.id:
        raise Conflict(_("You have already endorsed this comment."))
    if already:
        raise Conflict(
            _("You already support this point: you endorsed a comment merged into this one.")
        )
    endorsement = Endorsement(
        comment_id=comment.id, user_id=user.id, stakeholder_group=user.stakeholder_group
    )
    savepoint = db.session.begin_nested()
    db.session.add(endorsement)
    try:
        savepoint.commit()
    except IntegrityError as error:
        savepoint.rollback()
        raise Conflict(_("You have already endorsed this comment.")) from error
    _count_endorsements(comment, +1)
    return endorsement


def _count_endorsements(comment: Comment, change: int) -> None:
    """Move the stored count in SQL, so two endorsements at once both count and the
    comment's own version counter, which guards its text, is left alone."""
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(endorsement_count=Comment.endorsement_count + change)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(comment, ["endorsement_count"])


def withdraw_endorsement(user: User | None, comment: Comment) -> None:
    user = _require_open(user, comment.version)
    removed = db.session.execute(
        delete(Endorsement).where(
            Endorsement.comment_id == comment.id, Endorsement.user_id == user.id
        )
    )
    if removed.rowcount:
        _count_endorsements(comment, -removed.rowcount)


def paragraph_text(paragraph: Paragraph | None) -> str:
    """The words of a paragraph, which amendments replace and are compared with."""
    return plain_text(paragraph.body) if paragraph is not None else ""
