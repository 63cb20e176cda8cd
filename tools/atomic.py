"""Atomic file writes: readers see the old file or the new one, never half of either.

Why one module: the store's raw snapshots, the policy registry, drafts and published pages all
promise that an interrupted write loses nothing already stored; one implementation keeps that
promise the same everywhere (temp file in the same directory, fsync, rename).
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (read by setting and restoring it; the lock keeps threads from racing)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file + ``os.replace``; the temp file never outlives a failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file 0600; a new file should get what open() would give (0666 & ~umask), so a
        # site build running as another user can read drafts and published pages.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """UTF-8, ``\\n`` line endings, atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))
