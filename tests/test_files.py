"""Writing exports and backups so that nobody finds half a file."""

from __future__ import annotations

import os
import stat

import pytest

from consult.files import write_atomically


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
