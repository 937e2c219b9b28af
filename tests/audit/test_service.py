"""The audit trail through the service layer: the chain, its checks, and reading it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time

import pytest
from sqlalchemy import delete, select, text, update

from consult.audit import service as audit
from consult.audit.models import AuditEvent
from consult.database import utcnow
from consult.drafts.models import Paragraph
from consult.errors import Forbidden
from consult.extensions import begin_write, db


def _record_some(actor, n: int = 5) -> list[AuditEvent]:
    made = [
        audit.record(
            actor,
            "comment.hide",
            "comment",
            100 + i,
            before={"status": "published"},
            after={"status": "hidden", "moderation_reason": f"reason {i}"},
        )
        for i in range(n)
    ]
    db.session.commit()
    return made


def _raw(sql: str, **params) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    db.session.execute(text(sql), params)
    db.session.commit()


# Recording ------------------------------------------------------------------------------


def test_events_form_a_chain(secretariat):
    first, second, third = _record_some(secretariat, 3)
    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]
    assert first.previous_hash == audit.GENESIS
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    assert all(e.hash == audit.digest(e) for e in (first, second, third))
    assert (first.actor_id, first.actor_name) == (secretariat.id, "Olena Kravets")
    assert audit.count() == 3


def test_an_event_without_actor_is_the_systems(app):
    entry = audit.record(None, "version.close", "version", 1)
    db.session.commit()
    assert (entry.actor_id, entry.actor_name) == (None, "")


def test_the_hash_survives_the_round_trip_through_the_database(secretariat):
    entry = audit.record(
        secretariat,
        "paragraph.update",
        "paragraph",
        7,
        before={"body": "Réaffirme « la vision »", "position": 3, "parent_id": None},
        after={"body": "يؤكد من جديد", "position": 3, "parent_id": 2},
    )
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEvent, entry.id)
    assert audit.digest(stored) == stored.hash
    assert audit.verify().intact


def test_state_gives_json_values(version):
    snapshot = audit.state(version, ["label", "status", "opens_at", "closes_at", "row_version"])
    assert snapshot["label"] == "Zero draft"
    assert snapshot["status"] == "open"
    assert isinstance(snapshot["opens_at"], str)
    assert dt.datetime.fromisoformat(snapshot["opens_at"]) == version.opens_at
    json.dumps(snapshot)


# The chain's check ------------------------------------------------------------------------


def test_an_empty_trail_is_intact(app):
    check = audit.verify()
    assert check.intact and check.events == 0 and check.broken_at is None


def test_an_untouched_chain_is_intact(secretariat):
    _record_some(secretariat, 6)
    check = audit.verify()
    assert check.intact
    assert check.events == 6
    assert check.reason == ""


def test_changing_what_an_event_says_is_found(secretariat):
    _record_some(secretariat, 5)
    _raw(
        'UPDATE audit_event SET "after" = :after WHERE sequence = 3',
        after=json.dumps({"status": "published", "moderation_reason": ""}),
    )
    check = audit.verify()
    assert not check.intact
    assert check.broken_at.sequence == 3
    assert check.reason == "its content does not match its hash"
    assert check.events == 3


def test_changing_who_did_it_is_found(secretariat, moderator):
    _record_some(secretariat, 3)
    _raw("UPDATE audit_event SET actor_name = 'Someone else' WHERE sequence = 1")
    check = audit.verify()
    assert (check.broken_at.sequence, check.reason) == (1, "its content does not match its hash")


def test_removing_an_event_names_the_next_one(secretariat):
    _record_some(secretariat, 5)
    _raw("DELETE FROM audit_event WHERE sequence = 2")
    check = audit.verify()
    assert check.broken_at.sequence == 3
    assert check.reason == "event 2 is missing"


def test_removing_the_first_event_is_found(secretariat):
    _record_some(secretariat, 3)
    _raw("DELETE FROM audit_event WHERE sequence = 1")
    check = audit.verify()
    assert (check.broken_at.sequence, check.reason) == (2, "event 1 is missing")


def test_a_new_hash_and_a_new_link_to_it_are_found(secretariat):
    _record_some(secretariat, 4)
    forged = "f" * 64
    _raw("UPDATE audit_event SET hash = :h WHERE sequence = 2", h=forged)
    _raw("UPDATE audit_event SET previous_hash = :h WHERE sequence = 3", h=forged)
    check = audit.verify()
    assert (check.broken_at.sequence, check.reason) == (2, "its content does not match its hash")


def test_a_changed_event_rehashed_and_relinked_breaks_the_next_one(secretariat):
    """Recomputing the changed event's hash is not enough: the next event covers it."""
    _record_some(secretariat, 4)
    entry = db.session.execute(select(AuditEvent).where(AuditEvent.sequence == 2)).scalar_one()
    forged_after = {"status": "published", "moderation_reason": ""}
    content = {
        "sequence": entry.sequence,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": forged_after,
        "previous_hash": entry.previous_hash,
    }
    forged_hash = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
    _raw(
        'UPDATE audit_event SET "after" = :after, hash = :h WHERE sequence = 2',
        after=json.dumps(forged_after),
        h=forged_hash,
    )
    _raw("UPDATE audit_event SET previous_hash = :h WHERE sequence = 3", h=forged_hash)
    check = audit.verify()
    assert (check.broken_at.sequence, check.reason) == (3, "its content does not match its hash")


def test_a_link_to_the_wrong_event_is_found(secretariat):
    _record_some(secretariat, 4)
    first_hash = db.session.execute(
        select(AuditEvent.hash).where(AuditEvent.sequence == 1)
    ).scalar_one()
    _raw("UPDATE audit_event SET previous_hash = :h WHERE sequence = 3", h=first_hash)
    check = audit.verify()
    assert (check.broken_at.sequence, check.reason) == (3, "it does not follow the event before it")


# The application never changes an event -------------------------------------------------


def test_the_session_refuses_to_change_an_event(secretariat):
    entry = _record_some(secretariat, 2)[0]
    entry.after = {"status": "published"}
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert audit.verify().intact


def test_the_session_refuses_to_remove_an_event(secretariat):
    entry = _record_some(secretariat, 2)[1]
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert audit.count() == 2


def test_bulk_statements_through_the_session_are_refused(secretariat):
    _record_some(secretariat, 2)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.execute(update(AuditEvent).values(actor_name="Nobody"))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.execute(delete(AuditEvent).where(AuditEvent.sequence == 2))
    db.session.rollback()
    assert audit.verify().intact and audit.count() == 2


# Writers at the same time ----------------------------------------------------------------

THREADS = 4
EACH = 20


def test_writers_at_the_same_time_make_one_chain(app):
    """Each thread appends its events in one transaction while the others do the same."""
    db.session.commit()
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def append(n: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                begin_write()
                for i in range(EACH):
                    audit.record(None, "test.concurrent", "thread", n, after={"i": i})
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (the test reports it below)
            failures.append(error)

    began = time.monotonic()
    threads = [threading.Thread(target=append, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures
    assert time.monotonic() - began < 10
    sequences = db.session.execute(
        select(AuditEvent.sequence).order_by(AuditEvent.sequence)
    ).scalars().all()
    assert sequences == list(range(1, THREADS * EACH + 1))
    # Each transaction's events are consecutive: writers took turns, not interleaved.
    owners = db.session.execute(
        select(AuditEvent.object_id).order_by(AuditEvent.sequence)
    ).scalars().all()
    runs = [owners[i : i + EACH] for i in range(0, len(owners), EACH)]
    assert all(len(set(run)) == 1 for run in runs)
    check = audit.verify()
    assert check.intact and check.events == THREADS * EACH


# Reading the log ---------------------------------------------------------------------------


def test_only_the_secretariat_reads_the_log(stakeholder, moderator, secretariat):
    for viewer in (None, stakeholder, moderator):
        with pytest.raises(Forbidden):
            audit.log(viewer)
    assert audit.log(secretariat).total == 0


def test_the_log_is_newest_first_in_pages(secretariat):
    _record_some(secretariat, 55)
    first = audit.log(secretariat)
    assert (first.total, first.pages, first.page) == (55, 2, 1)
    assert [e.sequence for e in first.items] == list(range(55, 5, -1))
    second = audit.log(secretariat, page=2)
    assert [e.sequence for e in second.items] == [5, 4, 3, 2, 1]
    assert audit.log(secretariat, page=99).page == 2
    assert audit.log(secretariat, page=-3).page == 1


def test_the_log_filters(monkeypatch, secretariat, moderator):
    days = iter(
        dt.datetime(2026, 11, d, h, tzinfo=dt.UTC) for d, h in ((1, 9), (2, 23), (3, 0), (4, 12))
    )
    monkeypatch.setattr(audit, "utcnow", lambda: next(days))
    audit.record(secretariat, "version.open", "version", 1)
    audit.record(moderator, "comment.hide", "comment", 5)
    audit.record(moderator, "comment.publish", "comment", 6)
    audit.record(secretariat, "paragraph.update", "paragraph", 5)
    db.session.commit()

    def sequences(**filters) -> list[int]:
        found = audit.log(secretariat, audit.LogFilter(**filters))
        return [e.sequence for e in found.items]

    assert sequences() == [4, 3, 2, 1]
    assert sequences(actor="tomás") == [3, 2]
    assert sequences(actor="KRAV") == [4, 1]
    assert sequences(actor="%") == []
    assert sequences(action="comment.hide") == [2]
    assert sequences(object_type="comment") == [3, 2]
    assert sequences(object_id=5) == [4, 2]
    assert sequences(object_type="comment", object_id=5) == [2]
    assert sequences(date_from=dt.date(2026, 11, 2)) == [4, 3, 2]
    assert sequences(date_to=dt.date(2026, 11, 2)) == [2, 1]
    assert sequences(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 3)) == [3, 2]


def test_the_filter_menus_offer_what_happened(secretariat):
    audit.record(secretariat, "version.open", "version", 1)
    audit.record(secretariat, "comment.hide", "comment", 1)
    audit.record(secretariat, "comment.hide", "comment", 2)
    assert audit.choices() == audit.Choices(
        actions=["comment.hide", "version.open"], object_types=["comment", "version"]
    )


def test_the_history_of_an_object_is_its_own_events_oldest_first(secretariat):
    audit.record(secretariat, "comment.hide", "comment", 1)
    audit.record(secretariat, "comment.hide", "comment", 2)
    audit.record(secretariat, "paragraph.update", "paragraph", 1)
    audit.record(secretariat, "comment.restore", "comment", 1)
    history = audit.history_of("comment", 1)
    assert [(e.sequence, e.action) for e in history] == [
        (1, "comment.hide"),
        (4, "comment.restore"),
    ]
    assert audit.history_of("comment", 3) == []


def test_changes_are_only_the_fields_that_differ(secretariat):
    entry = audit.record(
        secretariat,
        "version.update",
        "version",
        1,
        before={"label": "Zero draft", "status": "draft", "opens_at": None},
        after={"label": "Zero draft", "status": "open", "opens_at": "2026-11-28T09:00:00+00:00"},
    )
    assert audit.changes(entry) == [
        audit.Change("status", "draft", "open"),
        audit.Change("opens_at", None, "2026-11-28T09:00:00+00:00"),
    ]
    created = audit.record(
        secretariat, "consultation.create", "consultation", 1, after={"a": 1, "summary": ""}
    )
    assert audit.changes(created) == [audit.Change("a", None, 1)]
    assert audit.changes(audit.record(secretariat, "x.y", "x", None)) == []


def test_the_objects_events_name_are_loaded_together(version, secretariat, count_queries):
    paragraph = db.session.execute(
        select(Paragraph).where(Paragraph.version_id == version.id, Paragraph.position == 4)
    ).scalar_one()
    events = [
        audit.record(secretariat, "a", "consultation", version.consultation_id),
        audit.record(secretariat, "b", "version", version.id),
        audit.record(secretariat, "c", "paragraph", paragraph.id),
        audit.record(secretariat, "d", "paragraph", 99_999),
        audit.record(secretariat, "e", "comment", 3),
    ]
    db.session.commit()
    events = audit.log(secretariat).items  # as the log page has them: nothing else loaded
    with count_queries() as counter:
        found = audit.objects_of(events)
        assert found["version", version.id].consultation.slug == "wsis20"
        assert found["paragraph", paragraph.id].version.consultation.slug == "wsis20"
        assert found["consultation", version.consultation_id].slug == "wsis20"
    assert ("paragraph", 99_999) not in found and ("comment", 3) not in found
    assert counter.count == 3


def test_a_broken_chain_reports_the_time_of_the_event(secretariat):
    _record_some(secretariat, 2)
    _raw("UPDATE audit_event SET action = 'comment.publish' WHERE sequence = 2")
    check = audit.verify()
    assert check.broken_at.created_at <= utcnow()
    assert check.broken_at.action == "comment.publish"
