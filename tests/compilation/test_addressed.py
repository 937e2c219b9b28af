"""How inputs were addressed: points grouped as merged, their answers, and what each
paragraph became in the next version (made with the revision service)."""

from __future__ import annotations

import pytest
from docx.oxml.ns import qn

from consult.comments import service as comments
from consult.compilation import addressed, views
from consult.drafts import service as drafts
from consult.extensions import db
from consult.moderation import service as moderation
from consult.revisions import service as revisions
from consult.revisions.models import ChangeDecision
from tests.compilation.conftest import ARABIC, CHINESE, RUSSIAN, docx_text, read_docx, seen

PAGE = "/c/wsis20/v/1/addressed"


@pytest.fixture
def revised(inputs, version, people, moderator, secretariat):
    """Rev.1 made from the zero draft: the amendment of paragraph 1 applied, preambular
    paragraph 1 deleted, a paragraph inserted after 2 (a). Still a draft."""
    deletion = comments.post_comment(people["ru"], version, drafts.get_paragraph(version, 2),
                                     kind="deletion", body="Удалить: это повтор.")
    insertion = comments.post_comment(people["zh"], version, drafts.get_paragraph(version, 6),
                                      kind="insertion", body="Missing",
                                      proposed_text="To measure meaningful connectivity;")
    db.session.commit()
    moderation.set_disposition(moderator, seen(deletion, insertion), "accepted", "Agreed.")
    drafts.close_version(secretariat, version)
    db.session.commit()
    rev = revisions.start_revision(secretariat, version, "Rev.1")
    db.session.commit()
    for view in revisions.changes(rev):
        if view.proposal.id == inputs["ngo"].id:
            revisions.decide(secretariat, rev, view.change.id, ChangeDecision.EDITED,
                             "Reaffirms the inclusive vision of a people-centred society;")
        else:
            revisions.decide(secretariat, rev, view.change.id, ChangeDecision.APPLIED)
    db.session.commit()
    return {"rev": rev, "deletion": deletion, "insertion": insertion}


def by_position(report: addressed.Report) -> dict[int, addressed.ParagraphReport]:
    return {item.place.position: item for item in report.paragraphs}


def test_points_are_grouped_as_the_moderators_merged_them(inputs, version, people):
    report = addressed.report(version, None)
    assert report.provisional and report.next_version is None
    assert [point.id for point in report.general] == [inputs["ru"].id]
    first = by_position(report)[4]
    assert [point.id for point in first.points] == [inputs["gov"].id, inputs["ngo"].id]
    gov = first.points[0]
    assert [member.id for member in gov.members] == [inputs["uni"].id]
    assert gov.people_by_group == {"government": 1, "academia": 1}
    # ngo and zh endorsed gov, biz endorsed uni (merged into it): each counted once.
    assert gov.endorsers_by_group == {"civil_society": 1, "academia": 1, "private_sector": 1}
    assert (gov.disposition, gov.rationale) == ("accepted", "The mandate is made permanent.")
    assert set(by_position(report)) == {4, 6, 8}  # hidden and withdrawn input left out
    assert [point.id for point in by_position(report)[6].points] == [inputs["ar"].id]
    assert report.stakeholders == 6 and report.quiet == 5
    assert report.answers == {"accepted": 1, "partially_accepted": 1, "not_accepted": 1,
                              None: 2}


def test_without_a_next_version_the_answers_are_still_listed(client, inputs, version,
                                                             secretariat):
    drafts.close_version(secretariat, version)
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    assert "There is no next version yet; the answers are listed below." in html
    assert "provisional" not in html
    assert "Raised by 2 stakeholders: Academia 1 · Government 1." in html
    assert "The mandate is made permanent." in html
    assert ARABIC in html and CHINESE in html and RUSSIAN in html


def test_what_each_paragraph_became_in_the_next_version(revised, inputs, version, secretariat):
    report = addressed.report(version, secretariat)
    assert report.next_version == revised["rev"]
    items = by_position(report)
    deleted = items[2].outcome
    assert deleted is not None and deleted.status == "deleted"
    first = items[4].outcome
    assert first is not None and first.status == "changed" and first.number == "1"
    assert "<ins>" in first.html and "inclusive" in first.html
    assert any(run.op == "insert" for run in first.runs)
    ngo = next(point for point in items[4].points if point.id == inputs["ngo"].id)
    assert ngo.change is not None and ngo.change.decision == "edited"
    after = items[6].outcome
    assert after is not None and after.status == "unchanged"
    assert [row.new_name for row in after.added_after] == ["paragraph 2 (b)"]
    assert items[8].outcome.status == "unchanged"


def test_the_public_waits_for_the_next_version_to_be_published(client, revised, version,
                                                               secretariat):
    report = addressed.report(version, None)
    assert report.next_version is None and report.next_in_preparation
    html = client.get(PAGE).get_data(as_text=True)
    assert "The next version is being prepared" in html
    assert "In Rev.1" not in html
    drafts.open_version(secretariat, revised["rev"])
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    assert "What each paragraph became is taken from Rev.1." in html
    assert "In Rev.1: changed." in html and "In Rev.1: deleted." in html
    assert "Added after it in Rev.1, as paragraph 2 (b):" in html
    assert "In Rev.1: Applied as edited" in html
    assert "<ins>" in html


def test_the_docx_report(client, revised, version, secretariat):
    drafts.open_version(secretariat, revised["rev"])
    db.session.commit()
    response = client.get(f"{PAGE}.docx")
    assert response.status_code == 200
    assert "wsis20-zero-draft-addressed.docx" in response.headers["Content-Disposition"]
    document = read_docx(response.get_data())
    text = docx_text(document)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert (document.paragraphs[0].style.name, document.paragraphs[0].text) == (
        "Title", "How inputs were addressed")
    assert headings[0] == "General comments on the whole text"
    assert "Paragraph 1" in headings and "Preambular paragraph 1" in headings
    assert "Raised by 2 stakeholders: Academia 1, Government 1" in text
    assert "In Rev.1: changed." in text and "In Rev.1: deleted." in text
    assert "In Rev.1: Applied as edited" in text
    assert "To measure meaningful connectivity;" in text
    for words in (ARABIC, CHINESE, RUSSIAN, "Удалить: это повтор."):
        assert words in text
    inserted = [run for p in document.paragraphs for run in p.runs
                if run._r.rPr is not None and run._r.rPr.find(qn("w:rStyle")) is not None
                and run._r.rPr.find(qn("w:rStyle")).get(qn("w:val")) == "ConsultInserted"]
    assert inserted and "inclusive" in "".join(run.text for run in inserted)
    assert document.styles["Consult inserted"].font.underline


def test_a_large_report_is_shown_one_part_at_a_time(client, inputs, version, monkeypatch):
    monkeypatch.setattr(views, "ADDRESSED_PAGE_POINTS", 2)
    html = client.get(PAGE).get_data(as_text=True)
    assert "one part of the text is shown at a time" in html
    assert RUSSIAN in html and ARABIC not in html  # general comments come first
    assert "Part 1 of 2" in html
    html = client.get(f"{PAGE}?section=3").get_data(as_text=True)
    assert ARABIC in html and RUSSIAN not in html and "Part 2 of 2" in html
    assert client.get(f"{PAGE}?section=99").status_code == 404
