"""The paragraph page, its thread and forms, seen through the test client."""

from __future__ import annotations

import re

import pytest

from consult.comments import service
from consult.comments.models import Comment
from consult.drafts import service as drafts
from consult.extensions import db

PAGE = "/c/wsis20/v/1/p/4"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def comments_in_db() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Comment).order_by(Comment.id)).scalars())


def test_the_version_page_links_every_paragraph_by_its_position(client, version):
    html = page_text(client.get("/c/wsis20/v/1"))
    for position in range(1, 9):
        assert f'id="p{position}"' in html
        assert f'href="/c/wsis20/v/1/p/{position}"' in html
    assert "<em>Reaffirms</em> the vision" in html


def test_the_version_page_shows_counts(client, version, stakeholder):
    target = drafts.get_paragraph(version, 4)
    service.post_comment(stakeholder, version, target, body="One")
    service.post_comment(stakeholder, version, target, kind="deletion", body="Drop")
    db.session.commit()
    html = page_text(client.get("/c/wsis20/v/1"))
    assert "1 comment, 1 amendment" in html


def test_anonymous_readers_see_how_to_take_part(client, version):
    html = page_text(client.get(PAGE))
    assert "Sign in to comment." in html
    assert 'name="body"' not in html


def test_a_stakeholder_comments_and_sees_it(client, auth, version, stakeholder):
    auth.login("amina@example.org")
    html = page_text(client.get(PAGE))
    assert 'name="body"' in html and 'name="kind"' in html
    response = client.post(
        PAGE, data={"kind": "comment", "body": "A *clear* point.", "submission_key": "abc"}
    )
    assert response.status_code == 302
    made = comments_in_db()[0]
    assert response.headers["Location"].endswith(f"{PAGE}#c{made.id}")
    html = page_text(client.get(PAGE))
    assert "A <em>clear</em> point." in html and "Your comment is published" in html
    assert 'data-sent-key="abc"' in html


def test_an_amendment_shows_a_word_difference(client, auth, version, stakeholder):
    auth.login("amina@example.org")
    client.post(
        PAGE,
        data={
            "kind": "amendment",
            "body": "Say inclusive first.",
            "proposed_text": "Reaffirms the vision of an inclusive, people-centred and "
            "development-oriented information society;",
        },
    )
    html = page_text(client.get(PAGE))
    assert "<ins>an inclusive, </ins>" in html or "<ins>an inclusive," in html
    assert "<del>" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "comment", "body": "   "}, "Write your comment before sending it."),
        (
            {"kind": "amendment", "body": "Because", "proposed_text": ""},
            "Write the text you propose.",
        ),
        (
            {"kind": "comment", "body": "Kept text", "quote": "not in the paragraph"},
            "The quoted words do not appear in this paragraph.",
        ),
    ],
)
def test_a_refused_comment_comes_back_with_its_text(
    client, auth, version, stakeholder, data, message
):
    auth.login("amina@example.org")
    response = client.post(PAGE, data=data)
    html = page_text(response)
    assert response.status_code == 400
    assert message in html
    if data["body"].strip():
        assert data["body"] in html
    assert comments_in_db() == []


def test_a_too_long_comment_comes_back_whole(app, client, auth, version, stakeholder):
    auth.login("amina@example.org")
    text = "word " * (app.config["COMMENT_MAX_LENGTH"] // 5 + 1)
    response = client.post(PAGE, data={"kind": "comment", "body": text})
    assert response.status_code == 400
    assert "the limit is" in page_text(response)
    assert text.strip() in page_text(response)


def test_a_comment_after_the_period_comes_back_with_its_text(
    client, auth, version, stakeholder, secretariat
):
    auth.login("amina@example.org")
    client.get(PAGE)
    drafts.close_version(secretariat, version)
    db.session.commit()
    response = client.post(PAGE, data={"kind": "comment", "body": "Written before closing"})
    html = page_text(response)
    assert response.status_code == 403
    assert "The comment period closed on" in html
    assert "Written before closing" in html
    assert comments_in_db() == []


def test_a_comment_from_an_ended_session_comes_back_with_its_text(client, version):
    response = client.post(
        PAGE, data={"kind": "amendment", "body": "Why", "proposed_text": "My careful wording"}
    )
    html = page_text(response)
    assert response.status_code == 403
    assert "You are not signed in" in html
    assert "My careful wording" in html and "Why" in html
    assert comments_in_db() == []


def test_a_stale_csrf_token_keeps_the_text(app, client, auth, version, stakeholder):
    app.config["WTF_CSRF_ENABLED"] = True
    html = page_text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post(
        "/login",
        data={
            "email": "amina@example.org",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    response = client.post(
        PAGE, data={"kind": "comment", "body": "Precious words", "csrf_token": "stale-token"}
    )
    html = page_text(response)
    assert response.status_code == 400
    assert "was not sent" in html and "Precious words" in html
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        PAGE, data={"kind": "comment", "body": "Precious words", "csrf_token": fresh}
    )
    assert response.status_code == 302
    assert [c.body for c in comments_in_db()] == ["Precious words"]


def test_other_forms_refuse_a_missing_csrf_token(
    app, client, auth, version, stakeholder, other_stakeholder
):
    made = service.post_comment(
        other_stakeholder, version, drafts.get_paragraph(version, 4), body="Endorse me"
    )
    db.session.commit()
    auth.login("amina@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/comments/{made.id}/endorse")
    assert response.status_code == 400
    assert service.endorsement_counts([made.id]) == {}


def test_preview_renders_without_saving(client, auth, version, stakeholder):
    auth.login("amina@example.org")
    response = client.post(
        PAGE, data={"kind": "comment", "body": "**Bold** idea", "preview": "Preview"}
    )
    html = page_text(response)
    assert response.status_code == 200
    assert "<strong>Bold</strong> idea" in html and "**Bold** idea" in html
    assert comments_in_db() == []
    assert (
        client.post("/comments/preview", data={"text": "<b onclick=x>hi</b>"}).get_data(
            as_text=True
        )
        == "<p><b>hi</b></p>"
    )


def test_a_double_submission_makes_one_comment(client, auth, version, stakeholder):
    auth.login("amina@example.org")
    data = {"kind": "comment", "body": "Once only", "submission_key": "same-key"}
    assert client.post(PAGE, data=data).status_code == 302
    assert client.post(PAGE, data=data).status_code == 302
    assert len(comments_in_db()) == 1


def test_unknown_and_unpublished_things_are_404(client, auth, create_version, stakeholder):
    create_version(status="draft")
    auth.login("amina@example.org")
    for path in [
        "/c/nope",
        "/c/wsis20/v/1",
        "/c/wsis20/v/9",
        "/c/wsis20/v/1/p/4",
        "/c/wsis20/v/1/general",
        "/comments/999",
        "/comments/999/replies",
    ]:
        assert client.get(path).status_code == 404, path


def test_a_missing_paragraph_is_404(client, version):
    assert client.get("/c/wsis20/v/1/p/99").status_code == 404


def test_forbidden_actions_are_403(client, auth, version, stakeholder, other_stakeholder):
    made = service.post_comment(
        other_stakeholder, version, drafts.get_paragraph(version, 4), body="Mine"
    )
    db.session.commit()
    auth.login("amina@example.org")
    assert client.get(f"/comments/{made.id}/edit").status_code == 403
    assert client.post(f"/comments/{made.id}/edit", data={"body": "Hijack"}).status_code == 403
    assert client.get(f"/comments/{made.id}/withdraw").status_code == 403
    assert client.post(f"/comments/{made.id}/withdraw").status_code == 403
    assert client.get("/manage/consultations/new").status_code == 403
    db.session.refresh(made)
    assert made.body == "Mine" and made.status == "published"


def test_endorse_reply_edit_withdraw_through_the_pages(
    client, auth, version, stakeholder, other_stakeholder
):
    made = service.post_comment(
        other_stakeholder, version, drafts.get_paragraph(version, 4), body="Please endorse"
    )
    db.session.commit()
    auth.login("amina@example.org")
    response = client.post(f"/comments/{made.id}/endorse", data={"next": PAGE})
    assert response.headers["Location"].endswith(f"{PAGE}#c{made.id}")
    html = page_text(client.get(PAGE))
    assert re.search(
        r"1 endorsement</strong>:\s*<span class=\"endorsements__group\">"
        r"Civil society 1",
        html,
    )
    assert 'aria-pressed="true"' in html
    client.post(f"/comments/{made.id}/endorse", data={"next": PAGE})
    assert service.endorsement_counts([made.id]) == {made.id: {"civil_society": 1}}
    assert "already endorsed" in page_text(client.get(PAGE))

    response = client.post(f"/comments/{made.id}/reply", data={"body": "I agree, and more."})
    assert response.status_code == 302
    reply = comments_in_db()[-1]
    assert reply.root_id == made.id
    html = page_text(client.get(PAGE))
    assert "Show 1 reply" in html and "I agree, and more." not in html
    fragment = page_text(client.get(f"/comments/{made.id}/replies?fragment=1"))
    assert "I agree, and more." in fragment and "<html" not in fragment
    assert client.get(f"/comments/{made.id}/replies").status_code == 302

    response = client.post(
        f"/comments/{reply.id}/edit", data={"body": "I agree.", "row_version": reply.row_version}
    )
    assert response.status_code == 302
    assert "I agree." in page_text(client.get(f"/comments/{made.id}"))
    assert client.post(f"/comments/{reply.id}/withdraw").status_code == 302
    html = page_text(client.get(f"/comments/{made.id}"))
    assert "withdrawn by its author" in html and "I agree." not in html


def test_an_edit_that_conflicts_keeps_the_new_text(client, auth, version, stakeholder):
    made = service.post_comment(
        stakeholder, version, drafts.get_paragraph(version, 4), body="Version one"
    )
    db.session.commit()
    seen = made.row_version
    service.edit_comment(stakeholder, made, body="Version two", row_version=seen)
    db.session.commit()
    auth.login("amina@example.org")
    response = client.post(
        f"/comments/{made.id}/edit", data={"body": "Version three", "row_version": seen}
    )
    html = page_text(response)
    assert response.status_code == 409
    assert "Version three" in html and "Version two" in html and "changed since" in html


def test_the_comment_page_highlights_the_quote(client, auth, version, stakeholder):
    made = service.post_comment(
        stakeholder,
        version,
        drafts.get_paragraph(version, 4),
        body="Why this?",
        quote="people-centred, inclusive",
    )
    db.session.commit()
    html = page_text(client.get(f"/comments/{made.id}"))
    assert '<mark class="quote-mark">people-centred, inclusive</mark>' in html
    assert 'data-quote="people-centred, inclusive"' in page_text(client.get(PAGE))


def test_a_quote_can_be_given_in_the_address(client, auth, version, stakeholder):
    auth.login("amina@example.org")
    html = page_text(client.get(PAGE + "?quote=the+vision&kind=amendment"))
    assert re.search(r'name="quote"[^>]*>\s*the vision</textarea>', html)
    assert re.search(r'<input checked[^>]*value="amendment"', html)


def test_general_comments_have_their_own_page(client, auth, version, stakeholder):
    auth.login("amina@example.org")
    response = client.post("/c/wsis20/v/1/general", data={"body": "On the whole text"})
    assert response.status_code == 302
    assert "On the whole text" in page_text(client.get("/c/wsis20/v/1/general"))
    assert comments_in_db()[0].paragraph_id is None


def test_user_html_never_reaches_the_page(client, auth, version, stakeholder):
    auth.login("amina@example.org")
    client.post(
        PAGE, data={"kind": "comment", "body": '"><script>alert(1)</script><svg onload=alert(2)>'}
    )
    html = page_text(client.get(PAGE))
    assert "<script>alert(1)" not in html and "<svg" not in html and "onload=" not in html


def test_a_moderator_publishes_a_waiting_comment(
    client, auth, create_version, stakeholder, moderator
):
    version = create_version(moderation="pre")
    made = service.post_comment(
        stakeholder, version, drafts.get_paragraph(version, 4), body="Waiting"
    )
    db.session.commit()
    assert "Waiting" not in page_text(client.get(PAGE))
    auth.login("moderator@example.org")
    assert "Awaiting moderation" in page_text(client.get(PAGE))
    client.post(f"/comments/{made.id}/publish", data={"next": PAGE})
    auth.logout()
    assert "Waiting" in page_text(client.get(PAGE))


def test_page_queries_do_not_grow_with_paragraphs_or_comments(
    app, client, create_version, stakeholder, other_stakeholder, count_queries
):
    """The version and paragraph pages issue a fixed number of queries."""
    from consult.drafts.importer import ParsedParagraph

    def load(version, comments_per_paragraph):
        for position in (2, 4, 6):
            target = drafts.get_paragraph(version, position)
            for n in range(comments_per_paragraph):
                made = service.post_comment(
                    stakeholder, version, target, body=f"c{n}", quote="" if n % 2 else ""
                )
                service.endorse(other_stakeholder, made)
                service.reply(other_stakeholder, made, body="reply")
        db.session.commit()

    app.config["COMMENTS_PER_PAGE"] = 2
    small = create_version(slug="small")
    load(small, 3)
    many = [ParsedParagraph("operative", f"*Decides* point {n};", str(n)) for n in range(1, 61)]
    many.insert(3, ParsedParagraph("operative", "To act;", "(a)", 1))
    large = create_version(slug="large", paragraphs=many)
    load(large, 25)
    client.post("/login", data={"email": "amina@example.org", "password": "correct horse battery"})
    counts = {}
    for slug in ("small", "large"):
        for path in (
            f"/c/{slug}/v/1",
            f"/c/{slug}/v/1/p/4",
            f"/c/{slug}/v/1/p/4?sort=endorsed",
            f"/c/{slug}/v/1/p/4?page=2",
        ):
            client.get(path)
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts[(slug, path.split(slug)[1])] = counter.count
    for path in ("/v/1", "/v/1/p/4", "/v/1/p/4?sort=endorsed", "/v/1/p/4?page=2"):
        assert counts[("small", path)] == counts[("large", path)], (path, counts)
    assert counts[("large", "/v/1")] <= 5  # with the signed-in reader and their unread count
    assert counts[("large", "/v/1/p/4")] <= 5


def test_your_input_lists_everything_you_wrote_and_where_it_stands(
    client, auth, create_version, stakeholder, other_stakeholder, count_queries
):
    assert client.get("/my-input").status_code == 302
    open_version = create_version()
    waiting = create_version(slug="pre", moderation="pre")
    service.post_comment(stakeholder, open_version, drafts.get_paragraph(open_version, 2),
                         body="On the preamble")
    service.post_comment(stakeholder, waiting, drafts.get_paragraph(waiting, 6),
                         body="Waiting for a moderator")
    gone = service.post_comment(stakeholder, open_version, None, body="Taken back")
    service.withdraw_comment(stakeholder, gone)
    service.post_comment(other_stakeholder, open_version, None, body="Someone else's")
    db.session.commit()
    auth.login("amina@example.org")
    with count_queries() as counter:
        html = page_text(client.get("/my-input"))
    assert "On the preamble" in html and "preambular paragraph 1" in html
    assert "Waiting for a moderator" in html and "paragraph 2 (a)" in html
    assert "Awaiting moderation" in html and "Withdrawn by its author" in html
    assert "the whole draft" in html and "Someone else" not in html
    assert counter.count <= 5
