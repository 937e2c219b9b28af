"""The compilation's rows through the service: who sees what, words for codes, filters."""

from __future__ import annotations

import pytest

from consult.auth import service as accounts
from consult.comments import service as comments
from consult.comments.models import Comment, CommentStatus
from consult.compilation import service
from consult.drafts import service as drafts
from consult.errors import Forbidden
from consult.extensions import db
from consult.moderation import service as moderation
from consult.moderation.service import QueueFilter
from tests.compilation.conftest import ARABIC, CHINESE, CHINESE_PROPOSAL, RUSSIAN


def rows_by_id(found: service.Compilation) -> dict[int, service.Row]:
    return {row.id: row for row in found.rows()}


def test_a_row_has_the_author_as_they_were_and_words_for_every_code(inputs, version, people):
    accounts.update_profile(people["ngo"], name="Priya R.", organization="Elsewhere",
                            stakeholder_group="academia", country="FR")
    db.session.commit()
    row = rows_by_id(service.compilation(None, version))[inputs["ngo"].id]
    assert (row.author, row.organization, row.group, row.country) == (
        "Priya Raghunathan", "Network for Digital Justice", "Civil society", "India")
    assert (row.section, row.paragraph, row.kind) == (
        "I. Information and communications technologies for development", "paragraph 1",
        "Amendment")
    assert row.text == "Say inclusive first."
    assert row.proposed_text == "Reaffirms the vision of an inclusive and people-centred society;"
    assert (row.endorsements, row.replies, row.status) == (1, 0, "Published")
    assert (row.disposition, row.rationale) == (
        "Partially accepted", "Inclusive is added; the order stays.")
    gov = rows_by_id(service.compilation(None, version))[inputs["gov"].id]
    assert gov.text == "Make the mandate of the Forum permanent."  # the Markdown's words
    assert (gov.endorsements, gov.replies) == (3, 1)


def test_the_public_sees_published_and_merged_input_in_the_order_of_the_text(inputs, version):
    found = service.compilation(None, version)
    order = [row.id for row in found.rows()]
    expected = ["ru", "gov", "uni", "ngo", "ar", "zh"]  # general first, then by paragraph
    assert order == [inputs[name].id for name in expected]
    assert found.total == 6
    assert all(row.public for row in found.rows())


def test_merged_input_says_what_it_counts_for_and_carries_its_answer(inputs, version):
    row = rows_by_id(service.compilation(None, version))[inputs["uni"].id]
    gov = inputs["gov"]
    assert row.status == f"Merged into No. {gov.id}"
    assert row.merged_into == f"No. {gov.id}: Rafael Menezes"
    assert (row.disposition, row.rationale) == ("Accepted", "The mandate is made permanent.")


def test_the_secretariat_export_has_everything_marked(inputs, version, secretariat, moderator,
                                                      stakeholder):
    for someone in (None, stakeholder, moderator):
        with pytest.raises(Forbidden):
            service.compilation(someone, version, everything=True)
    rows = rows_by_id(service.compilation(secretariat, version, everything=True))
    hidden, gone = rows[inputs["biz"].id], rows[inputs["gone"].id]
    assert hidden.status == "Hidden by a moderator: Advertising." and not hidden.public
    assert hidden.text == "Buy our product now."
    assert gone.status == "Withdrawn by its author" and not gone.public
    assert inputs["reply"].id not in rows
    assert sum(1 for row in rows.values() if row.public) == 6


def test_pending_input_is_only_in_the_secretariat_export(create_version, people, secretariat):
    version = create_version(slug="pre", moderation="pre")
    waiting = comments.post_comment(people["ru"], version, drafts.get_paragraph(version, 4),
                                    body=RUSSIAN)
    db.session.commit()
    assert service.compilation(None, version).total == 0
    [row] = service.compilation(secretariat, version, everything=True).rows()
    assert (row.id, row.status, row.public) == (waiting.id, "Awaiting moderation", False)


def test_non_latin_text_is_kept_as_written(inputs, version):
    rows = rows_by_id(service.compilation(None, version))
    assert (rows[inputs["ar"].id].author, rows[inputs["ar"].id].text) == ("ليلى حداد", ARABIC)
    zh = rows[inputs["zh"].id]
    assert (zh.author, zh.organization, zh.text, zh.proposed_text) == (
        "王伟", "清华大学", CHINESE, CHINESE_PROPOSAL)
    assert rows[inputs["ru"].id].text == RUSSIAN


def queue_ids(moderator, version, **fields) -> set[int]:
    found = moderation.queue(moderator, QueueFilter(version_id=version.id, **fields),
                             per_page=1000)
    return {item.id for item in found.items}


FILTERS = [
    {},
    {"kind": "amendment"},
    {"kind": "reply"},
    {"kind": "comment"},
    {"status": "merged"},
    {"status": "hidden"},
    {"status": "withdrawn"},
    {"status": "published"},
    {"status": "reported"},
    {"group": "academia"},
    {"group": "government"},
    {"disposition": "none"},
    {"disposition": "accepted"},
    {"text": "PERMANENT"},
    {"text": "王伟"},
    {"text": "%"},
]


@pytest.mark.parametrize("fields", FILTERS, ids=lambda fields: str(fields) or "none")
def test_filters_find_what_the_moderation_queue_finds(inputs, version, people, moderator,
                                                      secretariat, fields):
    moderation.report(people["gov"], inputs["ar"], "spam")
    db.session.commit()
    queued = queue_ids(moderator, version, **fields)
    by_id = {comment.id: comment for comment in db.session.execute(
        db.select(Comment).where(Comment.id.in_(queued))).scalars()}
    if fields.get("kind") != "reply":
        queued = {ident for ident in queued if by_id[ident].root_id is None}
    full = service.compilation(secretariat, version, QueueFilter(**fields), everything=True)
    assert {row.id for row in full.rows()} == queued
    assert full.total == len(queued)
    public = {
        ident for ident in queued
        if by_id[ident].status == CommentStatus.PUBLISHED
        or (by_id[ident].status == CommentStatus.MERGED and by_id[ident].published_at)
    }
    if fields.get("status") == "reported":
        public = set()  # reports are the moderators' business
    found = service.compilation(None, version, QueueFilter(**fields))
    assert {row.id for row in found.rows()} == public


def test_the_paragraph_filter_and_replies_as_rows(inputs, version, moderator, secretariat):
    paragraph = drafts.get_paragraph(version, 4)
    found = service.compilation(None, version, QueueFilter(paragraph_id=paragraph.id))
    assert {row.id for row in found.rows()} == {inputs[n].id for n in ("gov", "uni", "ngo")}
    [reply] = service.compilation(None, version, QueueFilter(kind="reply")).rows()
    assert (reply.id, reply.kind, reply.in_reply_to) == (
        inputs["reply"].id, "Reply", inputs["gov"].id)


def test_rows_come_in_chunks_one_query_each(inputs, version, count_queries):
    whole = [row.id for row in service.compilation(None, version).rows()]
    found = service.compilation(None, version, chunk=2)
    with count_queries() as counter:
        chunked = [row.id for row in found.rows()]
    assert chunked == whole
    assert counter.count == 4  # 6 rows: 2 + 2 + 2, and one that finds none


def test_a_filter_on_another_version_finds_nothing(inputs, version, create_version):
    other = create_version(slug="other")
    paragraph = drafts.get_paragraph(version, 4)
    found = service.compilation(None, other, QueueFilter(paragraph_id=paragraph.id))
    assert found.total == 0 and list(found.rows()) == []


def test_readable_text_keeps_paragraphs_lists_and_link_addresses():
    rendered = (
        '<p>First <strong>bold</strong> &amp; more<br>\nnext line</p>\n'
        '<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n'
        '<p>See <a href="https://example.org/x" rel="nofollow">our site</a> and '
        '<a href="https://example.org">https://example.org</a>.</p>'
    )
    assert service.readable_text(rendered) == (
        "First bold & more\nnext line\n\n- one\n- two\n\n"
        "See our site (https://example.org/x) and https://example.org."
    )


def test_sheet_titles_are_short_clean_and_unique():
    titles = service.sheet_titles([
        "About", "I. Information and communications technologies for development",
        "I. Information and communications technologies — again", "a/b:c*d?[e]", "ABOUT", "",
    ])
    assert titles[0] == "About"
    assert all(len(title) <= 31 for title in titles)
    assert titles[1] == "I. Information and communicatio"
    assert titles[2] == "I. Information and communic (2)"
    assert titles[3] == "a b c d e"
    assert titles[4] == "ABOUT (2)"
    assert titles[5] == "Sheet"
    assert len({title.casefold() for title in titles}) == len(titles)


def test_english_country_names():
    assert service.english_country_name("CI") == "Côte d’Ivoire"
    assert service.english_country_name("ZZ") == "ZZ"
    assert service.english_country_name("") == ""
