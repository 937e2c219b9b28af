"""What stakeholders write: comments, proposed amendments, replies and endorsements."""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.auth.models import User
from consult.database import Base, UTCDateTime, utcnow
from consult.drafts.models import Paragraph, Version
from consult.people.naming import signature


class CommentKind(enum.StrEnum):
    COMMENT = "comment"
    AMENDMENT = "amendment"
    DELETION = "deletion"
    INSERTION = "insertion"
    REPLY = "reply"


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"


class Disposition(enum.StrEnum):
    """The answer given to a comment or proposal."""

    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    NOTED = "noted"
    NOT_ACCEPTED = "not_accepted"


DISPOSITION_LABELS = {
    Disposition.ACCEPTED: _l("Accepted"),
    Disposition.PARTIALLY_ACCEPTED: _l("Partially accepted"),
    Disposition.NOTED: _l("Noted"),
    Disposition.NOT_ACCEPTED: _l("Not accepted"),
}

# Kinds that propose a change to the text rather than only remark on it.
PROPOSAL_KINDS = frozenset({CommentKind.AMENDMENT, CommentKind.DELETION, CommentKind.INSERTION})

KIND_LABELS = {
    CommentKind.COMMENT: _l("Comment"),
    CommentKind.AMENDMENT: _l("Amendment"),
    CommentKind.DELETION: _l("Proposed deletion"),
    CommentKind.INSERTION: _l("New paragraph proposed"),
    CommentKind.REPLY: _l("Reply"),
}

STATUS_LABELS = {
    CommentStatus.PENDING: _l("Awaiting moderation"),
    CommentStatus.PUBLISHED: _l("Published"),
    CommentStatus.HIDDEN: _l("Hidden by a moderator"),
    CommentStatus.MERGED: _l("Merged"),
    CommentStatus.WITHDRAWN: _l("Withdrawn by its author"),
}


class Comment(Base):
    """A remark or proposal on a paragraph, on the version as a whole, or a reply.

    The author's name, organization, group and country are copied in when the comment is
    made, so that compilations and statistics stay true when a profile changes later.
    """

    __tablename__ = "comment"
    __table_args__ = (
        UniqueConstraint("author_id", "submission_key"),
        # Indexes chosen with bench/pages.py: each keeps a page's queries from reading the
        # rows of every comment of a busy paragraph or of the whole version.
        Index(
            "ix_comment_thread",
            "paragraph_id", "created_at", "id", "status",
            postgresql_where=text("root_id IS NULL"),
            sqlite_where=text("root_id IS NULL"),
        ),
        Index(
            "ix_comment_thread_endorsed",
            "paragraph_id", "endorsement_count", "created_at", "id", "status",
            postgresql_where=text("root_id IS NULL"),
            sqlite_where=text("root_id IS NULL"),
        ),
        Index("ix_comment_root", "root_id", "created_at"),
        Index(
            "ix_comment_version_counts",
            "version_id", "status", "paragraph_id", "kind", "root_id", "disposition",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("paragraph.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    kind: Mapped[str] = mapped_column(String(20), default=CommentKind.COMMENT)
    status: Mapped[str] = mapped_column(String(20), default=CommentStatus.PUBLISHED)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")

    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    author_organization: Mapped[str] = mapped_column(String(200))
    author_group: Mapped[str] = mapped_column(String(40))
    author_country: Mapped[str] = mapped_column(String(2))
    # Whether the secretariat had verified that the author speaks for author_organization.
    author_organization_verified: Mapped[bool] = mapped_column(default=False)

    submission_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Kept by the service beside the Endorsement rows, to sort a thread by support
    # without counting every comment's endorsements on each request.
    endorsement_count: Mapped[int] = mapped_column(default=0)

    # Moderation: the public reason given to the author when it was hidden or restored.
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Merging: a merged comment points to the one that now speaks for it; a synthesis is
    # a comment a moderator wrote to speak for several.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    is_synthesis: Mapped[bool] = mapped_column(default=False)
    # The answer to the comment, public.
    disposition: Mapped[str | None] = mapped_column(String(20))
    disposition_rationale: Mapped[str] = mapped_column(Text, default="")
    disposed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    disposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    row_version: Mapped[int] = mapped_column(default=1)

    version: Mapped[Version] = relationship()
    paragraph: Mapped[Paragraph | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    parent: Mapped[Comment | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    merged_into: Mapped[Comment | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )

    __mapper_args__ = {"version_id_col": row_version}

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.kind} {self.status} on {self.paragraph_id}>"

    @property
    def anchor(self) -> str:
        return f"c{self.id}"

    @property
    def is_proposal(self) -> bool:
        return self.kind in PROPOSAL_KINDS

    @property
    def author_label(self) -> str:
        """The name the comment is shown under (see consult.people.naming)."""
        return signature(self.author_name, self.author_organization)


class Endorsement(Base):
    """One stakeholder's support for one comment; the group is copied in when given."""

    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    stakeholder_group: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Endorsement {self.user_id} -> {self.comment_id}>"
