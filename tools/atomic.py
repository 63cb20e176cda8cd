"""Atomic file writes: readers see the old file or the new one, never half of either.

Why one module: the store's raw snapshots, the policy registry, drafts and published pages all
promise that an interrupted write loses nothing already stored; one implementation keeps that
promise the same everywhere (temp file in the same directory, fsync, rename).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file + ``os.replace``; the temp file never outlives a failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
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
