"""``agent site build`` / ``agent site serve``: the published reports as a Jekyll site, and a local preview.

Why thin: staging and the Jekyll run live in ``agent.site.build``; this module resolves the two
directories (site source from ``AGENT_SITE_DIR``, default ``site``; output ``<source>/_site``),
prints where the index is, and serves the built files on 127.0.0.1 only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

console = Console()
SourceOpt = Annotated[Path | None, typer.Option("--source", help="Site source (default: $AGENT_SITE_DIR or ./site).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Built site directory (default: <source>/_site).")]
PortOpt = Annotated[int, typer.Option("--port", help="TCP port on 127.0.0.1.")]


def site_source(explicit: Path | None = None) -> Path:
    if explicit is not None:
        return explicit
    from agent.config import load_settings

    value = load_settings().get("AGENT_SITE_DIR") or os.environ.get("AGENT_SITE_DIR") or "site"
    return Path(value).expanduser()


def run_build(source: Path | None, out: Path | None) -> Path:
    from agent.site.build import build_site

    src = site_source(source)
    result = build_site(src, out or src / "_site")
    for line in result.skipped:
        console.print(Text(f"skipped unreadable page {line}", style="red"))
    for line in result.warnings:
        console.print(Text(f"jekyll: {line}", style="yellow"))
    console.print(Text(f"built {len(result.pages)} published page(s) from {src} in {result.seconds:.1f} s"))
    if not result.pages:
        console.print(Text("nothing published yet: review a draft (`agent review`, `agent serve`), then `agent publish`"))
    index = result.index.resolve()
    print(index)
    return index


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add this feature's commands to the root app (and eval sub-app)."""
    site_app = typer.Typer(help="Build the published reports as a website (Jekyll) and preview it.",
                           no_args_is_help=True)
    app.add_typer(site_app, name="site")

    @site_app.command("build")
    def build(source: SourceOpt = None, out: OutOpt = None) -> None:
        """Render every published report with Jekyll; prints the path of the index page."""
        run_build(source, out)

    @site_app.command("serve")
    def serve(source: SourceOpt = None, out: OutOpt = None,
              port: PortOpt = 4000) -> None:
        """Build, then serve the site on http://127.0.0.1:PORT/ for a local preview (Ctrl-C stops)."""
        from agent.site.serve import site_server

        index = run_build(source, out)
        server = site_server(index.parent, port)
        console.print(Text(f"site preview on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)"))
        try:
            server.serve_forever()
        finally:
            server.server_close()
