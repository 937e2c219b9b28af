"""The comparison and history pages, seen through the test client."""

from __future__ import annotations

import re

import pytest

from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedParagraph
from consult.extensions import db
from tests.drafts.test_compare import Same, revise, unchanged


def text(response) -> str:
    return response.get_data(as_text=True)


def squeeze(html: str) -> str:
    """The page with tags dropped and white space collapsed, to read as a person does."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def rev1(version, secretariat):
    """Rev.1: a new paragraph 1, so 1-3 become 2-4; (b) deleted; 3 (now 4) amended."""
    items: list[Same | ParsedParagraph] = [
        Same(1),
        Same(2),
        Same(3),
        ParsedParagraph("operative", "*Notes* the progress made since 2005;", "1"),
        Same(4, number_label="2"),
        Same(5, number_label="3"),
        Same(6),
        Same(8, body="*Decides* to hold a high-level review in 2035.", number_label="4"),
    ]
    return revise(secretariat, version, items)


# Comparing --------------------------------------------------------------------------------


def test_the_compare_page_shows_the_latest_version_against_the_one_before(client, rev1):
    response = client.get("/c/wsis20/compare")
    assert response.status_code == 200
    html = text(response)
    words = squeeze(html)
    assert "From Zero draft to Rev.1" in words
    assert '<option value="1" selected>Zero draft</option>' in html
    assert '<option value="2" selected>Rev.1</option>' in html
    for summary in (
        "1 paragraph changed",
        "1 paragraph added",
        "1 paragraph deleted",
        "6 paragraphs unchanged",
        "4 paragraphs renumbered",
    ):
        assert summary in words, summary
    assert "<ins>Notes the progress made since 2005;</ins>" in html
    assert "<del>To strengthen the Internet Governance Forum;</del>" in html
    assert "high-level <del>meeting</del><ins>review</ins> in 2035." in html
    assert "<bdi>3</bdi>" in html and "<bdi>4</bdi>" in html and "→" in html
    assert "2 (a) → becomes 3 (a)" in words
    # Each side links to its paragraph page, and every row to the paragraph's history.
    assert 'href="/c/wsis20/v/1/p/8"' in html and 'href="/c/wsis20/v/2/p/8"' in html
    assert 'href="/c/wsis20/v/1/p/7"' in html  # the deleted (b)
    assert "Paragraph 3 in Zero draft" in words and "Paragraph 4 in Rev.1" in words
    assert html.count('href="/c/wsis20/history/') == 9


def test_the_rows_follow_the_new_order_with_deletions_where_they_stood(client, rev1):
    html = text(client.get("/c/wsis20/compare?from=1&to=2"))
    order = [
        "The General Assembly",
        "Recalling",
        "Information and communications",
        "Notes the progress",
        "Reaffirms",
        "Calls upon",
        "To bridge digital divides",
        "To strengthen the Internet",
        "Decides",
    ]
    places = [html.index(words) for words in order]
    assert places == sorted(places)


def test_only_the_changes_can_be_shown(client, version, secretariat):
    items = unchanged()
    items[7] = Same(8, body="*Decides* to hold a high-level review in 2035.")
    revise(secretariat, version, items)
    html = text(client.get("/c/wsis20/compare?from=1&to=2&changes=1"))
    assert "Decides" in html and "Reaffirms" not in html
    assert 'name="changes" value="1" checked' in html


def test_the_versions_can_be_compared_the_other_way(client, rev1):
    html = text(client.get("/c/wsis20/compare?from=2&to=1"))
    assert "<del>Notes the progress made since 2005;</del>" in html
    assert "high-level <del>review</del><ins>meeting</ins> in 2035." in html


def test_identical_versions_say_so(client, version, secretariat):
    revise(secretariat, version, unchanged())
    words = squeeze(text(client.get("/c/wsis20/compare")))
    assert "The text of the two versions is the same." in words
    assert "8 paragraphs unchanged" in words


def test_a_version_compared_with_itself_gets_a_clear_message(client, rev1):
    response = client.get("/c/wsis20/compare?from=2&to=2")
    assert response.status_code == 200
    assert "You chose the same version twice" in text(response)


def test_with_one_version_there_is_nothing_to_compare(client, version):
    response = client.get("/c/wsis20/compare")
    assert response.status_code == 200
    assert "There is no earlier version to compare with." in text(response)


@pytest.mark.parametrize(
    "path",
    [
        "/c/wsis20/compare?from=1&to=9",
        "/c/wsis20/compare?from=0",
        "/c/wsis20/compare?to=two",
        "/c/nowhere/compare",
    ],
)
def test_unknown_versions_are_not_found(client, rev1, path):
    assert client.get(path).status_code == 404


def test_drafts_are_compared_by_the_secretariat_only(client, auth, rev1, secretariat, stakeholder):
    revise(secretariat, rev1, unchanged(8), label="Rev.2", status="draft")
    assert client.get("/c/wsis20/compare?from=2&to=3").status_code == 404
    html = text(client.get("/c/wsis20/compare"))
    assert "Rev.2" not in html and "From Zero draft to Rev.1" in squeeze(html)
    auth.login("amina@example.org")
    assert client.get("/c/wsis20/compare?to=3").status_code == 404
    auth.logout()
    auth.login("secretariat@example.org")
    response = client.get("/c/wsis20/compare?from=2&to=3")
    assert response.status_code == 200
    assert "From Rev.1 to Rev.2" in squeeze(text(response))
    assert "Rev.2 · Draft (not published)" in text(response)


def test_the_version_page_links_to_the_comparison(client, rev1):
    assert 'href="/c/wsis20/compare?to=2"' in text(client.get("/c/wsis20/v/2"))
    assert "/compare" not in text(client.get("/c/wsis20/v/1"))
    assert "From Zero draft to Rev.1" in squeeze(text(client.get("/c/wsis20/compare?to=2")))


def test_the_compare_page_queries_do_not_grow_with_paragraphs(
    client, auth, create_version, secretariat, count_queries
):
    small = create_version(slug="small", paragraphs=[ParsedParagraph("operative", "One.", "1")])
    revise(secretariat, small, [Same(1, body="One, changed.")])
    many = [ParsedParagraph("operative", f"*Decides* point {n};", str(n)) for n in range(1, 61)]
    many.insert(3, ParsedParagraph("operative", "To act;", "(a)", 1))
    large = create_version(slug="large", paragraphs=many)
    revise(
        secretariat,
        large,
        [Same(p, body="*Decides* otherwise;" if p % 3 else None) for p in range(61, 0, -1)],
    )
    auth.login("secretariat@example.org")
    counted = {}
    for slug in ("small", "large"):
        path = f"/c/{slug}/compare"
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        counted[slug] = counter.count
    assert counted["small"] == counted["large"], counted


# History ----------------------------------------------------------------------------------


def test_the_history_of_a_paragraph(
    client, version, rev1, secretariat, stakeholder, other_stakeholder
):
    target = drafts.get_paragraph(version, 8)
    for n in range(1, 8):
        comments.post_comment(stakeholder, version, target, body=f"Point number {n}")
    comments.post_comment(
        other_stakeholder, version, target, kind="amendment", body="Sooner", proposed_text="2030"
    )
    revise(secretariat, rev1, unchanged(7), label="Rev.2")  # drops it
    db.session.commit()
    response = client.get(f"/c/wsis20/history/{target.lineage_key}")
    assert response.status_code == 200
    html = text(response)
    words = squeeze(html)
    assert "History of paragraph 4" in words  # as numbered in the last version that has it
    assert "Zero draft" in words and "Rev.1" in words and "Rev.2" in words
    assert "Decides to hold a high-level meeting in 2035." in words
    assert "high-level <del>meeting</del><ins>review</ins> in 2035." in html
    assert "before: paragraph 3" in words
    assert "The paragraph was deleted: it is not in this version." in words
    assert "7 comments, 1 proposal" in words
    assert "0 comments, 0 proposals" not in words and "No published comments." in words
    for n in range(1, 6):
        assert f"Point number {n}" in words
    assert "Point number 6" not in words
    assert "Amina Diallo" in words and "Network for Digital Justice" in words
    assert "Civil society" in words and "Comment" in words
    first = comments.thread(version, target, None).comments[0]
    assert f'href="/comments/{first.id}"' in html
    assert 'href="/c/wsis20/v/1/p/8"' in html and 'href="/c/wsis20/v/2/p/8"' in html


def test_a_new_paragraph_was_not_yet_in_earlier_versions(client, rev1):
    key = drafts.get_paragraph(rev1, 4).lineage_key
    words = squeeze(text(client.get(f"/c/wsis20/history/{key}")))
    assert "The paragraph was not yet in this version." in words
    assert "Notes the progress made since 2005;" in words


def test_the_paragraph_page_links_to_its_history(client, version):
    key = drafts.get_paragraph(version, 6).lineage_key
    html = text(client.get("/c/wsis20/v/1/p/6"))
    assert f'href="/c/wsis20/history/{key}"' in html and "History of this paragraph" in html
    words = squeeze(text(client.get(f"/c/wsis20/history/{key}")))
    assert "History of paragraph 2 (a)" in words


def test_unknown_or_unpublished_histories_are_not_found(client, auth, version, secretariat):
    assert client.get("/c/wsis20/history/nothing").status_code == 404
    assert client.get("/c/nowhere/history/nothing").status_code == 404
    items: list[Same | ParsedParagraph] = [
        *unchanged(),
        ParsedParagraph("operative", "*Decides* to meet again.", "4"),
    ]
    draft = revise(secretariat, version, items, status="draft")
    new_key = drafts.get_paragraph(draft, 9).lineage_key
    old_key = drafts.get_paragraph(draft, 8).lineage_key
    assert client.get(f"/c/wsis20/history/{new_key}").status_code == 404
    assert "Rev.1" not in text(client.get(f"/c/wsis20/history/{old_key}"))
    auth.login("secretariat@example.org")
    assert client.get(f"/c/wsis20/history/{new_key}").status_code == 200
    assert "Rev.1" in text(client.get(f"/c/wsis20/history/{old_key}"))


def test_the_history_page_queries_do_not_grow_with_versions_or_comments(
    client, auth, version, secretariat, stakeholder, other_stakeholder, count_queries
):
    def measure() -> int:
        path = f"/c/wsis20/history/{key}"
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    key = drafts.get_paragraph(version, 6).lineage_key
    auth.login("li@example.org")
    few = measure()
    base = version
    for n in range(1, 5):
        base = revise(secretariat, base, unchanged(), label=f"Rev.{n}")
        target = drafts.get_paragraph(base, 6)
        for m in range(8):
            made = comments.post_comment(stakeholder, base, target, body=f"Comment {m}")
            comments.reply(other_stakeholder, made, body="Agreed")
            comments.endorse(other_stakeholder, made)
        db.session.commit()
    assert measure() == few


def test_a_version_number_that_is_no_plain_number_is_not_found(client, create_version):
    create_version()
    for value in ["²", "١", "1" * 20, "-1", "1.0"]:
        assert client.get(f"/c/wsis20/compare?from={value}&to=1").status_code == 404, value
