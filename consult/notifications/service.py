"""Telling authors what happened to their input: in the application and by email."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from consult.auth.models import User
from consult.comments.models import Comment
from consult.database import utcnow
from consult.extensions import db
from consult.mail import queue_email
from consult.notifications.models import Notification


def notify(user: User, kind: str, message: str, comment: Comment | None = None) -> Notification:
    """Tell someone something about their input: a notification, and an email after commit."""
    if comment is not None and comment.id is None:
        db.session.flush()
    notice = Notification(
        user_id=user.id, comment_id=comment.id if comment else None, kind=kind, message=message
    )
    db.session.add(notice)
    if not user.active:
        return notice
    first_line = (message.splitlines() or [""])[0].strip()[:80]
    body = _("Dear %(name)s,", name=user.name) + "\n\n" + message + "\n\n"
    if comment is not None:
        body += url_for("comments.comment", comment_id=comment.id, _external=True) + "\n\n"
    body += _("Your notifications: %(list)s", list=url_for("notifications.index", _external=True))
    queue_email(user.email, _("About your input on consult: %(what)s", what=first_line), body)
    return notice


def unread_count(user: User) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def latest(user: User, limit: int = 50) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
