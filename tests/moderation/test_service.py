"""Moderation through the service layer: every action, its rules and its trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.comments import service as comments
from consult.comments.models import Comment
from consult.drafts import service as drafts
from consult.errors import Conflict, Forbidden, Invalid
from consult.extensions import db
from consult.moderation import service
from consult.notifications.models import Notification
from tests.moderation.conftest import seen


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.sequence)
    ).scalars())


def notices(user) -> list[Notification]:
    return list(db.session.execute(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars())


def test_a_stakeholder_can_do_none_of_it(posted, people, version):
    someone = people["gov"]
    item = posted["ngo"]
    paragraph = drafts.get_paragraph(version, 4)
    attempts = [
        lambda: service.queue(someone, service.QueueFilter()),
        lambda: service.publish(someone, seen(item)),
        lambda: service.hide(someone, seen(item), "spam"),
        lambda: service.restore(someone, seen(item), "fine"),
        lambda: service.dismiss_reports(someone, seen(item)),
        lambda: service.add_remark(someone, item, "note"),
        lambda: service.merge(someone, seen(posted["uni"]), into=posted["gov"]),
        lambda: service.set_disposition(someone, seen(item), "noted", "Thanks"),
        lambda: service.suggestions(someone, paragraph),
        lambda: service.dismiss_suggestion(someone, paragraph, [1, 2]),
        lambda: service.reports_on(someone, item),
        lambda: service.remarks_on(someone, item),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            attempt()


def test_hide_and_restore_with_reasons_the_author_sees(posted, moderator, people):
    item = posted["gov"]
    with pytest.raises(Invalid, match="reason"):
        service.hide(moderator, seen(item), "  ")
    service.hide(moderator, seen(item), "Personal attack in the second sentence.")
    db.session.commit()
    assert item.status == "hidden" and item.hidden_at is not None
    assert comments.thread(item.version, item.paragraph, None).total == 2
    assert item in comments.thread(item.version, item.paragraph, people["gov"]).comments
    [hidden_event] = events("comment.hide")
    assert hidden_event.actor_id == moderator.id and hidden_event.object_id == item.id
    assert hidden_event.before["status"] == "published"
    assert hidden_event.after == {**hidden_event.before, "status": "hidden",
                                  "moderation_reason": "Personal attack in the second sentence."}
    assert "Personal attack" in notices(people["gov"])[-1].message
    service.restore(moderator, seen(item), "Edited by its author; fine now.")
    db.session.commit()
    assert item.status == "published" and item.hidden_at is None
    assert len(events("comment.restore")) == 1
    assert [n.kind for n in notices(people["gov"])] == ["hidden", "restored"]


def test_publishing_under_pre_moderation(create_version, people, moderator):
    version = create_version(slug="pre", moderation="pre")
    item = comments.post_comment(people["ngo"], version, drafts.get_paragraph(version, 4),
                                 body="Waiting")
    db.session.commit()
    service.publish(moderator, seen(item), "Thank you for your input.")
    db.session.commit()
    assert item.status == "published" and item.published_at is not None
    assert notices(people["ngo"])[-1].kind == "published"
    with pytest.raises(Conflict, match="not awaiting"):
        service.publish(moderator, seen(item))


def test_a_second_moderator_is_told_the_comment_changed(posted, moderator, create_user):
    other = create_user(email="mod2@example.org", role="moderator")
    item = posted["uni"]
    first_look = item.row_version
    service.hide(moderator, [(item, first_look)], "Off topic")
    db.session.commit()
    with pytest.raises(Conflict, match="changed since your page showed it: it is now"):
        service.set_disposition(other, [(item, first_look)], "noted", "Thanks")
    db.session.refresh(item)
    assert item.status == "hidden" and item.disposition is None


def test_reports_put_a_comment_in_the_queue_once_per_reader(posted, people, moderator):
    item = posted["gov"]
    service.report(people["ngo"], item, "abuse", "Insulting")
    service.report(people["uni"], item, "spam")
    db.session.commit()
    with pytest.raises(Conflict, match="already reported"):
        service.report(people["ngo"], item, "spam")
    with pytest.raises(Invalid):
        service.report(people["uni"], posted["ngo"], "because")
    reported = service.queue(moderator, service.QueueFilter(status="reported"))
    assert reported.items == [item] and reported.reports == {item.id: 2}
    assert service.queue(moderator, service.QueueFilter(sort="reports")).items[0] == item
    assert service.dismiss_reports(moderator, seen(item)) == 2
    db.session.commit()
    assert service.queue(moderator, service.QueueFilter(status="reported")).items == []


def test_remarks_are_kept_apart_from_the_public(posted, moderator, client):
    item = posted["gov"]
    service.add_remark(moderator, item, "Check with *legal* first.")
    db.session.commit()
    [remark] = service.remarks_on(moderator, item)
    assert remark.body_html == "<p>Check with <em>legal</em> first.</p>"
    assert "legal" not in client.get(f"/comments/{item.id}").get_data(as_text=True)


def test_the_queue_filters_and_sorts(posted, people, moderator, version):
    everything = service.queue(moderator, service.QueueFilter())
    assert everything.total == 4
    paragraph = drafts.get_paragraph(version, 4)
    cases = [
        (service.QueueFilter(paragraph_id=paragraph.id), {"gov", "ngo", "uni"}),
        (service.QueueFilter(kind="amendment"), {"ngo"}),
        (service.QueueFilter(group="academia"), {"uni", "other"}),
        (service.QueueFilter(text="PERMANENT MANDATE"), {"ngo", "uni"}),
        (service.QueueFilter(text="%"), set()),
        (service.QueueFilter(version_id=version.id, status="published"), set(posted)),
        (service.QueueFilter(disposition="none"), set(posted)),
    ]
    names = {item.id: name for name, item in posted.items()}
    for filters, expected in cases:
        found = service.queue(moderator, filters)
        assert {names[item.id] for item in found.items} == expected, filters
    oldest = service.queue(moderator, service.QueueFilter(sort="oldest")).items
    assert oldest[0] == posted["gov"]


def test_merge_counts_people_and_endorsers_once_and_unmerge_restores(posted, people,
                                                                     moderator, create_user):
    fan = create_user(email="fan@example.org", stakeholder_group="private_sector")
    comments.endorse(fan, posted["gov"])
    comments.endorse(fan, posted["uni"])
    comments.endorse(people["ngo"], posted["uni"])
    db.session.commit()
    before = {name: (item.status, item.merged_into_id) for name, item in posted.items()}
    operation = service.merge(moderator, seen(posted["uni"], posted["ngo"]),
                              into=posted["gov"])
    db.session.commit()
    canonical = posted["gov"]
    assert (posted["uni"].status, posted["uni"].merged_into_id) == ("merged", canonical.id)
    assert canonical.endorsement_count == 2
    raised = service.raised(canonical)
    assert raised.people_by_group == {"government": 1, "civil_society": 1, "academia": 1}
    assert raised.endorsers_by_group == {"private_sector": 1, "civil_society": 1}
    thread = comments.thread(canonical.version, canonical.paragraph, None)
    assert thread.comments == [canonical] and thread.merged_counts == {canonical.id: 2}
    assert thread.endorsement_total(canonical) == 2
    with pytest.raises(Conflict, match="merged into this one"):
        comments.endorse(people["ngo"], canonical)
    assert {n.kind for n in notices(people["ngo"])} == {"merged"}
    assert len(events("comment.merge")) == 2
    service.unmerge(moderator, operation)
    db.session.commit()
    after = {name: (item.status, item.merged_into_id) for name, item in posted.items()}
    assert after == before
    db.session.refresh(canonical)
    assert canonical.endorsement_count == 1
    assert operation.undone_at is not None and len(events("comment.unmerge")) == 2
    with pytest.raises(Conflict, match="already undone"):
        service.unmerge(moderator, operation)


def test_merge_into_a_synthesis(posted, moderator, people):
    operation = service.merge(moderator, seen(posted["gov"], posted["uni"], posted["ngo"]),
                              synthesis="Several stakeholders ask for a **permanent** mandate.")
    db.session.commit()
    synthesis = operation.canonical
    assert synthesis.is_synthesis and synthesis.author_id == moderator.id
    assert synthesis.status == "published" and synthesis.kind == "comment"
    assert service.raised(synthesis).people == 3
    service.unmerge(moderator, operation)
    db.session.commit()
    assert synthesis.status == "hidden"
    assert {item.status for item in posted.values()} == {"published"}


def test_merge_rules(posted, moderator):
    with pytest.raises(Invalid, match="same paragraph"):
        service.merge(moderator, seen(posted["other"]), into=posted["gov"])
    with pytest.raises(Invalid, match="Choose the comment"):
        service.merge(moderator, seen(posted["gov"], posted["uni"]))
    with pytest.raises(Invalid, match="at least two"):
        service.merge(moderator, seen(posted["gov"]), synthesis="Alone")
    reply = comments.reply(moderator, posted["gov"], body="Thanks")
    db.session.commit()
    with pytest.raises(Invalid, match="Replies"):
        service.merge(moderator, seen(reply), into=posted["gov"])


def test_a_merged_comment_merged_again_is_restored_step_by_step(posted, moderator):
    first = service.merge(moderator, seen(posted["uni"]), into=posted["ngo"])
    db.session.commit()
    second = service.merge(moderator, seen(posted["ngo"]), into=posted["gov"])
    db.session.commit()
    assert posted["uni"].merged_into_id == posted["gov"].id
    assert service.raised(posted["gov"]).people == 3
    with pytest.raises(Conflict, match="merged elsewhere"):
        service.unmerge(moderator, first)
    service.unmerge(moderator, second)
    db.session.commit()
    assert posted["uni"].merged_into_id == posted["ngo"].id
    assert posted["ngo"].status == "published"
    service.unmerge(moderator, first)
    db.session.commit()
    assert {item.status for item in posted.values()} == {"published"}


def test_dispositions_answer_a_selection_and_its_merged_authors(posted, moderator, people,
                                                                version):
    service.merge(moderator, seen(posted["uni"]), into=posted["gov"])
    db.session.commit()
    with pytest.raises(Invalid, match="rationale"):
        service.set_disposition(moderator, seen(posted["gov"]), "accepted", " ")
    with pytest.raises(Invalid, match="answer"):
        service.set_disposition(moderator, seen(posted["gov"]), "maybe", "Why")
    service.set_disposition(moderator, seen(posted["gov"], posted["ngo"]),
                            "partially_accepted", "The mandate is extended to 2035.")
    db.session.commit()
    assert posted["gov"].disposition == "partially_accepted"
    assert posted["ngo"].disposition_rationale == "The mandate is extended to 2035."
    assert notices(people["uni"])[-1].kind == "disposition"
    assert "Partially accepted" in notices(people["gov"])[-1].message
    paragraph = drafts.get_paragraph(version, 4)
    counts = comments.version_counts(version)[paragraph.id]
    assert (counts.answered, counts.to_answer) == (2, 2)


def test_suggested_merges_group_look_alikes_until_dismissed(version, people, moderator):
    target = drafts.get_paragraph(version, 4)
    campaign = ("We call on Member States to make the mandate of the Internet Governance "
                "Forum permanent and to fund it from the regular budget of the United Nations.")
    made = [comments.post_comment(person, version, target, body=campaign + suffix)
            for person, suffix in [(people["gov"], ""), (people["ngo"], " Thank you."),
                                   (people["uni"], " Regards")]]
    comments.post_comment(people["uni"], version, target,
                          body="Artificial intelligence needs its own paragraph on safety.")
    db.session.commit()
    [suggestion] = service.suggestions(moderator, target)
    assert sorted(c.id for c in suggestion.comments) == sorted(c.id for c in made)
    service.dismiss_suggestion(moderator, target, [c.id for c in made])
    db.session.commit()
    assert service.suggestions(moderator, target) == []


def test_every_action_leaves_an_event_in_an_intact_chain(posted, moderator):
    from consult.audit.service import verify

    service.hide(moderator, seen(posted["gov"]), "No")
    service.add_remark(moderator, posted["gov"], "Seen")
    service.set_disposition(moderator, seen(posted["ngo"]), "noted", "Noted")
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() >= 3
    assert verify().intact
    assert Comment  # the model the events are about
