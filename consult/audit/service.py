"""The audit trail: record every moderation and secretariat action; check the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Row, event, func, select, text
from sqlalchemy.orm import ORMExecuteState, Session, contains_eager

from consult.audit.models import AuditEvent
from consult.auth.models import User
from consult.database import utcnow
from consult.drafts.models import Consultation, Paragraph, Version
from consult.errors import Forbidden
from consult.extensions import db

GENESIS = "0" * 64
# Any number will do: it names the one PostgreSQL advisory lock that orders the chain.
CHAIN_LOCK = 7_231_947


def state(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of an object as JSON values, for an event's before and after."""
    found: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | bool | float):
            value = str(value)
        found[name] = value
    return found


def _content(event_: AuditEvent | Row[Any]) -> bytes:
    """The bytes an event's hash covers: everything it says, and the previous hash."""
    return json.dumps(
        {
            "sequence": event_.sequence,
            "created_at": event_.created_at.isoformat(),
            "actor_id": event_.actor_id,
            "actor_name": event_.actor_name,
            "action": event_.action,
            "object_type": event_.object_type,
            "object_id": event_.object_id,
            "before": event_.before,
            "after": event_.after,
            "previous_hash": event_.previous_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def digest(event_: AuditEvent) -> str:
    """The SHA-256 of an event's content, as stored in its hash."""
    return hashlib.sha256(_content(event_)).hexdigest()


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain, within the caller's transaction.

    Writers take turns: on PostgreSQL an advisory lock held to the end of the
    transaction, on SQLite the write transaction itself (BEGIN IMMEDIATE). The unique
    sequence number refuses a fork that slipped through anyway.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = db.session.execute(
        select(AuditEvent.sequence, AuditEvent.hash).order_by(AuditEvent.sequence.desc()).limit(1)
    ).first()
    entry = AuditEvent(
        sequence=(last.sequence + 1) if last else 1,
        created_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.name if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        previous_hash=last.hash if last else GENESIS,
    )
    entry.hash = digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    """How far verify() got: events checked, and the first that does not match, and why."""

    events: int
    broken_at: AuditEvent | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


# Events are checked this many at a time: bounded memory, and no server-side cursor (which
# PostgreSQL refuses outside a transaction, as in the read-only requests).
VERIFY_BATCH = 2000


def verify() -> ChainCheck:
    """Recompute every hash in order; name the first event that does not match.

    It reads the columns the hash covers, not whole events, and loads as an event only the
    one it names.
    """
    previous_hash = GENESIS
    expected_sequence = 1
    checked = 0
    last_sequence: int | None = None
    while True:
        query = select(
            AuditEvent.id,
            AuditEvent.sequence,
            AuditEvent.created_at,
            AuditEvent.actor_id,
            AuditEvent.actor_name,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.before,
            AuditEvent.after,
            AuditEvent.previous_hash,
            AuditEvent.hash,
        ).order_by(AuditEvent.sequence)
        if last_sequence is not None:
            query = query.where(AuditEvent.sequence > last_sequence)
        rows = db.session.execute(query.limit(VERIFY_BATCH)).all()
        for row in rows:
            checked += 1
            reason = ""
            if row.sequence != expected_sequence:
                reason = _("event %(n)d is missing", n=expected_sequence)
            elif row.previous_hash != previous_hash:
                reason = _("it does not follow the event before it")
            elif hashlib.sha256(_content(row)).hexdigest() != row.hash:
                reason = _("its content does not match its hash")
            if reason:
                # What the database holds now, not what this session read before.
                broken = db.session.get(AuditEvent, row.id, populate_existing=True)
                return ChainCheck(checked, broken, reason)
            previous_hash = row.hash
            expected_sequence += 1
        if len(rows) < VERIFY_BATCH:
            return ChainCheck(checked)
        last_sequence = rows[-1].sequence


def count() -> int:
    """How many events the trail holds."""
    return db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context: object, _instances: object) -> None:
    """The application never changes or removes an audit event."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("audit events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes(state_: ORMExecuteState) -> None:
    """Nor through a bulk update(AuditEvent) or delete(AuditEvent), which skip the flush."""
    if (state_.is_update or state_.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state_.all_mappers
    ):
        raise RuntimeError("audit events are append-only")


# Reading the trail ----------------------------------------------------------------------

PER_PAGE = 50


def _require_secretariat(viewer: User | None) -> User:
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    if viewer is None or not signed_in or not viewer.is_secretariat:
        raise Forbidden(_("Only the secretariat can read the audit log."))
    return viewer


@dataclass(frozen=True)
class LogFilter:
    """What the secretariat narrowed the log to; empty fields do not filter.

    Dates are whole UTC days, both ends included.
    """

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class LogPage:
    """One page of the log, newest first."""

    items: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _conditions(filters: LogFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.actor.strip():
        conditions.append(AuditEvent.actor_name.icontains(filters.actor.strip(), autoescape=True))
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.object_type:
        conditions.append(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        conditions.append(AuditEvent.object_id == filters.object_id)
    if filters.date_from is not None:
        conditions.append(AuditEvent.created_at >= _day_start(filters.date_from))
    if filters.date_to is not None:
        conditions.append(
            AuditEvent.created_at < _day_start(filters.date_to + dt.timedelta(days=1))
        )
    return conditions


def log(
    viewer: User | None, filters: LogFilter | None = None, page: int = 1, per_page: int = PER_PAGE
) -> LogPage:
    """One page of the events that match, newest first, in two queries whatever the page
    holds (actors are named by the snapshot each event keeps). Raises Forbidden.
    """
    _require_secretariat(viewer)
    conditions = _conditions(filters or LogFilter())
    total = db.session.execute(
        select(func.count()).select_from(AuditEvent).where(*conditions)
    ).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = list(
        db.session.execute(
            select(AuditEvent)
            .where(*conditions)
            .order_by(AuditEvent.sequence.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    return LogPage(items, total, page, per_page)


@dataclass(frozen=True)
class Choices:
    """The actions and object types present in the trail, for the log's filter menus."""

    actions: list[str] = field(default_factory=list)
    object_types: list[str] = field(default_factory=list)


def choices() -> Choices:
    """What the filter menus offer: only what has happened, so no option finds nothing."""
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.object_type).distinct()
    ).all()
    return Choices(
        actions=sorted({row.action for row in rows}),
        object_types=sorted({row.object_type for row in rows}),
    )


def history_of(object_type: str, object_id: int) -> list[AuditEvent]:
    """Everything recorded about one object, oldest first, for its own page.

    It does not check who is asking: the page that shows it decides who may see it.
    """
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.sequence)
        ).scalars()
    )


def objects_of(events: Sequence[AuditEvent]) -> dict[tuple[str, int], Any]:
    """The consultations, versions and paragraphs that events name and that still exist,
    with what their links need loaded, in one query per kind (none for a kind not named).
    """
    wanted: dict[str, set[int]] = {}
    for entry in events:
        if entry.object_id is not None:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    found: dict[tuple[str, int], Any] = {}
    if wanted.get("consultation"):
        for consultation in db.session.execute(
            select(Consultation).where(Consultation.id.in_(wanted["consultation"]))
        ).scalars():
            found["consultation", consultation.id] = consultation
    if wanted.get("version"):
        for version in db.session.execute(
            select(Version)
            .join(Version.consultation)
            .options(contains_eager(Version.consultation))
            .where(Version.id.in_(wanted["version"]))
        ).scalars():
            found["version", version.id] = version
    if wanted.get("paragraph"):
        for paragraph in db.session.execute(
            select(Paragraph)
            .join(Paragraph.version)
            .join(Version.consultation)
            .options(contains_eager(Paragraph.version).contains_eager(Version.consultation))
            .where(Paragraph.id.in_(wanted["paragraph"]))
        ).scalars():
            found["paragraph", paragraph.id] = paragraph
    return found


@dataclass(frozen=True)
class Change:
    """One field an event changed, with its value before and after (None: absent)."""

    field: str
    before: Any
    after: Any


def changes(event_: AuditEvent) -> list[Change]:
    """Only the fields whose value differs between before and after, in recorded order.

    An empty text counts as no value, so a new object lists only what it was given.
    """
    before = event_.before or {}
    after = event_.after or {}
    names = dict.fromkeys([*before, *after])
    return [
        Change(name, before.get(name), after.get(name))
        for name in names
        if _filled(before.get(name)) != _filled(after.get(name))
    ]


def _filled(value: Any) -> Any:
    return None if value == "" else value
