"""Commands of this area, added to `flask consult`."""

from __future__ import annotations

from flask.cli import AppGroup


def register(group: AppGroup) -> None:
    """Add this area's commands to the consult command group."""
