"""`flask consult import`: a draft from a file, as on the web page."""

from __future__ import annotations

from sqlalchemy import select

from consult.drafts.models import Consultation, Paragraph, Version
from consult.extensions import db
from tests.conftest import shared_data


def test_import_makes_a_consultation_and_a_draft_version(runner, secretariat, tmp_path):
    draft = tmp_path / "zero.md"
    draft.write_text(
        "# WSIS+20 outcome\n\nA/80/L.1\n\nThe General Assembly,\n\n"
        "*Recalling* its resolution 70/125,\n\n## I. Vision\n\n1. *Reaffirms* the vision;\n\n"
        "2. *Calls upon* all stakeholders:\n\n(a) To connect everyone;\n\n(b) To measure;\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["consult", "import", str(draft), "--consultation", "wsis20",
                                 "--label", "Zero draft"])
    assert result.exit_code == 0, result.output
    assert "Made consultation 'wsis20': WSIS+20 outcome" in result.output
    assert "Made version 1 'Zero draft' (draft) of 'wsis20': 7 paragraphs" in result.output
    assert "operative   4" in result.output and "of which sub-paragraphs: 2" in result.output
    assert "Symbol: A/80/L.1" in result.output
    version = db.session.execute(select(Version)).scalar_one()
    assert (version.status, version.document_symbol) == ("draft", "A/80/L.1")
    labels = db.session.execute(
        select(Paragraph.number_label).order_by(Paragraph.position)
    ).scalars().all()
    assert labels == ["", "", "I", "1", "2", "(a)", "(b)"]


def test_import_adds_a_version_to_an_existing_consultation(runner, create_version, tmp_path):
    create_version()
    draft = tmp_path / "rev1.txt"
    draft.write_text("1. Decides to act.\n", encoding="utf-8")
    result = runner.invoke(args=["consult", "import", str(draft), "--consultation", "wsis20",
                                 "--label", "Rev.1"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(Consultation)).scalar_one().versions[-1].label == "Rev.1"


def test_import_reads_a_real_itu_resolution(runner, secretariat):
    path = shared_data("real/itu-pp18-res2.akn.xml")
    result = runner.invoke(args=["consult", "import", str(path), "--consultation", "res2",
                                 "--label", "Final"])
    assert result.exit_code == 0, result.output
    assert "preambular  23" in result.output


def test_import_one_resolution_of_the_final_acts(runner, secretariat):
    path = shared_data("real/itu-pp18-final-acts.akn.xml")
    result = runner.invoke(args=["consult", "import", str(path), "--consultation", "res140",
                                 "--label", "Final", "--part", "Resolution 140"])
    assert result.exit_code == 0, result.output
    count = db.session.execute(select(Paragraph)).scalars().all()
    assert 100 < len(count) < 140
    consultation = db.session.execute(select(Consultation)).scalar_one()
    assert consultation.title.startswith("ITU's role in implementing the outcomes")
    assert consultation.versions[0].document_symbol == "RESOLUTION 140 (REV. DUBAI, 2018)"


def test_an_unreadable_file_is_a_clear_error(runner, secretariat, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<akomaNtoso>\n<doc><p>open</doc>")
    result = runner.invoke(args=["consult", "import", str(bad), "--consultation", "x",
                                 "--label", "Zero draft"])
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert db.session.execute(select(Consultation)).first() is None


def test_import_needs_a_secretariat_account(runner, tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text("1. Decides.\n", encoding="utf-8")
    result = runner.invoke(args=["consult", "import", str(draft), "--consultation", "x",
                                 "--label", "Zero draft"])
    assert result.exit_code == 1 and "no secretariat account" in result.output
