"""`flask consult export`: writes the file whole or not at all, names it, says what it did."""

from __future__ import annotations

import io
import os

import docx
from lxml import etree

from consult.exports import text
from consult.extensions import db


def run_export(runner, *arguments: str):
    return runner.invoke(args=["consult", "export", *arguments])


def test_export_writes_markdown_and_reports_path_and_size(runner, version, tmp_path):
    target = tmp_path / "out" / "zero.md"
    result = run_export(
        runner,
        "--consultation",
        "wsis20",
        "--version",
        "1",
        "--format",
        "md",
        "--output",
        str(target),
    )
    assert result.exit_code == 0, result.output
    content = target.read_bytes()
    assert content.decode("utf-8").startswith("# WSIS+20 outcome document")
    assert (
        content.decode("utf-8").rstrip().endswith("*Decides* to hold a high-level meeting in 2035.")
    )
    assert f"Wrote {target} (" in result.output
    assert "Writing MD" in result.output
    assert sorted(path.name for path in target.parent.iterdir()) == ["zero.md"]


def test_export_names_the_file_after_symbol_and_label(runner, version, tmp_path, monkeypatch):
    version.document_symbol = "A/80/L.1"
    db.session.commit()
    monkeypatch.chdir(tmp_path)
    result = run_export(runner, "--consultation", "wsis20", "--version", "1", "--format", "docx")
    assert result.exit_code == 0, result.output
    written = tmp_path / "A-80-L.1-Zero-draft.docx"
    document = docx.Document(io.BytesIO(written.read_bytes()))
    assert document.paragraphs[0].text == "A/80/L.1"
    assert "Wrote A-80-L.1-Zero-draft.docx" in result.output


def test_export_writes_akn_in_the_language_asked_for(runner, create_version, tmp_path):
    create_version(status="draft")
    target = tmp_path / "draft.xml"
    result = run_export(
        runner,
        "--consultation",
        "wsis20",
        "--version",
        "1",
        "--format",
        "akn",
        "--language",
        "fr",
        "--output",
        str(target),
    )
    assert result.exit_code == 0, result.output
    root = etree.parse(str(target)).getroot()
    assert root.xpath("string(//*[local-name()='FRBRlanguage']/@language)") == "fra"


def test_unknown_consultation_or_version_is_a_clear_error(runner, version, tmp_path):
    target = tmp_path / "never.md"
    result = run_export(
        runner,
        "--consultation",
        "nothing",
        "--version",
        "1",
        "--format",
        "md",
        "--output",
        str(target),
    )
    assert result.exit_code == 1
    assert "There is no consultation 'nothing'." in result.output
    result = run_export(
        runner,
        "--consultation",
        "wsis20",
        "--version",
        "7",
        "--format",
        "md",
        "--output",
        str(target),
    )
    assert result.exit_code == 1
    assert "Consultation 'wsis20' has no version 7 (its versions: 1)." in result.output
    assert not target.exists()


def test_an_export_that_fails_midway_leaves_the_previous_file(
    runner, version, tmp_path, monkeypatch
):
    target = tmp_path / "exports" / "text.md"
    target.parent.mkdir()
    target.write_text("the previous export")

    def broken(*args, **kwargs):
        yield b"# half of a file"
        raise RuntimeError("disk on fire")

    formats = text.formats()
    formats["md"] = text.Format("md", "md", "text/markdown", broken)
    monkeypatch.setattr(text, "formats", lambda: formats)
    result = run_export(
        runner,
        "--consultation",
        "wsis20",
        "--version",
        "1",
        "--format",
        "md",
        "--output",
        str(target),
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert target.read_text() == "the previous export"
    assert os.listdir(target.parent) == ["text.md"]
