"""The JSON API through the test client: what it answers, to whom, and how it refuses."""

from __future__ import annotations

from csv import DictReader
from io import StringIO
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from consult.comments import service as comments
from consult.comments.models import Comment, Endorsement
from consult.compilation import statistics as counting
from consult.database import utcnow
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedParagraph
from consult.extensions import db
from consult.moderation import service as moderation
from tests.api.conftest import BASE, bearer

PARAGRAPH = f"{BASE}/paragraphs/4"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def error_of(response, status: int, field: str | None = None) -> str:
    """The message of a JSON error, after checking its status and shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == status and error["message"]
    assert error.get("field") == field
    return error["message"]


def comment_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Comment))


# Reading ---------------------------------------------------------------------------------------


def test_consultations_list_what_is_published(client, version, create_version):
    create_version(slug="hidden", status="draft")
    body = client.get("/api/v1/consultations").get_json()
    assert [item["slug"] for item in body["data"]] == ["wsis20"]
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 1, "pages": 1}
    first = body["data"][0]
    assert [v["number"] for v in first["versions"]] == [1]
    assert path_of(first["links"]["self"]) == "/api/v1/consultations/wsis20"
    assert path_of(first["links"]["html"]) == "/c/wsis20"


def test_a_consultation_and_its_versions(client, version, create_version, secretariat):
    create_version(label="Rev.1", status="draft")
    body = client.get("/api/v1/consultations/wsis20").get_json()
    assert body["title"] == "WSIS+20 outcome document"
    assert [v["label"] for v in body["versions"]] == ["Zero draft"]
    listed = client.get("/api/v1/consultations/wsis20/versions").get_json()
    assert [v["number"] for v in listed["data"]] == [1]


def test_a_version_says_its_status_period_and_moderation(client, create_version):
    create_version(moderation="pre")
    body = client.get(BASE).get_json()
    assert body["status"] == "open" and body["moderation"] == "pre"
    assert body["period"]["taking_comments"] is True
    assert body["period"]["closes_at"].endswith("Z") and "T" in body["period"]["closes_at"]
    assert path_of(body["links"]["paragraphs"]) == f"{BASE}/paragraphs"


def test_drafts_are_invisible_except_to_the_secretariats_token(
    client, create_version, make_token, secretariat, stakeholder
):
    create_version(status="draft")
    reader, secretary = bearer(make_token(stakeholder)), bearer(make_token(secretariat))
    for url in ("/api/v1/consultations/wsis20", BASE, f"{BASE}/paragraphs", PARAGRAPH,
                f"{PARAGRAPH}/comments", f"{BASE}/comments", f"{BASE}/statistics",
                f"{BASE}/dispositions", "/api/v1/consultations/wsis20/versions"):
        error_of(client.get(url), 404)
        error_of(client.get(url, headers=reader), 404)
        assert client.get(url, headers=secretary).status_code == 200
    assert client.get("/api/v1/consultations").get_json()["data"] == []


def test_paragraphs_in_order_with_names_lineage_keys_and_counts(client, discussion):
    body = client.get(f"{BASE}/paragraphs").get_json()
    assert [p["position"] for p in body["data"]] == list(range(1, 9))
    by_position = {p["position"]: p for p in body["data"]}
    fourth = by_position[4]
    assert fourth["name"] == "paragraph 1" and fourth["number_label"] == "1"
    assert fourth["body"].startswith("*Reaffirms*")
    assert fourth["body_html"].startswith("<p><em>Reaffirms</em>")
    assert fourth["text"].startswith("Reaffirms the vision")
    assert fourth["counts"] == {"comments": 2, "amendments": 1, "to_answer": 2, "answered": 1}
    assert len(fourth["lineage_key"]) == 32
    assert by_position[6]["parent_id"] == by_position[5]["id"]
    assert by_position[6]["name"] == "paragraph 2 (a)"
    assert by_position[2]["name"] == "preambular paragraph 1"


def test_lists_are_paginated_with_links_that_keep_their_parameters(client, discussion):
    body = client.get(f"{BASE}/paragraphs?per_page=3").get_json()
    assert body["meta"] == {"page": 1, "per_page": 3, "total": 8, "pages": 3}
    assert body["links"]["prev"] is None
    seen = [p["position"] for p in body["data"]]
    while body["links"]["next"]:
        body = client.get(path_of(body["links"]["next"])).get_json()
        seen += [p["position"] for p in body["data"]]
    assert seen == list(range(1, 9))
    assert body["meta"]["page"] == 3 and body["links"]["next"] is None
    assert path_of(body["links"]["prev"]) == f"{BASE}/paragraphs?page=2&per_page=3"
    assert path_of(body["links"]["first"]) == f"{BASE}/paragraphs?page=1&per_page=3"
    assert path_of(body["links"]["last"]) == f"{BASE}/paragraphs?page=3&per_page=3"
    sorted_page = client.get(f"{PARAGRAPH}/comments?per_page=1&sort=newest").get_json()
    assert "sort=newest" in sorted_page["links"]["next"]
    past_the_end = client.get(f"{BASE}/paragraphs?per_page=3&page=99").get_json()
    assert past_the_end["meta"]["page"] == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page=x", "page"), ("page=-1", "page"), ("page=1.5", "page"),
     ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("page=10000000", "page"),
     ("sort=best", "sort")],
)
def test_bad_paging_is_refused(client, version, query, field):
    error_of(client.get(f"{PARAGRAPH}/comments?{query}"), 400, field)


def test_one_paragraph_links_its_neighbours(client, version):
    body = client.get(PARAGRAPH).get_json()
    assert body["position"] == 4 and body["name"] == "paragraph 1"
    assert path_of(body["links"]["previous"]) == f"{BASE}/paragraphs/3"
    assert path_of(body["links"]["next"]) == f"{BASE}/paragraphs/5"
    assert client.get(f"{BASE}/paragraphs/1").get_json()["links"]["previous"] is None
    assert client.get(f"{BASE}/paragraphs/8").get_json()["links"]["next"] is None
    error_of(client.get(f"{BASE}/paragraphs/9"), 404)


def test_a_paragraphs_comments_with_their_counts_answers_and_authors(client, discussion):
    body = client.get(f"{PARAGRAPH}/comments").get_json()
    assert [c["id"] for c in body["data"]] == [discussion.comment.id, discussion.amendment.id]
    comment, amendment = body["data"]
    assert comment["reply_count"] == 1
    assert comment["endorsements"]["total"] == 1
    assert comment["endorsements"]["by_group"]["academia"] == 1
    assert comment["endorsements"]["by_group"]["government"] == 0
    assert comment["author"] == {"name": "Rafael Menezes", "organization": "Ministry",
                                 "organization_verified": False,
                                 "stakeholder_group": "government", "country": "BR"}
    assert comment["paragraph"]["position"] == 4
    assert comment["disposition"] is None and comment["created_at"].endswith("Z")
    assert amendment["kind"] == "amendment"
    assert amendment["proposed_text"] == "Reaffirms the shared vision;"
    assert amendment["disposition"]["value"] == "accepted"
    assert amendment["disposition"]["rationale"] == "Taken into Rev.1."
    general = client.get(f"{BASE}/comments").get_json()
    assert [c["id"] for c in general["data"]] == [discussion.general.id]
    assert general["data"][0]["paragraph"] is None


def test_the_viewer_sees_what_they_endorsed(client, discussion, make_token, other_stakeholder):
    mine = bearer(make_token(other_stakeholder))
    body = client.get(f"{PARAGRAPH}/comments", headers=mine).get_json()
    assert body["data"][0]["endorsed_by_you"] is True
    assert client.get(f"{PARAGRAPH}/comments").get_json()["data"][0]["endorsed_by_you"] is False


def test_a_comment_with_its_replies(client, discussion, stakeholder):
    deeper = comments.reply(stakeholder, discussion.reply, body="And a reply to the reply.")
    db.session.commit()
    body = client.get(f"/api/v1/comments/{discussion.comment.id}").get_json()
    assert body["body"] == "Keep *the* vision."
    assert [r["id"] for r in body["replies"]] == [discussion.reply.id, deeper.id]
    assert body["replies"][1]["parent_id"] == discussion.reply.id
    assert body["replies"][1]["root_id"] == discussion.comment.id
    assert body["reply_count"] == 2
    reply = client.get(f"/api/v1/comments/{discussion.reply.id}").get_json()
    assert [r["id"] for r in reply["replies"]] == [deeper.id]
    error_of(client.get("/api/v1/comments/999999"), 404)


def test_a_withdrawn_comment_keeps_its_place_but_not_its_words(client, discussion):
    comments.withdraw_comment(discussion.comment.author, discussion.comment)
    db.session.commit()
    body = client.get(f"/api/v1/comments/{discussion.comment.id}").get_json()
    assert body["status"] == "withdrawn" and body["withdrawn_at"]
    assert body["body"] is None and body["author"] is None and body["proposed_text"] is None


def test_a_merged_comment_points_to_the_one_that_speaks_for_it(client, discussion, moderator):
    moderation.merge(moderator, [(discussion.comment, discussion.comment.row_version),
                                 (discussion.amendment, discussion.amendment.row_version)],
                     into=discussion.amendment)
    db.session.commit()
    merged = client.get(f"/api/v1/comments/{discussion.comment.id}").get_json()
    assert merged["status"] == "merged"
    assert merged["merged_into_id"] == discussion.amendment.id
    canonical = client.get(f"/api/v1/comments/{discussion.amendment.id}").get_json()
    assert canonical["merged_count"] == 1
    listed = client.get(f"{PARAGRAPH}/comments").get_json()["data"]
    assert [c["id"] for c in listed] == [discussion.amendment.id]
    assert listed[0]["merged_count"] == 1 and listed[0]["endorsements"]["total"] == 1


def test_dispositions_list_the_answers(client, discussion):
    body = client.get(f"{BASE}/dispositions").get_json()
    assert [c["id"] for c in body["data"]] == [discussion.amendment.id, discussion.answered.id]
    assert [c["disposition"]["value"] for c in body["data"]] == ["accepted", "not_accepted"]
    assert body["data"][1]["disposition"]["rationale"] == "The paragraph stays."
    assert body["meta"]["total"] == 2


NUMBERS = ("comments", "amendments", "replies", "stakeholders")


def numbers(item) -> dict[str, int]:
    """The four counts of a statistics entry (a dict from the API, or a compilation Tally)."""
    if isinstance(item, dict):
        return {name: item[name] for name in NUMBERS}
    return {name: getattr(item, name) for name in NUMBERS}


def assert_same_as_the_statistics_page(body, version) -> None:
    """Every number of the API's statistics is the statistics page's, in the same order."""
    found = counting.statistics(version)
    assert body["version_id"] == version.id
    assert body["totals"] == {**numbers(found.totals), "countries": found.countries_total}
    assert body["general"] == numbers(found.general)
    assert [(p["position"], p["name"], numbers(p)) for p in body["paragraphs"]] == [
        (tally.key, tally.label, numbers(tally)) for tally in found.paragraphs
    ]
    assert [(g["stakeholder_group"], g["label"], numbers(g)) for g in body["groups"]] == [
        (tally.key, tally.label, numbers(tally)) for tally in found.groups
    ]
    assert [(c["country"], c["name"], numbers(c)) for c in body["countries"]] == [
        (tally.key, tally.label, numbers(tally)) for tally in found.countries
    ]
    assert [(d["date"], numbers(d)) for d in body["days"]] == [
        (tally.key.isoformat(), numbers(tally)) for tally in found.days
    ]
    assert body["endorsements"]["total"] == found.endorsements_total
    assert body["endorsements"]["by_group"] == found.endorsements


def test_statistics_are_the_numbers_of_the_statistics_page(client, discussion, moderator):
    # Merged, the comment on paragraph 4 still counts (it was published, and stays readable
    # from the amendment), with its endorsement; the reply to it counts apart.
    moderation.merge(moderator, [(discussion.comment, discussion.comment.row_version),
                                 (discussion.amendment, discussion.amendment.row_version)],
                     into=discussion.amendment)
    db.session.commit()
    body = client.get(f"{BASE}/statistics").get_json()
    assert_same_as_the_statistics_page(body, discussion.version)
    assert body["totals"] == {"comments": 2, "amendments": 2, "replies": 1, "stakeholders": 2,
                              "countries": 2}
    assert body["general"] == {"comments": 1, "amendments": 0, "replies": 0, "stakeholders": 1}
    fourth = next(p for p in body["paragraphs"] if p["position"] == 4)
    assert numbers(fourth) == {"comments": 1, "amendments": 1, "replies": 1, "stakeholders": 2}
    assert fourth["name"] == "paragraph 1"
    groups = {g["stakeholder_group"]: g for g in body["groups"]}
    assert list(groups) == ["government", "private_sector", "civil_society", "academia",
                            "technical_community", "international_organization"]
    assert numbers(groups["government"]) == {"comments": 2, "amendments": 1, "replies": 0,
                                             "stakeholders": 1}
    assert numbers(groups["academia"]) == {"comments": 0, "amendments": 1, "replies": 1,
                                           "stakeholders": 1}
    assert groups["academia"]["label"] == "Academia"
    assert [(c["country"], c["name"]) for c in body["countries"]] == [("BR", "Brazil"),
                                                                      ("CN", "China")]
    assert body["days"][-1]["date"] == utcnow().date().isoformat()
    assert body["endorsements"]["total"] == 1 and body["endorsements"]["by_group"]["academia"] == 1

    # Withdrawn input is no longer public, and no longer counted, here or on the page.
    comments.withdraw_comment(discussion.general.author, discussion.general)
    db.session.commit()
    body = client.get(f"{BASE}/statistics").get_json()
    assert_same_as_the_statistics_page(body, discussion.version)
    assert body["general"]["comments"] == 0 and body["totals"]["comments"] == 1


def test_statistics_name_paragraphs_as_the_rest_of_the_api_does(client, discussion):
    body = client.get(f"{BASE}/statistics").get_json()
    listed = client.get(f"{BASE}/paragraphs?per_page=100").get_json()["data"]
    named = {p["position"]: (p["id"], p["lineage_key"], p["name"]) for p in listed}
    assert body["paragraphs"]
    for entry in body["paragraphs"]:
        assert named[entry["position"]] == (entry["paragraph_id"], entry["lineage_key"],
                                            entry["name"])


def test_statistics_agree_with_the_statistics_pages_csv(client, discussion):
    body = client.get(f"{BASE}/statistics").get_json()
    csv = client.get("/c/wsis20/v/1/statistics-paragraphs.csv").get_data(as_text=True)
    rows = list(DictReader(StringIO(csv.removeprefix("\ufeff"), newline="")))
    assert [(row["Position"], row["Comments"], row["Amendments"], row["Replies"])
            for row in rows] == [
        (str(entry.get("position", "")), str(entry["comments"]), str(entry["amendments"]),
         str(entry["replies"]))
        for entry in [body["general"], *body["paragraphs"]]
    ]


def test_endorsements_count_by_the_endorsers_group_over_public_input(
    client, discussion, create_user
):
    engineer = create_user(stakeholder_group="technical_community", country="IN")
    comments.endorse(engineer, discussion.comment)
    comments.endorse(engineer, discussion.general)
    db.session.commit()
    by_group = client.get(f"{BASE}/statistics").get_json()["endorsements"]["by_group"]
    assert (by_group["academia"], by_group["technical_community"]) == (1, 2)
    comments.withdraw_comment(discussion.comment.author, discussion.comment)
    db.session.commit()
    found = client.get(f"{BASE}/statistics").get_json()["endorsements"]
    assert found["total"] == 1 and found["by_group"]["technical_community"] == 1


# Query counts ----------------------------------------------------------------------------------


LISTS = [
    "/api/v1/consultations",
    "/api/v1/consultations/wsis20/versions",
    f"{BASE}/paragraphs?per_page=100",
    f"{PARAGRAPH}/comments?per_page=100",
    f"{BASE}/comments?per_page=100",
    f"{BASE}/dispositions?per_page=100",
    f"{BASE}/statistics",
    "/api/v1/comments/{root}",
]


def _grow(create_version, version, people, moderator, root, times: int) -> None:
    """More of everything the lists show: paragraphs, consultations, versions, comments,
    replies, endorsements and answers."""
    last = drafts.version_paragraphs(version)[-1].position
    drafts.add_paragraphs(
        version, [ParsedParagraph("operative", f"More {n}.", str(n)) for n in range(times)],
        start=last + 1,
    )
    fourth = drafts.get_paragraph(version, 4)
    for n in range(times):
        create_version(slug=f"more-{last}-{n}")
        create_version(label=f"Rev.{last}.{n}")
        author = people[n % len(people)]
        made = comments.post_comment(author, version, fourth, kind="amendment", body=f"Why {n}",
                                     proposed_text=f"Reaffirms version {n};")
        comments.post_comment(author, version, None, body=f"General {n}")
        comments.reply(author, root, body=f"Reply {n}")
        for other in people:
            if other is not author:
                comments.endorse(other, made)
        moderation.set_disposition(moderator, [(made, made.row_version)], "noted", "Seen.")
    db.session.commit()


@pytest.mark.parametrize("url", LISTS)
def test_a_lists_queries_do_not_grow_with_its_items(
    client, version, create_version, create_user, moderator, make_token, count_queries, url
):
    people = [create_user(stakeholder_group=group, country=country)
              for group, country in (("academia", "JP"), ("government", "BR"),
                                     ("civil_society", "KE"))]
    root = comments.post_comment(people[0], version, None, body="The root.")
    db.session.commit()
    url = url.format(root=root.id)
    reader = bearer(make_token(people[0]))
    client.get(url, headers=reader)  # the token's use is noted now, not in what is counted
    _grow(create_version, version, people, moderator, root, 1)
    with count_queries() as few:
        assert client.get(url, headers=reader).status_code == 200
    _grow(create_version, version, people, moderator, root, 12)
    with count_queries() as many:
        response = client.get(url, headers=reader)
    assert response.status_code == 200
    assert many.count == few.count, (few.statements, many.statements)


# Writing ---------------------------------------------------------------------------------------


def test_a_comment_is_posted_with_a_token(client, version, headers, stakeholder):
    response = client.post(f"{PARAGRAPH}/comments", headers=headers, json={
        "body": "We *support* this.", "quote": "people-centred", "submission_key": "abc-1"})
    assert response.status_code == 201
    body = response.get_json()
    assert path_of(response.headers["Location"]) == f"/api/v1/comments/{body['id']}"
    assert body["status"] == "published" and body["kind"] == "comment"
    assert body["body_html"] == "<p>We <em>support</em> this.</p>"
    assert body["quote"] == "people-centred"
    assert body["author"]["name"] == "Amina Diallo"
    stored = db.session.get(Comment, body["id"])
    assert stored.author_id == stakeholder.id and stored.submission_key == "abc-1"


def test_sending_the_same_submission_again_gives_the_same_comment(client, version, headers):
    sent = {"body": "Once only.", "submission_key": "same-key"}
    first = client.post(f"{PARAGRAPH}/comments", headers=headers, json=sent)
    again = client.post(f"{PARAGRAPH}/comments", headers=headers, json=sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert "Location" not in again.headers
    assert comment_count() == 1


def test_an_amendment_and_a_general_comment(client, version, headers):
    amendment = client.post(f"{PARAGRAPH}/comments", headers=headers, json={
        "kind": "amendment", "body": "Clearer.", "proposed_text": "Reaffirms the vision;"})
    assert amendment.status_code == 201
    assert amendment.get_json()["proposed_text"] == "Reaffirms the vision;"
    general = client.post(f"{BASE}/comments", headers=headers, json={"body": "Overall, good."})
    assert general.status_code == 201 and general.get_json()["paragraph"] is None


def test_the_rules_of_the_site_hold(client, version, headers):
    message = error_of(client.post(f"{PARAGRAPH}/comments", headers=headers, json={
        "kind": "amendment", "body": "Why"}), 400, "proposed_text")
    assert "Write the text you propose" in message
    error_of(client.post(f"{PARAGRAPH}/comments", headers=headers, json={
        "body": "Hi", "quote": "words not in the paragraph"}), 400, "quote")
    error_of(client.post(f"{PARAGRAPH}/comments", headers=headers, json={"body": "   "}),
             400, "body")
    assert comment_count() == 0


def test_a_closed_period_refuses_comments_with_its_reason(client, create_version, headers):
    create_version(status="closed")
    message = error_of(client.post(f"{PARAGRAPH}/comments", headers=headers,
                                   json={"body": "Too late?"}), 403)
    assert "comment period closed" in message
    assert comment_count() == 0


def test_under_pre_moderation_a_comment_waits_and_its_author_is_told(
    client, create_version, headers
):
    create_version(moderation="pre")
    made = client.post(f"{PARAGRAPH}/comments", headers=headers, json={"body": "Wait for it."})
    assert made.status_code == 201 and made.get_json()["status"] == "pending"
    comment_id = made.get_json()["id"]
    assert client.get(f"{PARAGRAPH}/comments").get_json()["data"] == []
    error_of(client.get(f"/api/v1/comments/{comment_id}"), 404)
    own = client.get(f"/api/v1/comments/{comment_id}", headers=headers).get_json()
    assert own["status"] == "pending"
    listed = client.get(f"{PARAGRAPH}/comments", headers=headers).get_json()["data"]
    assert [c["status"] for c in listed] == ["pending"]


def test_a_reply(client, discussion, headers):
    response = client.post(f"/api/v1/comments/{discussion.comment.id}/replies",
                           headers=headers, json={"body": "I agree too."})
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind"] == "reply" and body["parent_id"] == discussion.comment.id
    assert body["root_id"] == discussion.comment.id
    comments.withdraw_comment(discussion.general.author, discussion.general)
    db.session.commit()
    error_of(client.post(f"/api/v1/comments/{discussion.general.id}/replies", headers=headers,
                         json={"body": "Too late."}), 409)
    error_of(client.post("/api/v1/comments/999999/replies", headers=headers,
                         json={"body": "Nobody."}), 404)


def test_endorse_and_withdraw(client, discussion, headers):
    url = f"/api/v1/comments/{discussion.comment.id}/endorsement"
    endorsed = client.put(url, headers=headers)
    assert endorsed.status_code == 200
    assert endorsed.get_json()["endorsed_by_you"] is True
    assert endorsed.get_json()["endorsements"]["total"] == 2
    assert endorsed.get_json()["endorsements"]["by_group"]["civil_society"] == 1
    assert "already endorsed" in error_of(client.put(url, headers=headers), 409)
    withdrawn = client.delete(url, headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["endorsed_by_you"] is False
    assert withdrawn.get_json()["endorsements"]["total"] == 1
    assert "not endorsed" in error_of(client.delete(url, headers=headers), 409)


def test_one_cannot_endorse_ones_own_comment(client, discussion, make_token):
    own = bearer(make_token(discussion.comment.author))
    error_of(client.put(f"/api/v1/comments/{discussion.comment.id}/endorsement", headers=own),
             403)


def test_endorsing_needs_an_open_period(client, discussion, headers, secretariat):
    drafts.close_version(secretariat, discussion.version)
    db.session.commit()
    url = f"/api/v1/comments/{discussion.comment.id}/endorsement"
    error_of(client.put(url, headers=headers), 403)
    error_of(client.delete(url, headers=headers), 403)
    assert db.session.scalar(select(func.count()).select_from(Endorsement)) == 1


# Tokens on the API -----------------------------------------------------------------------------


WRITES = [
    ("post", f"{PARAGRAPH}/comments"),
    ("post", f"{BASE}/comments"),
    ("post", "/api/v1/comments/1/replies"),
    ("put", "/api/v1/comments/1/endorsement"),
    ("delete", "/api/v1/comments/1/endorsement"),
]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_every_write_operation_needs_a_token(client, discussion, method, url):
    response = getattr(client, method)(url, json={"body": "Anonymous?"})
    assert "token" in error_of(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert comment_count() == 5


@pytest.mark.parametrize(("header", "error"), [
    ("Bearer not-a-real-token-but-long-enough-to-look", "invalid_token"),
    ("Bearer ", "invalid_request"),
    ("Basic YW1pbmE6c2VjcmV0", "invalid_request"),
    ("Token abc", "invalid_request"),
])
def test_a_token_that_does_not_work_is_refused_even_for_reading(client, version, header, error):
    response = client.get(BASE, headers={"Authorization": header})
    error_of(response, 401)
    assert f"error={error}" in response.headers["WWW-Authenticate"].replace('"', "")


def test_a_revoked_token_is_refused(client, version, stakeholder, make_token):
    from consult.api import service as tokens

    secret = make_token(stakeholder)
    assert client.get(BASE, headers=bearer(secret)).status_code == 200
    token = tokens.list_tokens(stakeholder)[0]
    tokens.revoke_token(stakeholder, token.id)
    db.session.commit()
    error_of(client.post(f"{PARAGRAPH}/comments", headers=bearer(secret), json={"body": "Hi"}),
             401)


def test_the_session_cookie_does_not_authenticate_the_api(client, auth, version, stakeholder):
    auth.login(stakeholder.email)
    error_of(client.post(f"{PARAGRAPH}/comments", json={"body": "From the browser."}), 401)


def test_reading_with_a_token_notes_its_use(client, version, stakeholder, make_token):
    from consult.api.models import ApiToken

    client.get(BASE, headers=bearer(make_token(stakeholder)))
    db.session.rollback()
    assert db.session.execute(select(ApiToken.last_used_at)).scalar_one() is not None


# Errors and bad input --------------------------------------------------------------------------


def test_a_non_json_body_is_415(client, version, headers):
    response = client.post(f"{PARAGRAPH}/comments", headers=headers, data={"body": "form"})
    assert "JSON" in error_of(response, 415)
    response = client.post(f"{PARAGRAPH}/comments", headers=headers, data="body=x",
                           content_type="text/plain")
    error_of(response, 415)


BAD_BODIES = [
    ('{"body": "unfinished', None),
    ("[]", None),
    ('"just a string"', None),
    ("null", None),
    ("", None),
    ('{"body": NaN}', None),
    ('{"body": "a", "body": "b"}', "body"),
    ('{"body": "Hi", "author_id": 1}', "author_id"),
    ('{"body": "Hi", "status": "published"}', "status"),
    ('{"kind": "comment"}', "body"),
    ('{"body": 42}', "body"),
    ('{"body": ["a"]}', "body"),
    ('{"body": null}', "body"),
    ('{"body": ""}', "body"),
    ('{"body": "Hi", "kind": "reply"}', "kind"),
    ('{"body": "Hi", "kind": "vote"}', "kind"),
    ('{"body": "Hi", "proposed_text": true}', "proposed_text"),
    ('{"body": "Hi", "quote": "' + "q" * 1001 + '"}', "quote"),
    ('{"body": "Hi", "submission_key": "' + "k" * 65 + '"}', "submission_key"),
    ('{"body": "Hi", "submission_key": ""}', "submission_key"),
    ('{"body": "NUL \\u0000 inside"}', "body"),
    ('{"body": "lone \\ud800 surrogate"}', "body"),
]


@pytest.mark.parametrize(("raw", "field"), BAD_BODIES)
def test_bad_input_never_reaches_the_database(client, version, headers, count_queries, raw,
                                              field):
    client.get(BASE, headers=headers)  # note the token's use before counting
    with count_queries() as counter:
        response = client.post(f"{PARAGRAPH}/comments", headers=headers, data=raw,
                               content_type="application/json")
    error_of(response, 400, field)
    # Only the token was looked up: nothing of the request was sent to the database.
    assert counter.count == 1 and "api_token" in counter.statements[0]


def test_lengths_follow_the_configured_limits(app, client, version, headers):
    limit = app.config["COMMENT_MAX_LENGTH"]
    message = error_of(client.post(f"{PARAGRAPH}/comments", headers=headers,
                                   json={"body": "x" * (limit + 1)}), 400, "body")
    assert str(limit) in message
    app.config["PROPOSED_TEXT_MAX_LENGTH"] = 20
    error_of(client.post(f"{PARAGRAPH}/comments", headers=headers, json={
        "kind": "amendment", "body": "Why", "proposed_text": "y" * 21}), 400, "proposed_text")
    document = client.get("/api/v1/openapi.json").get_json()
    properties = document["components"]["schemas"]["CommentCreate"]["properties"]
    assert properties["body"]["maxLength"] == limit
    assert properties["proposed_text"]["maxLength"] == 20


def test_a_body_too_large_is_a_json_413(app, client, version, headers):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(f"{PARAGRAPH}/comments", headers=headers,
                           json={"body": "x" * 2000})
    error_of(response, 413)
    assert comment_count() == 0


def test_a_batch_of_invalid_posts_leaves_no_comment(client, version, headers):
    for raw, _field in BAD_BODIES:
        client.post(f"{PARAGRAPH}/comments", headers=headers, data=raw,
                    content_type="application/json")
        client.post(f"{BASE}/comments", headers=headers, data=raw,
                    content_type="application/json")
    assert comment_count() == 0


@pytest.mark.parametrize("url", [
    "/api/v1/nothing/here",
    "/api/v1/consultations/nope",
    "/api/v1/consultations/Not_A_Slug",
    f"{BASE}/paragraphs/0",
    "/api/v1/consultations/wsis20/versions/7",
    "/api/v1/comments/2147483648",
    f"{BASE}/paragraphs/2147483647",
])
def test_what_is_not_there_is_a_json_404(client, version, url):
    error_of(client.get(url), 404)


def test_a_wrong_method_is_a_json_405_with_allow(client, version, headers):
    response = client.delete(BASE, headers=headers)
    error_of(response, 405)
    assert "GET" in response.headers["Allow"]
    response = client.patch(f"{PARAGRAPH}/comments", headers=headers)
    error_of(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_an_unexpected_failure_is_a_json_500(app, client, version, monkeypatch):
    from consult.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.drafts, "list_consultations", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    error_of(client.get("/api/v1/consultations"), 500)
