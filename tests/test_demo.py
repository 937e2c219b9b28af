"""`flask consult demo`: the WSIS+20 consultation a newcomer sees after `make run`."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.auth.models import GROUP_LABELS, User
from consult.comments.models import Comment, Endorsement
from consult.drafts.models import Paragraph, Version
from consult.extensions import db


def test_the_demo_loads_an_open_consultation_with_input_from_every_group(runner, client):
    result = runner.invoke(args=["consult", "demo"])
    assert result.exit_code == 0, result.output
    for role in ("secretariat", "moderator", "stakeholder"):
        assert f"  {role} " in result.output
    assert "demo-secretariat" in result.output and "/c/wsis20-forum/v/1" in result.output

    version = db.session.execute(select(Version)).scalar_one()
    assert version.status == "open" and version.is_taking_comments()
    assert version.document_symbol == "WSIS+20/FORUM/2027/L.1"
    kinds = dict(
        db.session.execute(select(Paragraph.kind, func.count()).group_by(Paragraph.kind)).all()
    )
    assert kinds["operative"] >= 30 and kinds["preambular"] >= 10 and kinds["heading"] >= 5
    assert db.session.execute(
        select(func.count()).select_from(Paragraph).where(Paragraph.parent_id.is_not(None))
    ).scalar_one() >= 6

    groups = set(db.session.execute(select(Comment.author_group).distinct()).scalars())
    assert groups == {group.value for group in GROUP_LABELS}
    comment_kinds = set(db.session.execute(select(Comment.kind).distinct()).scalars())
    assert comment_kinds == {"comment", "amendment", "deletion", "insertion", "reply"}
    assert db.session.execute(select(func.count()).select_from(Endorsement)).scalar_one() > 50
    assert db.session.execute(
        select(func.count()).select_from(Comment).where(Comment.paragraph_id.is_(None))
    ).scalar_one() >= 3

    assert db.session.execute(
        select(func.count()).select_from(Comment).where(Comment.is_synthesis)
    ).scalar_one() == 1
    assert db.session.execute(
        select(func.count()).select_from(Comment).where(Comment.status == "merged")
    ).scalar_one() >= 2
    answered = set(db.session.execute(
        select(Comment.disposition).where(Comment.disposition.is_not(None)).distinct()
    ).scalars())
    assert answered == {"accepted", "partially_accepted", "noted", "not_accepted"}

    roles = set(db.session.execute(select(User.role).distinct()).scalars())
    assert roles == {"stakeholder", "moderator", "secretariat"}
    assert client.get("/c/wsis20-forum/v/1").status_code == 200
    response = client.post("/login", data={"email": "secretariat@demo.consult.example",
                                           "password": "demo-secretariat"})
    assert response.status_code == 302


def test_loading_the_demo_twice_keeps_one_copy_and_reset_rebuilds_it(runner):
    assert runner.invoke(args=["consult", "demo"]).exit_code == 0
    count = db.session.execute(select(func.count()).select_from(Comment)).scalar_one()
    assert runner.invoke(args=["consult", "demo"]).exit_code == 0
    assert db.session.execute(select(func.count()).select_from(Comment)).scalar_one() == count
    result = runner.invoke(args=["consult", "demo", "--reset"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Version)).scalar_one() == 1
    assert db.session.execute(select(func.count()).select_from(Comment)).scalar_one() == count
