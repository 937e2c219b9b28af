"""A pytest plugin that finds writes to SQLite made in a transaction not begun IMMEDIATE.

Such a transaction, when it read before it wrote, fails with "database is locked" as soon
as another process wrote in between, whatever the busy timeout (see FACTS.md). Run any
tests with it to list the request endpoints and commands that do so:

    python -m pytest -p tests.reliability.writeguard tests/...

The list is printed at the end of the session; test_write_paths.py uses the same guard on
the paths that write.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from consult.database import WRITE_OPTION

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
_READ = re.compile(r"^\s*SELECT\b", re.I)


def _where() -> str:
    """The request or command the statement runs for."""
    from flask import has_request_context, request

    try:
        import click

        command = click.get_current_context(silent=True)
    except ImportError:  # pragma: no cover - click comes with Flask
        command = None
    if command is not None and command.info_name not in (None, "pytest"):
        return f"command {command.command_path}"
    if has_request_context() and request.environ.get("REQUEST_METHOD"):
        return f"{request.method} {request.endpoint}"
    return "outside a request"


class WriteGuard:
    """Counts writes made after a read in a transaction begun DEFERRED, by place."""

    def __init__(self) -> None:
        self.read_then_write: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def begin(self, connection: Any) -> None:
        if connection.dialect.name == "sqlite":
            connection.info["guard"] = {
                "write": bool(connection.get_execution_options().get(WRITE_OPTION)),
                "read": False,
            }

    def before_execute(self, connection, _cursor, statement: str, *_args: Any) -> None:
        state = connection.info.get("guard")
        if connection.dialect.name != "sqlite" or state is None:
            return
        if not connection.in_transaction() or state["write"]:
            return
        if _READ.match(statement):
            state["read"] = True
        elif _WRITE.match(statement) and state["read"]:
            place = _where()
            self.read_then_write[place] += 1
            self.examples.setdefault(place, " ".join(statement.split())[:120])
            state["write"] = True  # count each transaction once

    def end(self, connection: Any) -> None:
        connection.info.pop("guard", None)

    @contextmanager
    def watching(self) -> Iterator[WriteGuard]:
        listeners = [
            ("begin", self.begin),
            ("before_cursor_execute", self.before_execute),
            ("commit", self.end),
            ("rollback", self.end),
        ]
        for name, listener in listeners:
            event.listen(Engine, name, listener)
        try:
            yield self
        finally:
            for name, listener in listeners:
                event.remove(Engine, name, listener)

    def places(self, *, requests_and_commands_only: bool = True) -> dict[str, int]:
        return {
            place: count
            for place, count in self.read_then_write.items()
            if not requests_and_commands_only or place != "outside a request"
        }


_session_guard = WriteGuard()
_session_watch = None


def pytest_sessionstart(session) -> None:
    global _session_watch
    _session_watch = _session_guard.watching()
    _session_watch.__enter__()


def pytest_terminal_summary(terminalreporter) -> None:
    found = _session_guard.places()
    terminalreporter.section("SQLite writes after a read in a DEFERRED transaction")
    if not found:
        terminalreporter.write_line("none")
    for place, count in sorted(found.items()):
        terminalreporter.write_line(f"{count:>5}  {place}: {_session_guard.examples[place]}")
