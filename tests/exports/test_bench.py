"""bench/exports.py runs, at a tiny size, and reports every export it is asked for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import exports


def test_the_exports_benchmark_reports_time_and_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    asked = ["md", "akn", "docx-text", "redline-docx", "csv", "docx", "statistics-page"]
    status = exports.main([
        "--database-url", url, "--paragraphs", "12", "--comments", "60", "--stakeholders",
        "20", "--only", ",".join(asked),
    ])
    out = capsys.readouterr().out
    assert status == 0
    rows = re.findall(r"^([a-z-]+)\s+([\d.]+)\s+([\d.]+)\s+", out, re.M)
    assert [name for name, _seconds, _peak in rows] == asked, out
    assert all(float(peak) > 0 for _name, _seconds, peak in rows)
