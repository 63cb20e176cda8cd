"""Session fixtures for the site tests: one published site from the bundled sample, built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from site_fixture import PublishedSite, published_site


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> PublishedSite:
    if shutil.which("jekyll") is None:
        pytest.skip("jekyll not installed (Debian packages jekyll, ruby-jekyll-seo-tag, ruby-jekyll-sitemap; "
                    "`make install-site`)")
    from agent.site.svg import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font for the charts (Debian fonts-noto-cjk; `make install-site`)")
    return published_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def built_site(bundled_site: PublishedSite, tmp_path_factory: pytest.TempPathFactory) -> tuple[PublishedSite, Path]:
    """The site as `agent site build` makes it (the CLI, so the command itself is what is tested)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("built") / "_site"
    done = subprocess.run([sys.executable, "-m", "agent", "site", "build", "--out", str(out)], env=bundled_site.env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "jekyll:" not in done.stdout, done.stdout  # the CLI prints Jekyll's warnings: there must be none
    index = Path(done.stdout.strip().splitlines()[-1])
    assert index == (out / "index.html").resolve() and index.is_file()
    return bundled_site, out
