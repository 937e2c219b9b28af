"""Many stakeholders post at once to consult under gunicorn (several workers, several
threads), through the forms with CSRF and through the API with tokens; then every answer is
compared with the database (bench/load.py does the work and prints the figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from bench.load import WRITE_ACTIONS, load

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_many_people_posting_at_once_lose_and_duplicate_nothing(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    result = load(database_url, tmp_path, people=12, seconds=3, workers=2, threads=4, twice=3)
    print(result.text)

    assert result.ok, result.text
    # Each of the 12 did every kind of write at least once, right or wrong on purpose.
    for action in WRITE_ACTIONS:
        answered = result.tally.accepted[action] + result.tally.refused[action]
        assert answered >= 12, result.text
        if "empty" in action:
            assert result.tally.accepted[action] == 0, result.text
    assert not result.tally.locked_in_log
    assert not result.tally.server_errors


def test_the_same_submission_sent_twice_at_once_makes_one(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    """A double click or a resend, through the forms and the API: one comment, one reply,
    one endorsement; both answers lead to it, or the second says it is already there."""
    result = load(database_url, tmp_path, people=2, seconds=0.5, workers=2, threads=4, twice=5)

    channels = {twice.channel for twice in result.twice}
    assert channels == {
        "form comment", "form reply", "form endorse", "api comment", "api reply", "api endorse"
    }
    assert [t.problem for t in result.twice if t.problem] == [], result.text
    assert all(t.stored == 1 for t in result.twice)
    for twice in result.twice:
        if twice.channel.endswith("endorse"):
            assert [r for r in twice.refusals if r] in (
                [], ["You have already endorsed this comment."]
            ), result.text
