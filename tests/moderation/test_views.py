"""The moderation pages through the test client."""

from __future__ import annotations

import pytest

from consult.comments.models import Comment
from consult.extensions import db
from consult.moderation.models import Merge, Report
from tests.conftest import Auth

PAGES = ["/moderation", "/moderation/comments/{id}", "/moderation/paragraphs/{p}/suggestions"]
ACTIONS = ["/moderation/act", "/moderation/comments/{id}/remark", "/moderation/merges/1/undo",
           "/moderation/paragraphs/{p}/suggestions/dismiss"]


def text(response) -> str:
    return response.get_data(as_text=True)


def fill(paths, posted):
    item = posted["gov"]
    return [path.format(id=item.id, p=item.paragraph_id) for path in paths]


def test_moderation_is_closed_to_readers_and_stakeholders(client, auth, posted, people):
    for path in fill(PAGES, posted):
        assert client.get(path).status_code == 302, path
    for path in fill(ACTIONS, posted):
        assert client.post(path).status_code == 302, path
    auth.login("gov@example.org")
    for path in fill(PAGES, posted):
        assert client.get(path).status_code == 403, path
    for path in fill(ACTIONS, posted):
        assert client.post(path, data={"selected": posted["ngo"].id, "action": "hide",
                                       "reason": "x"}).status_code == 403, path
    db.session.refresh(posted["ngo"])
    assert posted["ngo"].status == "published"


def test_the_queue_shows_and_filters(client, auth, posted, moderator):
    auth.login("moderator@example.org")
    html = text(client.get("/moderation"))
    assert "4 comments" in html and "Make the mandate of the Forum permanent." in html
    html = text(client.get("/moderation?kind=amendment"))
    assert "1 comment" in html and "Permanent mandate, please." in html
    html = text(client.get(f"/moderation?paragraph={posted['gov'].paragraph_id}"))
    assert "3 comments" in html and "Suggested merges" in html


def test_the_search_box_says_how_many_characters_it_takes(client, auth, posted, moderator):
    """The queue searches for at most 200 characters; the box stops there, so nothing
    typed is cut without the person seeing it."""
    auth.login("moderator@example.org")
    page = client.get("/moderation?q=" + "mandate " * 40).get_data(as_text=True)
    assert 'id="f-q"' in page and 'maxlength="200"' in page.split('id="f-q"', 1)[1][:300]


def test_hide_through_the_queue_keeps_what_was_typed_on_refusal(client, auth, posted,
                                                                moderator):
    auth.login("moderator@example.org")
    item = posted["uni"]
    response = client.post("/moderation/act", data={
        "action": "hide", "reason": "", "selected": item.id,
        f"seen-{item.id}": item.row_version, "back": "/moderation?kind=comment"})
    assert response.status_code == 400
    assert "Give the reason the author will see." in text(response)
    response = client.post("/moderation/act", data={
        "action": "hide", "reason": "Off topic here", "selected": item.id,
        f"seen-{item.id}": item.row_version, "back": "/moderation?kind=comment"})
    assert response.headers["Location"] == "/moderation?kind=comment"
    db.session.refresh(item)
    assert item.status == "hidden" and item.moderation_reason == "Off topic here"


def test_two_moderators_at_once_the_second_sees_the_new_state(app, auth, posted, moderator,
                                                              create_user):
    create_user(email="mod2@example.org", role="moderator")
    item = posted["ngo"]
    shown = item.row_version
    first, second = app.test_client(), app.test_client()
    Auth(first).login("moderator@example.org")
    Auth(second).login("mod2@example.org")
    assert first.post("/moderation/act", data={
        "action": "hide", "reason": "Duplicate of a campaign", "selected": item.id,
        f"seen-{item.id}": shown}).status_code == 302
    response = second.post("/moderation/act", data={
        "action": "disposition", "disposition": "accepted",
        "rationale": "My long careful rationale", "selected": item.id,
        f"seen-{item.id}": shown})
    html = text(response)
    assert response.status_code == 409
    assert "changed since your page showed it" in html and "Hidden by a moderator" in html
    assert "My long careful rationale" in html
    db.session.refresh(item)
    assert item.status == "hidden" and item.disposition is None


def test_merge_answer_and_unmerge_through_the_pages(client, auth, posted, moderator, people):
    auth.login("moderator@example.org")
    gov, uni = posted["gov"], posted["uni"]
    response = client.post("/moderation/act", data={
        "action": "merge", "keep": gov.id, "selected": [gov.id, uni.id],
        f"seen-{gov.id}": gov.row_version, f"seen-{uni.id}": uni.row_version})
    assert response.status_code == 302
    db.session.refresh(uni)
    assert uni.merged_into_id == gov.id
    page = text(client.get(f"/moderation/comments/{gov.id}"))
    assert "2 people" in page and "Government 1" in page and "Academia 1" in page
    public = text(client.get(f"/comments/{gov.id}"))
    assert "Who raised this point" in public and "Haruka Nishimura" in public
    assert "1 similar comment was merged into this one" in text(
        client.get(f"/c/wsis20/v/1/p/{gov.paragraph.position}"))
    db.session.refresh(gov)
    client.post("/moderation/act", data={
        "action": "disposition", "disposition": "noted", "rationale": "To be discussed",
        "selected": gov.id, f"seen-{gov.id}": gov.row_version, "single": gov.id})
    assert "1 of 2 answered" in text(client.get("/c/wsis20/v/1"))
    auth.logout()
    auth.login("uni@example.org")
    assert "Answer: Noted" in text(client.get(f"/comments/{gov.id}"))
    assert "answered" in text(client.get("/notifications"))
    auth.logout()
    auth.login("moderator@example.org")
    merge_id = db.session.execute(db.select(Merge.id)).scalar_one()
    client.post(f"/moderation/merges/{merge_id}/undo")
    db.session.refresh(uni)
    assert uni.status == "published" and uni.merged_into_id is None


def test_a_reader_reports_a_comment_and_moderators_see_it(client, auth, posted, people,
                                                        moderator):
    item = posted["gov"]
    assert client.get(f"/comments/{item.id}/report").status_code == 302
    auth.login("ngo@example.org")
    assert "Report" in text(client.get(f"/comments/{item.id}"))
    response = client.post(f"/comments/{item.id}/report", data={"reason": "nonsense"})
    assert response.status_code == 400
    response = client.post(f"/comments/{item.id}/report", data={"reason": "abuse",
                                                               "note": "Insult"})
    assert response.status_code == 302
    response = client.post(f"/comments/{item.id}/report", data={"reason": "spam"})
    assert response.status_code == 409 and "already reported" in text(response)
    assert db.session.execute(db.select(Report)).scalar_one().note == "Insult"
    auth.logout()
    auth.login("moderator@example.org")
    assert "1 report" in text(client.get("/moderation?status=reported"))


def test_remarks_are_for_moderators_only(client, auth, posted, moderator):
    auth.login("moderator@example.org")
    item = posted["gov"]
    assert client.post(f"/moderation/comments/{item.id}/remark",
                       data={"body": ""}).status_code == 400
    client.post(f"/moderation/comments/{item.id}/remark", data={"body": "Watch this one"})
    assert "Watch this one" in text(client.get(f"/moderation/comments/{item.id}"))
    auth.logout()
    assert "Watch this one" not in text(client.get(f"/comments/{item.id}"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_suggestions_page(client, auth, version, people, moderator):
    from consult.comments import service as comments
    from consult.drafts import service as drafts

    target = drafts.get_paragraph(version, 4)
    text_ = ("We urge that the Internet Governance Forum be given a permanent mandate with "
             "stable funding from the regular budget of the United Nations.")
    for person in people.values():
        comments.post_comment(person, version, target, body=text_)
    db.session.commit()
    auth.login("moderator@example.org")
    html = text(client.get(f"/moderation/paragraphs/{target.id}/suggestions"))
    assert "Group 1" in html and "Merge this group" in html
    ids = [c.id for c in db.session.execute(db.select(Comment)).scalars()]
    client.post(f"/moderation/paragraphs/{target.id}/suggestions/dismiss", data={"ids": ids})
    assert "No look-alike comments" in text(
        client.get(f"/moderation/paragraphs/{target.id}/suggestions"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_confirming_a_suggestion_merges_the_group_and_comes_back(client, auth, version,
                                                                 people, moderator):
    from consult.comments import service as comments
    from consult.drafts import service as drafts

    target = drafts.get_paragraph(version, 4)
    text_ = ("We urge that the Internet Governance Forum be given a permanent mandate with "
             "stable funding from the regular budget of the United Nations.")
    made = [comments.post_comment(person, version, target, body=text_)
            for person in people.values()]
    db.session.commit()
    auth.login("moderator@example.org")
    page = text(client.get(f"/moderation/paragraphs/{target.id}/suggestions"))
    back = f"/moderation/paragraphs/{target.id}/suggestions"
    assert f'value="{back}"' in page
    data = {"action": "merge", "keep": made[0].id, "back": back,
            "selected": [c.id for c in made]}
    data.update({f"seen-{c.id}": c.row_version for c in made})
    response = client.post("/moderation/act", data=data)
    assert response.headers["Location"] == back
    statuses = [db.session.get(Comment, c.id).status for c in made]
    assert statuses == ["published", "merged", "merged"]


def test_each_comment_and_paragraph_shows_its_own_history(client, auth, posted, moderator,
                                                          secretariat, version):
    from consult.drafts import service as drafts

    auth.login("moderator@example.org")
    item = posted["gov"]
    client.post("/moderation/act", data={"action": "hide", "reason": "Insulting",
                                         "selected": item.id, f"seen-{item.id}": item.row_version})
    page = text(client.get(f"/moderation/comments/{item.id}"))
    assert "History of this comment" in page and "Insulting" in page
    paragraph = drafts.get_paragraph(version, 4)
    page = text(client.get(f"/c/wsis20/v/1/p/{paragraph.position}"))
    assert "What the secretariat changed in this paragraph" in page
    auth.logout()
    assert "What the secretariat changed in this paragraph" not in text(
        client.get(f"/c/wsis20/v/1/p/{paragraph.position}"))
