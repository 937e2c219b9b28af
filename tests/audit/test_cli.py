"""`flask consult verify-audit`: the hash chain checked from the command line."""

from __future__ import annotations

from sqlalchemy import select, text

from consult.audit import service as audit
from consult.audit.models import AuditEvent
from consult.extensions import db


def _record(actor, n: int) -> None:
    for i in range(n):
        audit.record(actor, "comment.hide", "comment", 10 + i, after={"status": "hidden"})
    db.session.commit()


def test_an_intact_chain(runner, secretariat):
    _record(secretariat, 4)
    result = runner.invoke(args=["consult", "verify-audit"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "4 audit events checked: the chain is intact."


def test_an_empty_trail_is_intact(runner):
    result = runner.invoke(args=["consult", "verify-audit"])
    assert result.exit_code == 0
    assert "0 audit events checked: the chain is intact." in result.output


def test_a_changed_event_is_named(runner, secretariat):
    _record(secretariat, 4)
    db.session.execute(
        text('UPDATE audit_event SET "after" = :after WHERE sequence = 3'),
        {"after": '{"status": "published"}'},
    )
    db.session.commit()
    when = db.session.execute(
        select(AuditEvent.created_at).where(AuditEvent.sequence == 3)
    ).scalar_one()
    result = runner.invoke(args=["consult", "verify-audit"])
    assert result.exit_code == 1
    assert "3 audit events checked: the chain is broken at event 3" in result.output
    assert "comment.hide on comment 12" in result.output
    assert "its content does not match its hash." in result.output
    assert f"({when.isoformat()}, comment.hide on comment 12)" in result.output
    assert "intact" not in result.output


def test_a_removed_event_is_named_by_the_next(runner, secretariat):
    _record(secretariat, 4)
    db.session.execute(text("DELETE FROM audit_event WHERE sequence = 2"))
    db.session.commit()
    result = runner.invoke(args=["consult", "verify-audit"])
    assert result.exit_code == 1
    assert "broken at event 3" in result.output
    assert "event 2 is missing" in result.output
