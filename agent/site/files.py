"""Chart files travel with their page: ``<dir>/<name>.md`` owns ``<dir>/<name>/charts/*.svg``.

Why a convention instead of a manifest: the figure links ``charts/<id>.svg`` relative to the
page's pretty URL ``…/<name>/``, so wherever a page is written (draft, site source, built site)
its charts sit at the same relative place and every link keeps resolving.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tools.errors import StoreError


def charts_of(page: Path) -> Path:
    return page.parent / page.stem / "charts"


def copy_charts(from_page: Path, to_page: Path) -> list[Path]:
    """Copy the SVG charts of ``from_page`` beside ``to_page`` (replacing older ones); returns the new files."""
    source, target = charts_of(from_page), charts_of(to_page)
    if not source.is_dir() or source.resolve() == target.resolve():
        return []
    try:
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        return [Path(shutil.copy2(f, target / f.name)) for f in sorted(source.glob("*.svg"))]
    except OSError as exc:
        raise StoreError(f"cannot copy the charts of {from_page.name} to {target}: {exc}") from exc
