"""Writing exports and backups so that nobody finds half a file."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import stat
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from consult import create_app
from consult.compilation import service as compilation
from consult.compilation import table
from consult.drafts.models import Version
from consult.extensions import db
from consult.files import atomic_path, write_atomically


def test_a_written_file_is_whole_and_readable_like_any_other(tmp_path):
    target = write_atomically(tmp_path / "out" / "export.csv", [b"a,b\n", b"1,2\n"])
    assert target.read_bytes() == b"a,b\n1,2\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["export.csv"]


def test_a_failure_midway_leaves_the_previous_file_and_no_leftovers(tmp_path):
    target = tmp_path / "export.csv"
    target.write_bytes(b"previous\n")

    def chunks():
        yield b"half of the new"
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_atomically(target, chunks())
    assert target.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_a_tool_writing_by_name_gets_a_private_file_renamed_into_place_when_done(tmp_path):
    """How backups are written: SQLite's backup or pg_dump writes the temporary file."""
    target = tmp_path / "consult.backup"
    target.write_bytes(b"last night's backup")
    with atomic_path(target, mode=0o600) as temporary:
        assert temporary.parent == tmp_path and temporary.name.startswith(".")
        connection = sqlite3.connect(temporary)
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
        connection.close()
        assert target.read_bytes() == b"last night's backup"
    assert target.read_bytes().startswith(b"SQLite format 3")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["consult.backup"]


def test_a_tool_failing_midway_leaves_the_previous_file_and_no_leftovers(tmp_path):
    target = tmp_path / "consult.backup"
    target.write_bytes(b"last night's backup")
    with pytest.raises(OSError), atomic_path(target, mode=0o600) as temporary:
        temporary.write_bytes(b"half")
        raise OSError("pg_dump: connection lost")
    assert target.read_bytes() == b"last night's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["consult.backup"]


# A real process killed midway ------------------------------------------------------------

KILLS = 20
PAUSE = 0.003  # seconds a row: the pace of a large consultation's export


@pytest.fixture
def demo_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """The demo consultation in a SQLite file, for forked processes to export."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                      "SERVER_NAME": "consult.test", "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["consult", "demo"])
        assert result.exit_code == 0, result.output
        yield app
        db.session.remove()
        db.engine.dispose()


def _compilation() -> compilation.Compilation:
    version = db.session.execute(select(Version).order_by(Version.id)).scalars().first()
    return compilation.compilation(None, version)


def _export_in_a_child(target: Path, how: str) -> tuple[int, int]:
    """Fork a process that writes the compilation of comments as CSV to target, as
    `flask consult compilation` does ("atomic") or as exports were written before
    ("in-place"); the returned pipe gets a byte when the writing has begun."""
    db.session.remove()
    db.engine.dispose()
    ready, tell = os.pipe()
    pid = os.fork()
    if pid:
        os.close(tell)
        return pid, ready
    status = 1
    try:
        os.close(ready)
        begun = False

        def pace(_row: compilation.Row) -> None:
            nonlocal begun
            if not begun:
                begun = True
                os.write(tell, b"w")
            time.sleep(PAUSE)

        chunks = table.compilation_csv(_compilation(), pace)
        if how == "atomic":
            write_atomically(target, chunks)
        else:
            with open(target, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
        status = 0
    finally:
        os._exit(status)


def _kill_midway(target: Path, how: str, previous: bytes | None, complete: bytes,
                 delay: float) -> str:
    """Start an export, SIGKILL it `delay` seconds into its writing; say what is left."""
    if previous is not None:
        target.write_bytes(previous)
    pid, ready = _export_in_a_child(target, how)
    try:
        assert os.read(ready, 1) == b"w", "the export ended before it began writing"
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    finally:
        os.close(ready)
    if not target.exists():
        return "absent" if previous is None else "lost"
    found = target.read_bytes()
    if found == previous:
        return "previous"
    if found == complete:
        return "complete"
    return "truncated"


def _kill_many(folder: Path, how: str, complete: bytes, window: float) -> Counter:
    """KILLS exports killed at moments spread over their writing; every other one
    replaces an earlier complete export, the others write a new file."""
    previous = b"paragraph,comment\n" + b"1,an earlier complete export\n" * 200
    return Counter(
        _kill_midway(folder / f"{how}-{n}.csv", how, previous if n % 2 else None, complete,
                     window * (n + 0.5) / KILLS)
        for n in range(KILLS)
    )


def test_a_killed_export_leaves_the_previous_file_or_none_never_half_of_one(demo_app, tmp_path):
    """Killed the same way, writing in place leaves truncated files: the test can tell."""
    found = _compilation()
    complete = b"".join(table.compilation_csv(found))
    assert found.total > 50
    window = found.total * PAUSE

    folder = tmp_path / "exports"
    folder.mkdir()
    in_place = _kill_many(folder, "in-place", complete, window)
    atomic = _kill_many(folder, "atomic", complete, window)
    print(f"\n{KILLS} CSV exports of {len(complete)} bytes killed while writing: in place "
          f"{dict(in_place)}; written atomically {dict(atomic)}")

    assert atomic["truncated"] == atomic["lost"] == 0
    assert atomic["previous"] == KILLS // 2
    assert in_place["truncated"] > KILLS // 2
    # What a killed atomic writer leaves is its hidden temporary file, never a .csv.
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("atomic")) == sorted(
        f"atomic-{n}.csv" for n in range(1, KILLS, 2)
    )
