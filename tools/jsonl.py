"""Read a JSONL file of pydantic records, naming the file and line of the first bad one.

Why shared: the retrieval and chat eval sets (and any user-supplied one) must fail the same
way — one line saying where — rather than with a traceback or a silently skipped item.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from tools.errors import InputError

M = TypeVar("M", bound=BaseModel)


def read_jsonl(path: Path, model: type[M], what: str) -> list[M]:
    """Every non-blank line as ``model``; unreadable file, bad line or an empty file → InputError."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    records: list[M] = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(f"{path}:{no}: bad {what} ({first['msg']})") from exc
    if not records:
        raise InputError(f"{path}: no {what} in it")
    return records
