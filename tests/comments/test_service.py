"""Writing and seeing comments, proposals, replies and endorsements."""

from __future__ import annotations

import datetime as dt

import pytest

from consult.auth import service as accounts
from consult.comments import service
from consult.comments.models import Comment
from consult.database import utcnow
from consult.drafts import service as drafts
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.moderation import service as moderation


def paragraph(version, position=4):
    return drafts.get_paragraph(version, position)


def test_a_verified_stakeholder_comments_on_a_paragraph(version, stakeholder):
    made = service.post_comment(stakeholder, version, paragraph(version), body="Strong *start*.")
    db.session.commit()
    assert made.status == "published" and made.kind == "comment"
    assert made.body_html == "<p>Strong <em>start</em>.</p>"
    assert (made.author_name, made.author_organization, made.author_group, made.author_country) == (
        "Amina Diallo",
        "Network for Digital Justice",
        "civil_society",
        "KE",
    )


def test_the_snapshot_stays_when_the_profile_changes(version, stakeholder):
    made = service.post_comment(stakeholder, version, paragraph(version), body="Noted.")
    accounts.update_profile(
        stakeholder,
        name="Amina D.",
        organization="New NGO",
        stakeholder_group="academia",
        country="SN",
    )
    db.session.commit()
    db.session.refresh(made)
    assert (made.author_name, made.author_organization, made.author_group, made.author_country) == (
        "Amina Diallo",
        "Network for Digital Justice",
        "civil_society",
        "KE",
    )


def test_a_general_comment_is_on_the_version(version, stakeholder):
    made = service.post_comment(stakeholder, version, None, body="The whole draft is too long.")
    assert made.paragraph_id is None and made.version_id == version.id
    with pytest.raises(Invalid):
        service.post_comment(
            stakeholder, version, None, kind="amendment", body="x", proposed_text="y"
        )


def test_only_verified_accounts_write(version, create_user):
    unverified = create_user(verified=False)
    with pytest.raises(Forbidden, match="Confirm your email"):
        service.post_comment(unverified, version, paragraph(version), body="Hello")
    with pytest.raises(Forbidden, match="Sign in"):
        service.post_comment(None, version, paragraph(version), body="Hello")


def test_no_comment_outside_the_period(create_version, stakeholder, secretariat):
    closed = create_version(status="closed")
    with pytest.raises(Forbidden, match="closed"):
        service.post_comment(stakeholder, closed, paragraph(closed), body="Late")
    draft = create_version(status="draft", slug="other")
    with pytest.raises(Forbidden, match="not open"):
        service.post_comment(stakeholder, draft, paragraph(draft), body="Early")
    upcoming = create_version(status="draft", slug="later")
    upcoming.opens_at = utcnow() + dt.timedelta(days=2)
    drafts.open_version(secretariat, upcoming)
    with pytest.raises(Forbidden, match="Comments open on"):
        service.post_comment(stakeholder, upcoming, paragraph(upcoming), body="Early")


@pytest.mark.parametrize(
    ("kind", "body", "proposed", "field", "message"),
    [
        ("comment", "   ", "", "body", "Write your comment"),
        ("amendment", "", "New text", "body", "reason"),
        ("amendment", "Because", "", "proposed_text", "text you propose"),
        ("deletion", "", "", "body", "reason"),
        ("insertion", "Because", " ", "proposed_text", "text you propose"),
        ("reply", "Hi", "", "kind", "Choose what"),
        ("merge", "Hi", "", "kind", "Choose what"),
    ],
)
def test_what_is_missing_is_named(version, stakeholder, kind, body, proposed, field, message):
    with pytest.raises(Invalid, match=message) as error:
        service.post_comment(
            stakeholder, version, paragraph(version), kind=kind, body=body, proposed_text=proposed
        )
    assert error.value.field == field


def test_too_long_is_refused_with_the_limit(app, version, stakeholder):
    limit = app.config["COMMENT_MAX_LENGTH"]
    with pytest.raises(Invalid, match=f"limit is {limit}"):
        service.post_comment(stakeholder, version, paragraph(version), body="x" * (limit + 1))


def test_an_amendment_must_change_the_text(version, stakeholder):
    text = service.paragraph_text(paragraph(version))
    with pytest.raises(Invalid, match="same as the paragraph"):
        service.post_comment(
            stakeholder,
            version,
            paragraph(version),
            kind="amendment",
            body="Because",
            proposed_text=text,
        )


def test_proposals_keep_their_proposed_text(version, stakeholder):
    made = service.post_comment(
        stakeholder,
        version,
        paragraph(version),
        kind="amendment",
        body="Be inclusive",
        proposed_text="Reaffirms the vision of an inclusive information society;",
    )
    assert made.is_proposal
    deletion = service.post_comment(
        stakeholder,
        version,
        paragraph(version),
        kind="deletion",
        body="Redundant",
        proposed_text="ignored",
    )
    assert deletion.proposed_text == ""


def test_a_quote_must_come_from_the_paragraph(version, stakeholder):
    made = service.post_comment(
        stakeholder,
        version,
        paragraph(version),
        body="Which vision?",
        quote="  people-centred,   inclusive ",
    )
    assert made.quote == "people-centred, inclusive"
    with pytest.raises(Invalid, match="do not appear") as error:
        service.post_comment(
            stakeholder, version, paragraph(version), body="x", quote="words that are not there"
        )
    assert error.value.field == "quote"


def test_the_same_form_sent_twice_makes_one_comment(version, stakeholder):
    first = service.post_comment(
        stakeholder, version, paragraph(version), body="Once", submission_key="k1"
    )
    db.session.commit()
    again = service.post_comment(
        stakeholder, version, paragraph(version), body="Once", submission_key="k1"
    )
    db.session.commit()
    assert again.id == first.id
    assert db.session.query(Comment).count() == 1


def test_pre_moderation_shows_a_comment_to_its_author_and_moderators_only(
    create_version, stakeholder, other_stakeholder, moderator
):
    version = create_version(moderation="pre")
    made = service.post_comment(stakeholder, version, paragraph(version), body="Wait for me")
    db.session.commit()
    assert made.status == "pending"
    assert [c.id for c in service.thread(version, paragraph(version), stakeholder).comments] == [
        made.id
    ]
    assert [c.id for c in service.thread(version, paragraph(version), moderator).comments] == [
        made.id
    ]
    assert service.thread(version, paragraph(version), other_stakeholder).comments == []
    assert service.thread(version, paragraph(version), None).comments == []
    with pytest.raises(NotFound):
        service.get_comment(made.id, other_stakeholder)
    assert service.version_counts(version) == {}
    with pytest.raises(Forbidden):
        moderation.publish(stakeholder, [(made, made.row_version)])
    moderation.publish(moderator, [(made, made.row_version)])
    db.session.commit()
    assert service.thread(version, paragraph(version), None).comments == [made]


def test_counts_per_paragraph_separate_comments_and_amendments(version, stakeholder):
    target = paragraph(version)
    service.post_comment(stakeholder, version, target, body="One")
    service.post_comment(stakeholder, version, target, body="Two")
    service.post_comment(stakeholder, version, target, kind="deletion", body="Drop it")
    service.post_comment(stakeholder, version, None, body="General")
    db.session.commit()
    counts = service.version_counts(version)
    assert counts[target.id] == service.Counts(comments=2, amendments=1, to_answer=3)
    assert counts[None] == service.Counts(comments=1, amendments=0, to_answer=1)


def test_replies_join_the_thread_of_their_top_comment(version, stakeholder, other_stakeholder):
    top = service.post_comment(stakeholder, version, paragraph(version), body="Top")
    answer = service.reply(other_stakeholder, top, body="Answer")
    answer_to_answer = service.reply(stakeholder, answer, body="Back to you")
    db.session.commit()
    assert (answer.root_id, answer_to_answer.root_id) == (top.id, top.id)
    assert answer_to_answer.parent_id == answer.id
    thread = service.thread(version, paragraph(version), None)
    assert thread.comments == [top] and thread.reply_counts == {top.id: 2}
    assert service.replies(top, None) == [answer, answer_to_answer]


def test_a_thread_is_paged_and_sorted(app, version, stakeholder, create_user):
    app.config["COMMENTS_PER_PAGE"] = 3
    target = paragraph(version)
    made = [
        service.post_comment(stakeholder, version, target, body=f"Comment {n}") for n in range(7)
    ]
    fans = [create_user() for _ in range(2)]
    for fan in fans:
        service.endorse(fan, made[5])
    service.endorse(fans[0], made[2])
    db.session.commit()
    first = service.thread(version, target, None)
    assert (first.total, first.pages, [c.id for c in first.comments]) == (
        7,
        3,
        [m.id for m in made[:3]],
    )
    last = service.thread(version, target, None, page=99)
    assert last.page == 3 and [c.id for c in last.comments] == [made[6].id]
    newest = service.thread(version, target, None, sort="newest")
    assert newest.comments[0].id == made[6].id
    endorsed = service.thread(version, target, None, sort="endorsed")
    assert [c.id for c in endorsed.comments[:2]] == [made[5].id, made[2].id]
    assert endorsed.endorsement_total(endorsed.comments[0]) == 2
    assert endorsed.endorsement_total(endorsed.comments[1]) == 1
    assert endorsed.endorsement_total(endorsed.comments[2]) == 0


def test_endorsing_once_and_counted_by_group(version, stakeholder, other_stakeholder, create_user):
    made = service.post_comment(stakeholder, version, paragraph(version), body="Support me")
    government = create_user(stakeholder_group="government", country="BR")
    service.endorse(other_stakeholder, made)
    service.endorse(government, made)
    db.session.commit()
    with pytest.raises(Conflict, match="already endorsed"):
        service.endorse(other_stakeholder, made)
    with pytest.raises(Forbidden, match="own"):
        service.endorse(stakeholder, made)
    assert service.endorsement_counts([made.id]) == {made.id: {"academia": 1, "government": 1}}
    service.withdraw_endorsement(government, made)
    db.session.commit()
    assert service.endorsement_counts([made.id]) == {made.id: {"academia": 1}}


def test_authors_edit_and_withdraw_their_own_comments(version, stakeholder, other_stakeholder):
    made = service.post_comment(stakeholder, version, paragraph(version), body="First")
    db.session.commit()
    seen = made.row_version
    with pytest.raises(Forbidden):
        service.edit_comment(other_stakeholder, made, body="Mine now", row_version=seen)
    service.edit_comment(stakeholder, made, body="Second", row_version=seen)
    db.session.commit()
    assert made.body_html == "<p>Second</p>" and made.edited_at is not None
    with pytest.raises(Conflict, match="changed since"):
        service.edit_comment(stakeholder, made, body="Third", row_version=seen)
    with pytest.raises(Forbidden):
        service.withdraw_comment(other_stakeholder, made)
    service.withdraw_comment(stakeholder, made)
    db.session.commit()
    assert made.status == "withdrawn"
    with pytest.raises(Conflict):
        service.edit_comment(stakeholder, made, body="Back", row_version=made.row_version)


def test_an_edit_under_pre_moderation_waits_again(create_version, stakeholder, moderator):
    version = create_version(moderation="pre")
    made = service.post_comment(stakeholder, version, paragraph(version), body="Fine words")
    moderation.publish(moderator, [(made, made.row_version)])
    db.session.commit()
    service.edit_comment(stakeholder, made, body="Other words", row_version=made.row_version)
    assert made.status == "pending"


def test_nothing_changes_after_the_period(
    create_version, stakeholder, other_stakeholder, secretariat
):
    version = create_version()
    made = service.post_comment(stakeholder, version, paragraph(version), body="In time")
    db.session.commit()
    drafts.close_version(secretariat, version)
    db.session.commit()
    with pytest.raises(Forbidden):
        service.edit_comment(stakeholder, made, body="Late", row_version=made.row_version)
    with pytest.raises(Forbidden):
        service.reply(other_stakeholder, made, body="Late")
    with pytest.raises(Forbidden):
        service.endorse(other_stakeholder, made)
    assert not service.can_edit(stakeholder, made)
    assert not service.can_endorse(other_stakeholder, made)


def test_markdown_is_sanitised(version, stakeholder):
    made = service.post_comment(
        stakeholder,
        version,
        paragraph(version),
        body="<script>alert(1)</script><img src=x onerror=alert(2)> [link](javascript:alert(3)) "
        "https://itu.int",
    )
    html = made.body_html
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert 'href="https://itu.int"' in html and 'rel="nofollow noopener noreferrer ugc"' in html
