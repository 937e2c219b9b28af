"""Accounts: who may read, write, moderate and run a consultation."""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    STAKEHOLDER = "stakeholder"
    MODERATOR = "moderator"
    SECRETARIAT = "secretariat"


class StakeholderGroup(enum.StrEnum):
    """The six WSIS stakeholder groups."""

    GOVERNMENT = "government"
    PRIVATE_SECTOR = "private_sector"
    CIVIL_SOCIETY = "civil_society"
    ACADEMIA = "academia"
    TECHNICAL_COMMUNITY = "technical_community"
    INTERNATIONAL_ORGANIZATION = "international_organization"


ROLE_LABELS = {
    Role.STAKEHOLDER: _l("Stakeholder"),
    Role.MODERATOR: _l("Moderator"),
    Role.SECRETARIAT: _l("Secretariat"),
}

GROUP_LABELS = {
    StakeholderGroup.GOVERNMENT: _l("Government"),
    StakeholderGroup.PRIVATE_SECTOR: _l("Private sector"),
    StakeholderGroup.CIVIL_SOCIETY: _l("Civil society"),
    StakeholderGroup.ACADEMIA: _l("Academia"),
    StakeholderGroup.TECHNICAL_COMMUNITY: _l("Technical community"),
    StakeholderGroup.INTERNATIONAL_ORGANIZATION: _l("International organization"),
}


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str] = mapped_column(String(200))
    stakeholder_group: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(20), default=Role.STAKEHOLDER)
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Bumped when the password changes: it is part of the session id, so every session
    # and "remember me" cookie issued before the change stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Second factor (TOTP). The last time step used is kept so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column()
    # The secretariat vouches that the person speaks for the organization they name;
    # changing the organization withdraws it.
    organization_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    organization_verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    # An account its owner deleted: the row stays (comments, endorsements and the audit
    # trail point to it) but holds nothing that names the person.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    def get_id(self) -> str:
        return f"{self.id}.{self.session_epoch}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_moderator(self) -> bool:
        """Moderators and the secretariat see and act on everything in the queue."""
        return self.role in (Role.MODERATOR, Role.SECRETARIAT)

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def group_label(self) -> str:
        return str(GROUP_LABELS.get(StakeholderGroup(self.stakeholder_group), ""))


class RecoveryCode(Base):
    """A one-time code that stands in for the second factor when the device is lost.
    Only a hash is kept; the codes are shown once, when they are made."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
