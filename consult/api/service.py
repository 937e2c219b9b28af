"""Personal API tokens, and the few read queries only the API needs (dispositions, threads).

Comment and draft rules stay in their own services; this module only finds and counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from consult.api.models import ApiToken
from consult.auth.models import User
from consult.auth.service import require_writer
from consult.comments.models import Comment
from consult.comments.service import Page, page_count, visible_to
from consult.database import WRITE_OPTION, utcnow
from consult.drafts.models import Paragraph, Version
from consult.errors import Forbidden, Invalid, NotFound
from consult.extensions import db

log = logging.getLogger(__name__)

TOKEN_NAME_MAX_LENGTH = 100
PREFIX_LENGTH = 8
# Live tokens one person may hold: enough for every script they run, few enough to review.
TOKENS_PER_USER = 20
# last_used_at is written at most this often, so reading the API is not a write per request.
USE_RECORDED_EVERY = dt.timedelta(minutes=1)
# What secrets.token_urlsafe(32) gives; anything else cannot be a token and is not looked up.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


# Tokens -------------------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    """Only this is stored: a leaked table gives no usable token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User | None, name: str) -> tuple[ApiToken, str]:
    """Make a token for a verified stakeholder; return it with its secret, shown only now.

    Raises Forbidden when the person may not write, Invalid for the name or too many tokens.
    """
    user = require_writer(user)
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Name the token after the program that will use it."), field="name")
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise Invalid(
            _("A token name may have at most %(n)d characters.", n=TOKEN_NAME_MAX_LENGTH),
            field="name",
        )
    live = db.session.execute(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalar_one()
    if live >= TOKENS_PER_USER:
        raise Invalid(
            _("You have %(n)d tokens already; revoke one you no longer use first.", n=live),
            field="name",
        )
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
    )
    db.session.add(token)
    db.session.flush()
    log.info("API token %s made for user %s", token.id, user.id)
    return token, secret


def list_tokens(user: User) -> list[ApiToken]:
    """The tokens a person can still use, newest first."""
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
    )


def revoke_token(user: User | None, token_id: int) -> ApiToken:
    """Stop a token from working, for good. Raises NotFound, Forbidden (another's token)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound()
    if user is None or token.user_id != user.id:
        raise Forbidden(_("Only its owner can revoke a token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        log.info("API token %s revoked by user %s", token.id, user.id)
    return token


def authenticate(secret: str) -> User | None:
    """The active owner of a live token with this secret, or None, in one query."""
    if not SECRET_PATTERN.match(secret or ""):
        return None
    token = db.session.execute(
        select(ApiToken)
        .join(ApiToken.user)
        .options(contains_eager(ApiToken.user))
        .where(ApiToken.secret_hash == hash_secret(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    _record_use(token)
    return token.user


def _record_use(token: ApiToken) -> None:
    """Note when the token was last used, at most once a minute.

    A request that writes already holds the write transaction (begin_write), so the note
    joins it. A request that reads writes it in a short transaction of its own: turning the
    read into a write would fail on SQLite under concurrent writers. (So a caller that
    writes must call begin_write first, as every write request does: on SQLite the note
    would otherwise wait for the caller's own lock.) It is only a note, so a failure is
    logged, not raised.
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return
    statement = (
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if db.session.connection().get_execution_options().get(WRITE_OPTION):
        db.session.execute(statement)
    else:
        try:
            with db.engine.connect() as connection:
                connection.execution_options(**{WRITE_OPTION: True})
                with connection.begin():
                    connection.execute(statement)
        except OperationalError:
            log.warning("could not note the use of API token %s", token.id, exc_info=True)
            return
    set_committed_value(token, "last_used_at", now)


# Reading what only the API lists -------------------------------------------------------------


def dispositions(version: Version, viewer: User | None, *, page: int, per_page: int) -> Page:
    """The answered top-level comments of a version, in the order of the text (general
    comments first), that the viewer may see. A page past the last gives the last."""
    where = (
        Comment.version_id == version.id,
        Comment.root_id.is_(None),
        Comment.disposition.is_not(None),
        visible_to(viewer),
    )
    total = db.session.execute(
        select(func.count()).select_from(Comment).where(*where)
    ).scalar_one()
    page = min(max(1, page), page_count(total, per_page))
    items = list(
        db.session.execute(
            select(Comment)
            .outerjoin(Comment.paragraph)
            .options(contains_eager(Comment.paragraph))
            .where(*where)
            .order_by(
                case((Comment.paragraph_id.is_(None), 0), else_=1),
                Paragraph.position,
                Comment.created_at,
                Comment.id,
            )
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    for comment in items:
        set_committed_value(comment, "version", version)
    return Page(items=items, total=total, page=page, per_page=per_page)


def reply_counts(comment_ids: Sequence[int], viewer: User | None) -> dict[int, int]:
    """How many replies the viewer may see in each of these comments' threads."""
    if not comment_ids:
        return {}
    rows = db.session.execute(
        select(Comment.root_id, func.count())
        .where(Comment.root_id.in_(comment_ids), visible_to(viewer))
        .group_by(Comment.root_id)
    )
    return dict(rows.all())


def merged_counts(comment_ids: Sequence[int]) -> dict[int, int]:
    """How many comments were merged into each of these."""
    if not comment_ids:
        return {}
    rows = db.session.execute(
        select(Comment.merged_into_id, func.count())
        .where(Comment.merged_into_id.in_(comment_ids))
        .group_by(Comment.merged_into_id)
    )
    return dict(rows.all())


def load_thread_of(comment: Comment, viewer: User | None) -> list[Comment]:
    """The replies below a comment that the viewer may see, oldest first: the whole thread
    under a top-level comment, the answers to it (at any depth) under a reply."""
    root_id = comment.root_id or comment.id
    thread = list(
        db.session.execute(
            select(Comment)
            .where(Comment.root_id == root_id, visible_to(viewer))
            .order_by(Comment.created_at, Comment.id)
        ).scalars()
    )
    if comment.root_id is None:
        return thread
    below = {comment.id}
    answers = []
    for item in thread:
        if item.parent_id in below:
            below.add(item.id)
            answers.append(item)
    return answers


def submitted_before(author: User, submission_key: str | None) -> bool:
    """Whether this author already sent a comment under this key (the service then gives
    that comment back rather than making another; the API answers 200 instead of 201)."""
    if not submission_key:
        return False
    return (
        db.session.execute(
            select(Comment.id).where(
                Comment.author_id == author.id, Comment.submission_key == submission_key
            )
        ).first()
        is not None
    )
