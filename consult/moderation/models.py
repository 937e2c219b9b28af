"""What moderators keep beside the comments: reports, private remarks, merges."""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.comments.models import Comment
from consult.database import Base, UTCDateTime, utcnow


class ReportReason(enum.StrEnum):
    ABUSE = "abuse"
    SPAM = "spam"
    OFF_TOPIC = "off_topic"


REPORT_LABELS = {
    ReportReason.ABUSE: _l("Abusive or offensive"),
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.OFF_TOPIC: _l("Off topic"),
}


class Report(Base):
    """A reader's flag on a comment; it puts the comment in the moderation queue."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Report {self.reason} on {self.comment_id} by {self.reporter_id}>"


class ModeratorRemark(Base):
    """A note moderators leave each other on a comment; never shown to its author."""

    __tablename__ = "moderator_remark"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<ModeratorRemark on {self.comment_id} by {self.author_id}>"


class Merge(Base):
    """Several comments folded into one (the canonical comment), which can be undone."""

    __tablename__ = "merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    # The canonical comment is a synthesis this merge made (and unmerging removes).
    made_synthesis: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    canonical: Mapped[Comment] = relationship(foreign_keys=[canonical_id])
    members: Mapped[list[MergeMember]] = relationship(
        back_populates="merge", order_by="MergeMember.id"
    )

    def __repr__(self) -> str:
        return f"<Merge {self.id} into {self.canonical_id}>"


class MergeMember(Base):
    """One comment folded by a merge, with the state it had, to restore it exactly."""

    __tablename__ = "merge_member"
    __table_args__ = (UniqueConstraint("merge_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("merge.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    previous_status: Mapped[str] = mapped_column(String(20))
    previous_merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))

    merge: Mapped[Merge] = relationship(back_populates="members")
    comment: Mapped[Comment] = relationship(foreign_keys=[comment_id])

    def __repr__(self) -> str:
        return f"<MergeMember {self.comment_id} of merge {self.merge_id}>"


class DismissedSuggestion(Base):
    """A group of look-alike comments a moderator said are not duplicates."""

    __tablename__ = "dismissed_suggestion"
    __table_args__ = (UniqueConstraint("paragraph_id", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraph.id", ondelete="CASCADE"))
    # The sorted ids of the comments in the group, "12,40,41".
    signature: Mapped[str] = mapped_column(String(1000))
    dismissed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<DismissedSuggestion {self.signature} on {self.paragraph_id}>"
