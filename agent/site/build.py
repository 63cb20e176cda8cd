"""Build the site: stage the published pages with our theme, run Debian's Jekyll, report its warnings.

Why a staging tree: the site source holds what `agent publish` wrote (and, in older layouts,
drafts beside it); Jekyll must see only published pages, each with Liquid switched off and its
charts beside it, plus the theme, the navigation data, the index and one page per report type.
Both directories are plain values, so the same builder serves any site layout.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from agent.site.files import charts_of
from agent.site.pages import SitePage, index_page, nav_data, page_text, section_page, sections, site_page
from tools.errors import ConfigError, InputError, StoreError

THEME = Path(__file__).parent / "theme"
JEKYLL = "jekyll"
#: Written into every build: Jekyll empties its destination, so only a folder holding this is replaced.
MARKER = ".agent-site-build"
_NOISE = re.compile(r"warn|deprecat|error|invalid|conflict", re.I)


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    index: Path
    pages: list[SitePage]
    warnings: list[str]
    seconds: float
    skipped: list[str]  # pages under the source that could not be read (left out, named here)


def docs_root(source_dir: Path) -> Path:
    """Pages live under ``<site>/docs`` (the earlier site's layout); a tree without it is the root itself."""
    docs = source_dir / "docs"
    return docs if docs.is_dir() else source_dir


def published_pages(source_dir: Path, skipped: list[str] | None = None) -> list[tuple[Path, SitePage]]:
    """Every published page under the site source; drafts are left out, unreadable files named in ``skipped``."""
    root = docs_root(source_dir)
    if not root.is_dir():  # nothing published yet: the site is its index page alone
        return []
    found: list[tuple[Path, SitePage]] = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        try:
            page = site_page(PurePosixPath(rel.as_posix()), path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            if skipped is not None:
                skipped.append(f"{path}: {str(exc).splitlines()[0]}")
            continue
        if page is not None:
            found.append((path, page))
    urls: dict[str, Path] = {}
    for path, page in found:
        if page.url in urls:
            raise InputError(f"two published pages want {page.url}: {urls[page.url]} and {path}")
        urls[page.url] = path
    return found


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def stage(source_dir: Path, staging: Path, skipped: list[str] | None = None) -> list[SitePage]:
    """Fill ``staging`` with the theme, the published pages (with their charts), nav data and index."""
    shutil.copytree(THEME, staging, dirs_exist_ok=True)
    found = published_pages(source_dir, skipped)
    for path, page in found:
        target = staging / page.url.strip("/")
        _write(target.with_name(target.name + ".md"), page_text(page))
        charts = charts_of(path)
        if charts.is_dir():
            shutil.copytree(charts, target / "charts", dirs_exist_ok=True)
    pages = [p for _, p in found]
    secs = sections(pages)
    _write(staging / "_data" / "nav.yml", yaml.safe_dump(nav_data(secs), allow_unicode=True, sort_keys=False))
    _write(staging / "index.md", index_page(secs))
    taken = {p.url for p in pages}
    for sec in secs:
        if sec.url != "/" and sec.url not in taken:
            _write(staging / sec.url.strip("/") / "index.md", section_page(sec))
    return pages


def check_out_dir(source_dir: Path, out_dir: Path) -> None:
    """Refuse a destination whose contents a build would destroy (Jekyll empties it first)."""
    src, out = source_dir.resolve(), out_dir.resolve()
    if out == src or src.is_relative_to(out):
        raise InputError(f"refusing to build into {out_dir}: it holds the site source {source_dir}")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(f"refusing to replace {out_dir}: it is not empty and not an earlier `agent site build`")


def jekyll_available(jekyll: str = JEKYLL) -> bool:
    return shutil.which(jekyll) is not None


def build_site(source_dir: Path, out_dir: Path, *, jekyll: str = JEKYLL) -> BuildResult:
    """Render the published pages under ``source_dir`` into ``out_dir`` with Jekyll."""
    exe = shutil.which(jekyll)
    if exe is None:
        raise ConfigError(f"{jekyll} not found: install Debian's jekyll, ruby-jekyll-seo-tag and "
                          "ruby-jekyll-sitemap (`make install-site`)")
    check_out_dir(source_dir, out_dir)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="agent-site-") as tmp:
        staging = Path(tmp) / "src"
        skipped: list[str] = []
        pages = stage(source_dir, staging, skipped)
        cmd = [exe, "build", "--source", str(staging), "--destination", str(out_dir.resolve()),
               "--disable-disk-cache"]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StoreError(f"jekyll build did not finish: {exc}") from exc
    output = (done.stdout + "\n" + done.stderr).splitlines()
    warnings = [line.strip() for line in output if _NOISE.search(line)]
    if done.returncode != 0:
        detail = "; ".join(warnings[-3:]) or (output[-1] if output else "no output")
        raise StoreError(f"jekyll build failed (exit {done.returncode}): {detail}")
    (out_dir / MARKER).write_text("built by `agent site build`; the next build replaces this folder\n",
                                  encoding="utf-8")
    return BuildResult(out_dir, out_dir / "index.html", pages, warnings, time.perf_counter() - started, skipped)
