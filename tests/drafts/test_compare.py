"""Comparing two versions by lineage key, and one paragraph's history, without HTTP.

The pairs are made by hand: `revise` builds a later version from an earlier one as a
revision does, copying the lineage keys of the paragraphs it keeps (`Same`), so each
test says exactly what was edited, deleted, inserted or moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from consult.auth.models import User
from consult.comments import service as comments
from consult.database import utcnow
from consult.drafts import compare as comparing
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedParagraph
from consult.drafts.models import Paragraph, Version
from consult.errors import NotFound
from consult.extensions import db


@dataclass(frozen=True)
class Same:
    """The paragraph at this position of the earlier version, carried over (and edited)."""

    position: int
    body: str | None = None
    number_label: str | None = None
    kind: str | None = None


def _level(paragraph: Paragraph) -> int:
    level, parent = 0, paragraph.parent
    while parent is not None:
        level, parent = level + 1, parent.parent
    return level


def revise(
    secretariat: User,
    base: Version,
    items: Sequence[Same | ParsedParagraph],
    *,
    label: str = "Rev.1",
    status: str = "open",
) -> Version:
    """Make the next version of base: Same items keep their lineage key, new ones get one."""
    version = drafts.create_version(
        secretariat, base.consultation, label=label, closes_at=utcnow() + dt.timedelta(days=30)
    )
    version.based_on_id = base.id
    earlier = {p.position: p for p in drafts.version_paragraphs(base)}
    parsed: list[ParsedParagraph] = []
    keys: list[str | None] = []
    for item in items:
        if isinstance(item, ParsedParagraph):
            parsed.append(item)
            keys.append(None)
            continue
        source = earlier[item.position]
        parsed.append(
            ParsedParagraph(
                item.kind or source.kind,
                source.body if item.body is None else item.body,
                source.number_label if item.number_label is None else item.number_label,
                _level(source),
            )
        )
        keys.append(source.lineage_key)
    for paragraph, key in zip(drafts.add_paragraphs(version, parsed), keys, strict=True):
        if key is not None:
            paragraph.lineage_key = key
    db.session.flush()
    if status in ("open", "closed"):
        drafts.open_version(secretariat, version)
    if status == "closed":
        drafts.close_version(secretariat, version)
    db.session.commit()
    return version


def unchanged(count: int = 8) -> list[Same]:
    return [Same(position) for position in range(1, count + 1)]


def compared(old: Version, new: Version) -> comparing.Comparison:
    return comparing.compare(*comparing.load_pair(old, new))


def statuses(result: comparing.Comparison) -> list[tuple[str, str, str]]:
    """Each row as (status, old number or name, new number or name)."""
    return [
        (row.status, row.old_number or row.old_name, row.new_number or row.new_name)
        for row in result.rows
    ]


def counts(result: comparing.Comparison) -> dict[str, int]:
    return {status: n for status, n in result.summary.items() if n}


# The longest increasing subsequence -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sequence", "kept"),
    [
        ([], set()),
        ([0, 1, 2], {0, 1, 2}),
        ([4, 0, 1, 2, 3], {1, 2, 3, 4}),
        ([1, 2, 3, 4, 0], {0, 1, 2, 3}),
        ([0, 3, 1, 2, 4], {0, 2, 3, 4}),
    ],
)
def test_the_paragraphs_kept_in_order_are_a_longest_increasing_subsequence(sequence, kept):
    assert comparing.kept_in_order(sequence) == kept


def test_of_two_swapped_paragraphs_one_moved():
    assert len(comparing.kept_in_order([1, 0])) == 1


# Comparing two versions -----------------------------------------------------------------------


def test_identical_versions_are_unchanged_throughout(version, secretariat):
    revision = revise(secretariat, version, unchanged())
    result = compared(version, revision)
    assert counts(result) == {"unchanged": 8}
    assert result.identical and result.renumbered == 0
    assert [row.new.position for row in result.rows] == list(range(1, 9))
    assert [row.old.lineage_key for row in result.rows] == [
        row.new.lineage_key for row in result.rows
    ]
    assert str(result.rows[3].html) == (
        "Reaffirms the vision of a people-centred, inclusive and development-oriented "
        "information society;"
    )
    assert (result.rows[5].old_number, result.rows[5].new_number) == ("2 (a)", "2 (a)")


def test_a_changed_paragraph_shows_the_changed_words(version, secretariat):
    items = unchanged()
    items[7] = Same(8, body="*Decides* to hold a high-level review in 2035 & after.")
    result = compared(version, revise(secretariat, version, items))
    assert counts(result) == {"unchanged": 7, "changed": 1}
    row = result.rows[7]
    assert (row.status, row.old_number, row.new_number) == ("changed", "3", "3")
    assert row.text_changed and not row.kind_changed and not row.renumbered
    assert str(row.html) == (
        "Decides to hold a high-level <del>meeting</del><ins>review</ins> in 2035"
        "<ins> &amp; after</ins>."
    )
    assert not result.identical


def test_a_change_of_markup_alone_is_not_a_change_of_the_text(version, secretariat):
    items = unchanged()
    items[3] = Same(
        4,
        body="**Reaffirms** the vision of a people-centred, inclusive and "
        "development-oriented information society;",
    )
    assert counts(compared(version, revise(secretariat, version, items))) == {"unchanged": 8}


def test_a_change_of_kind_alone_is_a_change(version, secretariat):
    items = unchanged()
    items[1] = Same(2, kind="text")
    row = compared(version, revise(secretariat, version, items)).rows[1]
    assert row.status == "changed" and row.kind_changed and not row.text_changed
    assert "<ins>" not in str(row.html) and "<del>" not in str(row.html)


def test_an_added_paragraph_is_marked_inserted_where_it_stands(version, secretariat):
    items: list[Same | ParsedParagraph] = list(unchanged())
    welcome = ParsedParagraph("operative", "*Welcomes* the Compact & 2 < 3;", "1 bis")
    items.insert(4, welcome)
    result = compared(version, revise(secretariat, version, items))
    assert counts(result) == {"unchanged": 8, "added": 1}
    row = result.rows[4]
    assert (row.status, row.old, row.old_number, row.new_number) == ("added", None, "", "1 bis")
    assert row.new.position == 5
    assert str(row.html) == "<ins>Welcomes the Compact &amp; 2 &lt; 3;</ins>"


def test_a_deleted_paragraph_follows_the_one_before_it_in_the_old_version(version, secretariat):
    items = [Same(p) for p in (1, 3, 4, 5, 6, 8)]  # preambular 1 and (b) go
    result = compared(version, revise(secretariat, version, items))
    assert counts(result) == {"unchanged": 6, "deleted": 2}
    assert [(row.status, row.old.position if row.old else None) for row in result.rows] == [
        ("unchanged", 1),
        ("deleted", 2),
        ("unchanged", 3),
        ("unchanged", 4),
        ("unchanged", 5),
        ("unchanged", 6),
        ("deleted", 7),
        ("unchanged", 8),
    ]
    row = result.rows[6]
    assert (row.new, row.old_number, row.new_number) == (None, "2 (b)", "")
    assert row.old_name == "paragraph 2 (b)"
    assert str(row.html) == "<del>To strengthen the Internet Governance Forum;</del>"


def test_deletions_at_the_start_and_in_a_run_keep_their_order(version, secretariat):
    items = [Same(p) for p in (3, 4, 8)]
    result = compared(version, revise(secretariat, version, items))
    assert [(row.status, row.old.position) for row in result.rows] == [
        ("deleted", 1),
        ("deleted", 2),
        ("unchanged", 3),
        ("unchanged", 4),
        ("deleted", 5),
        ("deleted", 6),
        ("deleted", 7),
        ("unchanged", 8),
    ]


def test_a_deleted_paragraph_follows_its_predecessor_where_that_moved(version, secretariat):
    # 3 moves to the top; (b), which followed (a), goes: it is shown after (a).
    items = [Same(p) for p in (8, 1, 2, 3, 4, 5, 6)]
    result = compared(version, revise(secretariat, version, items))
    assert [(row.status, row.old.position) for row in result.rows] == [
        ("moved", 8),
        ("unchanged", 1),
        ("unchanged", 2),
        ("unchanged", 3),
        ("unchanged", 4),
        ("unchanged", 5),
        ("unchanged", 6),
        ("deleted", 7),
    ]


def test_a_moved_paragraph_is_the_one_out_of_order(version, secretariat):
    items = [Same(p) for p in (1, 2, 3, 8, 4, 5, 6, 7)]
    result = compared(version, revise(secretariat, version, items))
    assert counts(result) == {"unchanged": 7, "moved": 1}
    assert statuses(result)[3] == ("moved", "3", "3")
    assert [row.old.position for row in result.rows] == [1, 2, 3, 8, 4, 5, 6, 7]


def test_a_paragraph_moved_and_changed(version, secretariat):
    items = [
        Same(1),
        Same(2),
        Same(3),
        Same(8, body="*Decides* to hold a high-level meeting in 2030.", number_label="1"),
        Same(4, number_label="2"),
        Same(5, number_label="3"),
        Same(6),
        Same(7),
    ]
    result = compared(version, revise(secretariat, version, items))
    assert counts(result) == {"unchanged": 7, "moved and changed": 1}
    row = result.rows[3]
    assert (row.status, row.old_number, row.new_number) == ("moved and changed", "3", "1")
    assert row.renumbered and row.css_status == "moved-and-changed"
    assert "<del>2035</del><ins>2030</ins>" in str(row.html)
    # The others were renumbered, not moved: 1 -> 2, 2 -> 3, and 2 (a) -> 3 (a).
    assert statuses(result)[4:] == [
        ("unchanged", "1", "2"),
        ("unchanged", "2", "3"),
        ("unchanged", "2 (a)", "3 (a)"),
        ("unchanged", "2 (b)", "3 (b)"),
    ]


def test_renumbering_alone_is_no_change_and_no_move_but_the_numbers_show(version, secretariat):
    """Our call: a renumbered paragraph keeps the status "unchanged"; renumbered says so."""
    items: list[Same | ParsedParagraph] = list(unchanged())
    items[3:8] = [
        ParsedParagraph("operative", "*Notes* the progress made since 2005;", "1"),
        Same(4, number_label="2"),
        Same(5, number_label="3"),
        Same(6),
        Same(7),
        Same(8, number_label="4"),
    ]
    result = compared(version, revise(secretariat, version, items))
    assert counts(result) == {"unchanged": 8, "added": 1}
    assert result.renumbered == 5
    assert statuses(result)[3:] == [
        ("added", "", "1"),
        ("unchanged", "1", "2"),
        ("unchanged", "2", "3"),
        ("unchanged", "2 (a)", "3 (a)"),
        ("unchanged", "2 (b)", "3 (b)"),
        ("unchanged", "3", "4"),
    ]
    assert [row.renumbered for row in result.rows[:3]] == [False, False, False]
    assert result.rows[5].old_name == "paragraph 2" and result.rows[5].new_name == "paragraph 3"


def test_a_preambular_paragraph_is_renumbered_by_its_count(version, secretariat):
    items: list[Same | ParsedParagraph] = list(unchanged())
    items.insert(1, ParsedParagraph("preambular", "*Recalling also* its resolution 60/252,"))
    result = compared(version, revise(secretariat, version, items))
    row = result.rows[2]
    assert (row.status, row.old_number, row.new_number) == ("unchanged", "", "")
    assert (row.old_name, row.new_name) == ("preambular paragraph 1", "preambular paragraph 2")
    assert row.renumbered and result.renumbered == 1  # text and headings are not counted


def test_a_changed_sub_paragraph_is_named_by_its_parent(version, secretariat):
    items = unchanged()
    items[5] = Same(6, body="To bridge digital divides, including the gender and age divides;")
    result = compared(version, revise(secretariat, version, items))
    assert counts(result) == {"unchanged": 7, "changed": 1}
    row = result.rows[5]
    assert (row.status, row.old_number, row.new_number) == ("changed", "2 (a)", "2 (a)")
    assert row.new_name == "paragraph 2 (a)"
    assert str(row.html) == (
        "To bridge digital divides, including the gender <del>digital divide</del>"
        "<ins>and age divides</ins>;"
    )


def test_comparing_with_an_empty_version(version):
    old, _new = comparing.load_pair(version, version)
    added = comparing.compare([], old)
    assert counts(added) == {"added": 8}
    assert [row.new_number for row in added.rows][3:] == ["1", "2", "2 (a)", "2 (b)", "3"]
    deleted = comparing.compare(old, [])
    assert counts(deleted) == {"deleted": 8}
    assert [row.old.position for row in deleted.rows] == list(range(1, 9))
    nothing = comparing.compare([], [])
    assert nothing.rows == [] and set(nothing.summary.values()) == {0} and nothing.identical


def test_versions_without_a_common_paragraph_are_all_deleted_then_added(
    create_version, version
):
    imported = create_version(label="Imported again")  # same text, fresh lineage keys
    result = compared(version, imported)
    assert counts(result) == {"added": 8, "deleted": 8}


def test_the_loader_reads_both_versions_in_one_query(version, secretariat, count_queries):
    revision = revise(secretariat, version, unchanged())
    db.session.expire_all()
    old_version, new_version = db.session.get(Version, version.id), db.session.get(
        Version, revision.id
    )
    with count_queries() as counter:
        result = comparing.compare(*comparing.load_pair(old_version, new_version))
        assert [row.new_number for row in result.rows][5] == "2 (a)"
        assert result.rows[5].new.version is new_version
    assert counter.count == 1


# Choosing the versions ------------------------------------------------------------------------


def test_the_default_pair_is_the_latest_published_and_the_one_before(version, secretariat):
    rev1 = revise(secretariat, version, unchanged(), status="closed")
    rev2 = revise(secretariat, rev1, unchanged(), label="Rev.2")
    draft = revise(secretariat, rev2, unchanged(), label="Rev.3", status="draft")
    every = [version, rev1, rev2, draft]
    assert comparing.choose_pair(every, None, None) == (rev1, rev2)
    assert comparing.choose_pair(every, None, 4) == (rev2, draft)
    assert comparing.choose_pair(every, 1, None) == (version, rev2)
    assert comparing.choose_pair(every, 3, 1) == (rev2, version)
    assert comparing.choose_pair(every, None, 1) == (None, version)
    assert comparing.choose_pair([draft], None, None) == (None, draft)
    assert comparing.choose_pair([], None, None) == (None, None)
    with pytest.raises(NotFound):
        comparing.choose_pair(every[:3], None, 4)
    with pytest.raises(NotFound):
        comparing.choose_pair(every, 9, None)


# The history of a paragraph ------------------------------------------------------------------


def test_the_history_of_a_paragraph_through_its_versions(
    version, secretariat, stakeholder, other_stakeholder
):
    target = drafts.get_paragraph(version, 8)
    made = [
        comments.post_comment(stakeholder, version, target, body=f"Comment {n}")
        for n in range(1, 8)
    ]
    comments.post_comment(
        other_stakeholder, version, target, kind="amendment", body="Sooner", proposed_text="2030"
    )
    comments.reply(other_stakeholder, made[0], body="A reply")
    hidden = comments.post_comment(stakeholder, version, target, body="Spam")
    hidden.status = "hidden"
    db.session.commit()
    # Rev.1: 3 becomes 4 and changes; Rev.2 drops it; Rev.3 brings it back unchanged.
    rev1_items: list[Same | ParsedParagraph] = list(unchanged(7))
    rev1_items += [
        ParsedParagraph("operative", "*Notes* the progress made;", "3"),
        Same(8, body="*Decides* to hold a high-level meeting in 2030.", number_label="4"),
    ]
    rev1 = revise(secretariat, version, rev1_items)
    rev2 = revise(secretariat, rev1, unchanged(8), label="Rev.2")
    revise(secretariat, rev2, unchanged(8), label="Rev.3")
    later = revise(secretariat, rev1, [Same(p) for p in range(1, 10)], label="Rev.4")
    db.session.expire_all()
    consultation = db.session.get(Version, version.id).consultation

    result = comparing.history(consultation, target.lineage_key, None)
    assert [(stage.version.label, stage.state) for stage in result.stages] == [
        ("Zero draft", "present"),
        ("Rev.1", "present"),
        ("Rev.2", "absent"),
        ("Rev.3", "absent"),
        ("Rev.4", "present"),
    ]
    first, second, _gone, _still_gone, back = result.stages
    assert (first.name, first.number, first.text_changed) == ("paragraph 3", "3", False)
    assert first.counts == comments.Counts(comments=8, amendments=1)  # the reply counts
    assert [c.body for c in first.comments] == [f"Comment {n}" for n in range(1, 6)]
    assert (second.name, second.previous_number, second.renumbered) == ("paragraph 4", "3", True)
    assert second.text_changed and "<del>2035</del><ins>2030</ins>" in str(second.html)
    assert second.counts == comments.Counts() and second.comments == []
    assert back.version.id == later.id and not back.text_changed and not back.renumbered
    assert result.latest is back


def test_a_paragraph_not_yet_present_says_so(version, secretariat):
    items: list[Same | ParsedParagraph] = [
        *unchanged(),
        ParsedParagraph("operative", "*Decides* to meet again.", "4"),
    ]
    rev1 = revise(secretariat, version, items)
    key = drafts.get_paragraph(rev1, 9).lineage_key
    result = comparing.history(rev1.consultation, key, None)
    assert [stage.state for stage in result.stages] == ["not yet", "present"]
    assert result.stages[1].previous_number is None and not result.stages[1].text_changed


def test_the_history_of_an_unknown_or_unpublished_paragraph_is_not_found(
    version, secretariat
):
    with pytest.raises(NotFound):
        comparing.history(version.consultation, "nope", None)
    items: list[Same | ParsedParagraph] = [
        *unchanged(),
        ParsedParagraph("operative", "*Decides* to meet again.", "4"),
    ]
    draft = revise(secretariat, version, items, status="draft")
    key = drafts.get_paragraph(draft, 9).lineage_key
    with pytest.raises(NotFound):
        comparing.history(version.consultation, key, None)
    seen = comparing.history(version.consultation, key, secretariat)
    assert [stage.state for stage in seen.stages] == ["not yet", "present"]


def test_the_history_reads_a_fixed_number_of_queries(
    version, secretariat, stakeholder, count_queries
):
    def measure(key: str) -> int:
        db.session.expire_all()
        consultation = db.session.get(Version, version.id).consultation
        consultation.versions  # noqa: B018  (loaded by the page before the history)
        with count_queries() as counter:
            comparing.history(consultation, key, None)
        return counter.count

    key = drafts.get_paragraph(version, 2).lineage_key  # preambular: its number is counted
    few = measure(key)
    base = version
    for n in range(1, 5):
        base = revise(secretariat, base, unchanged(), label=f"Rev.{n}")
        target = drafts.get_paragraph(base, 2)
        for m in range(7):
            made = comments.post_comment(stakeholder, base, target, body=f"Comment {m}")
            comments.reply(stakeholder, made, body="And more")
        db.session.commit()
    assert measure(key) == few <= 5
