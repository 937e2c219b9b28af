"""Consultations, their versions, and the paragraphs of each version."""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import Base, UTCDateTime, new_key, utcnow


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    FINAL = "final"


class ModerationMode(enum.StrEnum):
    PRE = "pre"
    POST = "post"


class ParagraphKind(enum.StrEnum):
    HEADING = "heading"
    PREAMBULAR = "preambular"
    OPERATIVE = "operative"
    TEXT = "text"


STATUS_LABELS = {
    VersionStatus.DRAFT: _l("Draft (not published)"),
    VersionStatus.OPEN: _l("Open for comments"),
    VersionStatus.CLOSED: _l("Closed"),
    VersionStatus.FINAL: _l("Final"),
}

MODERATION_LABELS = {
    ModerationMode.PRE: _l("Comments are published after moderation"),
    ModerationMode.POST: _l("Comments are published at once and moderated afterwards"),
}

KIND_LABELS = {
    ParagraphKind.HEADING: _l("Heading"),
    ParagraphKind.PREAMBULAR: _l("Preambular paragraph"),
    ParagraphKind.OPERATIVE: _l("Operative paragraph"),
    ParagraphKind.TEXT: _l("Text"),
}


class Consultation(Base):
    """One outcome document under consultation, through all its versions."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[Version]] = relationship(
        back_populates="consultation", order_by="Version.number"
    )

    def __repr__(self) -> str:
        return f"<Consultation {self.slug}>"


class Version(Base):
    """One revision of the text ("Zero draft", "Rev.1", ...) and its comment period."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    number: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(100))
    document_symbol: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default=VersionStatus.DRAFT)
    moderation: Mapped[str] = mapped_column(String(10), default=ModerationMode.POST)
    opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The version this one was revised from (its paragraphs carry the same lineage keys).
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    row_version: Mapped[int] = mapped_column(default=1)

    consultation: Mapped[Consultation] = relationship(back_populates="versions")
    based_on: Mapped[Version | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": row_version}

    def __repr__(self) -> str:
        return f"<Version {self.consultation_id}/{self.number} {self.label!r} {self.status}>"

    @property
    def is_published(self) -> bool:
        return self.status != VersionStatus.DRAFT

    def is_taking_comments(self, now: dt.datetime | None = None) -> bool:
        """Comments are taken only while the version is open and inside its period."""
        now = now or utcnow()
        if self.status != VersionStatus.OPEN:
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at


class Paragraph(Base):
    """One provision of a version: a heading, a preambular or operative paragraph, or text.

    Its position orders it within the version and names its permalink (#p<position>);
    its lineage key stays the same in every later version of the same paragraph.
    """

    __tablename__ = "paragraph"
    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        UniqueConstraint("version_id", "lineage_key"),
        Index("ix_paragraph_lineage_key", "lineage_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("paragraph.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=ParagraphKind.TEXT)
    number_label: Mapped[str] = mapped_column(String(30), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    lineage_key: Mapped[str] = mapped_column(String(32), default=new_key)
    row_version: Mapped[int] = mapped_column(default=1)

    version: Mapped[Version] = relationship()
    parent: Mapped[Paragraph | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": row_version}

    def __repr__(self) -> str:
        return f"<Paragraph {self.version_id}#{self.position} {self.kind} {self.number_label!r}>"

    @property
    def anchor(self) -> str:
        return f"p{self.position}"

