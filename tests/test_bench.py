"""The benchmark scripts run, at a tiny size, and see query counts that do not grow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import pages, reference


def test_reference_set_is_built_and_found(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    made = reference.build(url, paragraphs=12, comments=80, stakeholders=20, progress=False)
    found = reference.find(url)
    assert found is not None
    assert (found.paragraphs, found.comments, found.stakeholders) == (12, 80, 20)
    assert found.busy_position == made.busy_position
    assert found.busy_comments == made.busy_comments > 0
    assert found.endorsements == made.endorsements > 0


def test_pages_benchmark_reports_equal_query_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    status = pages.main([
        "--database-url", url, "--paragraphs", "20", "--comments", "200",
        "--stakeholders", "50", "--baseline-comments", "60", "--requests", "3", "--quiet",
    ])
    out = capsys.readouterr().out
    assert status == 0
    assert "busy ¶" in out and "version page (20 ¶)" in out
    rows = re.findall(r"^(.+?)\s+(\d+)\s+(\d+)\s+(same|DIFFERENT)$", out, re.M)
    assert len(rows) == 5, out
    assert all(word == "same" and small == large for _, small, large, word in rows), out
    assert "queries with" not in out, out
    assert (tmp_path / "reference-small.sqlite").exists()
