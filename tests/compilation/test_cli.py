"""`flask consult compilation` and `flask consult addressed`: files written whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compilation.conftest import (
    ARABIC,
    RUSSIAN,
    docx_text,
    read_csv,
    read_docx,
    read_xlsx,
    sheet_rows,
)


def export(runner, tmp_path: Path, *options: str, name: str = "out.csv"):
    output = tmp_path / "exports" / name
    result = runner.invoke(args=["consult", "compilation", "--consultation", "wsis20",
                                 "--version", "1", "--output", str(output), *options])
    return result, output


@pytest.mark.parametrize("extension", ["csv", "xlsx", "docx"])
def test_each_format_is_written_with_a_progress_bar(runner, tmp_path, inputs, extension):
    result, output = export(runner, tmp_path, "--format", extension, name=f"out.{extension}")
    assert result.exit_code == 0, result.output
    assert "Wrote 6 rows of 'wsis20' 'Zero draft'" in result.output
    assert "Writing out." in result.output  # the progress bar's label
    data = output.read_bytes()
    if extension == "csv":
        assert {row["Text"] for row in read_csv(data)} >= {ARABIC, RUSSIAN}
    elif extension == "xlsx":
        assert sheet_rows(read_xlsx(data)["General comments"])[0]["Text"] == RUSSIAN
    else:
        assert ARABIC in docx_text(read_docx(data))
    assert sorted(path.name for path in output.parent.iterdir()) == [output.name]


def test_all_and_filters(runner, tmp_path, inputs, secretariat):
    result, output = export(runner, tmp_path, "--all", "--status", "hidden")
    assert result.exit_code == 0, result.output
    [row] = read_csv(output.read_bytes())
    assert row["Status"] == "Hidden by a moderator: Advertising."
    result, output = export(runner, tmp_path, "--kind", "amendment", "--group", "academia")
    assert [row["Author"] for row in read_csv(output.read_bytes())] == ["王伟"]


def test_refusals_are_said_plainly(runner, tmp_path, create_version, inputs):
    create_version(status="draft", label="Rev.1")
    result, _output = export(runner, tmp_path)
    assert result.exit_code == 0
    result = runner.invoke(args=["consult", "compilation", "--consultation", "wsis20",
                                 "--version", "2", "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "no published version 2 of 'wsis20' (drafts are exported with --all)" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_the_addressed_report(runner, tmp_path, inputs):
    output = tmp_path / "addressed.docx"
    result = runner.invoke(args=["consult", "addressed", "--consultation", "wsis20",
                                 "--version", "1", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "5 points over 3 paragraphs" in result.output
    text = docx_text(read_docx(output.read_bytes()))
    assert "How inputs were addressed" in text and ARABIC in text
