"""Where drafts live on disk and how to read one (Markdown + JSON sidecar).

Why one module: the naming of the draft and its sidecar is decided by the drafting step
(``agent draft``); keeping the lookup in one function means a rename there is one edit here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from agent.sidecar import Sidecar
from tools.errors import InputError, StoreError

WEEK_RE = re.compile(r"^\d{4}-W\d{2}$")
SUFFIX = "-trade-briefing"


@dataclass(frozen=True)
class DraftFiles:
    week: str
    markdown: Path
    sidecar: Path


@dataclass(frozen=True)
class Draft:
    """A loaded draft: its files, the Markdown text, the sidecar and a hash of both."""

    files: DraftFiles
    markdown: str
    sidecar: Sidecar
    content_hash: str

    @property
    def week(self) -> str:
        return self.files.week


def check_week(week: str) -> str:
    if not WEEK_RE.match(week):
        raise InputError(f"bad week {week!r}: expected YYYY-Www, e.g. 2026-W07")
    return week


def draft_files(output_dir: Path, week: str) -> DraftFiles:
    """The draft Markdown and its sidecar for a week (``2026-W07-trade-briefing.md`` / ``.json``)."""
    check_week(week)
    stem = f"{week}{SUFFIX}"
    return DraftFiles(week=week, markdown=output_dir / f"{stem}.md", sidecar=output_dir / f"{stem}.json")


def published_path(output_dir: Path, week: str) -> Path:
    """Published briefings go beside the drafts, in ``published/``, so a draft is never overwritten."""
    return output_dir / "published" / f"{check_week(week)}{SUFFIX}.md"


def find_weeks(output_dir: Path) -> list[str]:
    """Weeks that have a complete draft (Markdown and sidecar) in the output directory, newest first."""
    if not output_dir.is_dir():
        return []
    weeks = []
    for path in output_dir.glob(f"*{SUFFIX}.json"):
        week = path.name[: -len(f"{SUFFIX}.json")]
        if WEEK_RE.match(week) and draft_files(output_dir, week).markdown.is_file():
            weeks.append(week)
    return sorted(weeks, reverse=True)


def load_draft(output_dir: Path, week: str) -> Draft:
    """Read a week's draft; a missing or unreadable draft is an error naming the file."""
    files = draft_files(output_dir, week)
    if not files.sidecar.is_file() or not files.markdown.is_file():
        raise InputError(f"no draft for {week} in {output_dir} (run `agent draft --week {week}` first)")
    try:
        raw_sidecar = files.sidecar.read_bytes()
        markdown = files.markdown.read_text(encoding="utf-8")
        sidecar = Sidecar.model_validate_json(raw_sidecar)
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read draft for {week}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise StoreError(f"{files.sidecar.name} is not a valid sidecar ({where}: {first['msg']})") from exc
    digest = hashlib.sha256(raw_sidecar + b"\0" + markdown.encode("utf-8")).hexdigest()
    return Draft(files=files, markdown=markdown, sidecar=sidecar, content_hash=digest)
