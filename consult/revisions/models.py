"""Making the next version: the secretariat's decision on each accepted proposal."""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import Base, UTCDateTime


class ChangeDecision(enum.StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    EDITED = "edited"
    SKIPPED = "skipped"


DECISION_LABELS = {
    ChangeDecision.PENDING: _l("Waiting for a decision"),
    ChangeDecision.APPLIED: _l("Applied"),
    ChangeDecision.EDITED: _l("Applied as edited"),
    ChangeDecision.SKIPPED: _l("Skipped"),
}


class RevisionChange(Base):
    """The secretariat's decision on one accepted proposal while making a revision.

    The proposal (an amendment, deletion or insertion on the version revised from) is
    applied as proposed, applied as edited, or skipped; result_text is what went in.
    """

    __tablename__ = "revision_change"
    __table_args__ = (UniqueConstraint("version_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"))
    lineage_key: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(10), default=ChangeDecision.PENDING)
    result_text: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<RevisionChange {self.comment_id} -> {self.version_id} {self.decision}>"
