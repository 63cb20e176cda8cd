"""Where drafts and published pages live on disk, and how to read a draft (Markdown + JSON sidecar).

Why the report spec decides: the file name, the drafts sub-directory and the site section
of every report come from its :class:`~agent.reports.ReportSpec`, so this module works for
any registered report and a new report touches nothing here. Drafts live in the drafts
dir (with the data); only publishing writes into the site source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from agent.reports import ReportKey, ReportSpec, parse_key, reports
from agent.sidecar import Sidecar
from tools.errors import AgentError, InputError, StoreError


@dataclass(frozen=True)
class DraftFiles:
    key: str  # 'trade-briefing/2026-W07'
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
    def key(self) -> str:
        return self.files.key


def check_key(text: str) -> str:
    """A report key in its canonical form (``2026-W07`` is shorthand for ``trade-briefing/2026-W07``)."""
    return str(parse_key(text))


def draft_files(drafts_dir: Path, key: str) -> DraftFiles:
    """The draft Markdown and its sidecar (``<drafts>/trade-briefing/2026-W07-trade-briefing.md`` / ``.json``)."""
    parsed = parse_key(key)
    spec = parsed.spec
    stem = drafts_dir / spec.id / spec.stem(parsed.period)
    return DraftFiles(key=str(parsed), markdown=stem.with_suffix(".md"), sidecar=stem.with_suffix(".json"))


def published_path(site_dir: Path, key: str) -> Path:
    """Where the site serves the report: ``<site>/docs/<section>/<stem>.md`` (its nav links' URL)."""
    parsed = parse_key(key)
    spec = parsed.spec
    return site_dir / "docs" / spec.site_section.strip("/") / f"{spec.stem(parsed.period)}.md"


def _stem_re(spec: ReportSpec) -> re.Pattern[str]:
    head, _, tail = spec.file_pattern.replace("{id}", spec.id).partition("{period}")
    return re.compile(f"^{re.escape(head)}(?P<period>.+?){re.escape(tail)}$")


def _periods_on_disk(drafts_dir: Path, spec: ReportSpec) -> list[ReportKey]:
    folder = drafts_dir / spec.id
    if not folder.is_dir():
        return []
    found = []
    pattern = _stem_re(spec)
    for path in folder.glob("*.json"):
        m = pattern.match(path.stem)
        if m is None or not path.with_suffix(".md").is_file():
            continue
        try:
            period = spec.period(m.group("period"))
        except AgentError:
            continue
        if spec.stem(period.id) == path.stem:
            found.append(ReportKey(spec.id, period.id))
    return found


def find_keys(drafts_dir: Path) -> list[str]:
    """Every report with a complete draft (Markdown and sidecar), newest period first."""
    keys = [k for spec in reports().values() for k in _periods_on_disk(drafts_dir, spec)]
    keys.sort(key=lambda k: (k.spec.period(k.period).end, k.report), reverse=True)
    return [str(k) for k in keys]


def load_draft(drafts_dir: Path, key: str) -> Draft:
    """Read a report's draft; a missing or unreadable draft is an error naming the file."""
    files = draft_files(drafts_dir, key)
    if not files.sidecar.is_file() or not files.markdown.is_file():
        report, _, period = files.key.partition("/")
        spec = parse_key(files.key).spec
        raise InputError(f"no draft for {files.key} in {files.markdown.parent} "
                         f"(run `agent draft --report {report} --{spec.period_kind} {period}` first)")
    try:
        raw_sidecar = files.sidecar.read_bytes()
        markdown = files.markdown.read_text(encoding="utf-8")
        sidecar = Sidecar.model_validate_json(raw_sidecar)
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read draft for {files.key}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise StoreError(f"{files.sidecar.name} is not a valid sidecar ({where}: {first['msg']})") from exc
    digest = hashlib.sha256(raw_sidecar + b"\0" + markdown.encode("utf-8")).hexdigest()
    return Draft(files=files, markdown=markdown, sidecar=sidecar, content_hash=digest)
