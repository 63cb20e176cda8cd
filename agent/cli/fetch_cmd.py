"""``agent fetch`` (sources → store, live or from the bundled sample) and ``agent sources``.

Why here: the CLI only turns flags into ``FetchOptions``, shows progress and prints what
happened; fetching, validation and storing live in ``tools.sources`` and ``tools.store``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from agent.config import load_settings
from tools.errors import InputError, SourceError
from tools.metrics.revisions import summarise
from tools.sources.fetch import FetchOptions, parse_sources, run_fetch
from tools.store import STALE_AFTER, Store

TABLES = ("census", "census_hs", "comtrade", "mofcom", "worldbank", "federal-register", "revisions", "manifest")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add ``fetch`` and ``sources`` to the root app."""

    @app.command("fetch")
    def fetch(
        source: str = typer.Option("", "--source", "-s", help="comtrade, census, mofcom, worldbank or federal-register (comma-separated); default all"),
        from_sample: bool = typer.Option(False, "--from-sample", help="Store the bundled offline sample (no network)"),
        since: str = typer.Option("", "--since", help="Census: first month YYYY-MM (default: January two years ago)"),
        until: str = typer.Option("", "--until", help="Census: last month YYYY-MM (default: this month)"),
        year: Annotated[
            list[int] | None, typer.Option("--year", help="Comtrade: year to fetch (repeatable; default 2023 and 2024)")
        ] = None,
        pages: int = typer.Option(3, "--pages", min=1, max=50, help="MOFCOM: list pages per column"),
        hs: str = typer.Option(
            "", "--hs", help="Census: fetch HS-level detail at HS2, HS4, HS6 or HS10 instead of country totals"
        ),
    ) -> None:
        """Fetch sources into the store: raw answers, manifest and tables; identical answers change nothing."""
        settings = load_settings()
        options = FetchOptions(
            sources=parse_sources(source), from_sample=from_sample, since=since or None, until=until or None,
            years=tuple(year or ()) or FetchOptions.years, mofcom_pages=pages, hs_level=hs or None,
        )
        for y in options.years:
            if not 1962 <= y <= datetime.now(UTC).year:
                raise InputError(f"--year {y} is outside the years Comtrade publishes")
        store = Store(settings.data_dir)
        err = Console(stderr=True)
        with Progress(
            TextColumn("[bold]{task.description:<32}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        ) as progress:
            task = progress.add_task("fetching", total=None)
            outcomes = run_fetch(
                store, settings, options,
                on_plan=lambda n: progress.update(task, total=n),
                on_step=lambda label: progress.update(task, description=label, advance=1),
            )
        out = Console()
        table = Table(title=f"{'bundled sample' if from_sample else 'live fetch'} → {settings.data_dir}")
        for col in ("source", "answers", "new vintages", "unchanged", "rows stored", "synthetic answers", "status"):
            table.add_column(col)
        for o in outcomes:
            status = "[red]failed[/red]" if o.error else ("[yellow]warnings[/yellow]" if o.warnings else "ok")
            table.add_row(o.source, str(o.answers), str(o.new), str(o.unchanged), str(o.rows), str(o.synthetic), status)
        out.print(table)
        for o in outcomes:
            for warning in o.warnings:
                err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
        failed = [o for o in outcomes if o.error]
        if failed:
            kept = "; earlier snapshots kept" if not store.is_empty() else ""
            raise SourceError(" | ".join(o.error for o in failed) + kept)

    @app.command("sources")
    def sources(
        show: str = typer.Option("", "--show", help=f"Also print a stored table: {', '.join(TABLES)}"),
        limit: int = typer.Option(20, "--limit", min=1, help="Rows to print with --show"),
    ) -> None:
        """What is stored, from when, whether it is synthetic and whether it is stale."""
        if show and show not in TABLES:
            raise InputError(f"--show must be one of {', '.join(TABLES)}, got {show!r}")
        settings = load_settings()
        store = Store(settings.data_dir)
        out = Console()
        if store.is_empty():
            out.print(f"nothing stored in {settings.data_dir} yet: run `agent fetch --from-sample` or `agent fetch`")
            return
        status = store.status()
        table = Table(title=f"store {settings.data_dir}")
        for col in ("source", "answers", "rows", "fetched (UTC)", "last checked", "synthetic", "stale"):
            table.add_column(col)
        for row in status.itertuples(index=False):
            stale = f"[red]yes[/red] (> {STALE_AFTER[row.source].days} d)" if row.stale else "no"
            span = _day(row.first_fetched) + ("" if _day(row.first_fetched) == _day(row.last_fetched) else f" → {_day(row.last_fetched)}")
            table.add_row(row.source, str(row.snapshots), str(row.rows), span.strip() or "—",
                          _day(row.last_checked) or "—", row.synthetic or "—", stale)
        out.print(table)
        revisions = store.census_revisions()
        summary = summarise(revisions)
        out.print(f"Census months revised between stored vintages: {summary.revised} "
                  f"({len(revisions)} values differ; {summary.differing - summary.revised} only by rounding "
                  f"of at most {summary.rounding_usd:,.0f} USD)")
        if show:
            out.print(_frame_table(_table_frame(store, show), show, limit))


def _table_frame(store: Store, name: str) -> pd.DataFrame:
    if name == "census":
        return store.census_monthly()[["cty_code", "cty_name", "period", "exports_usd", "imports_usd", "vintage", "synthetic"]]
    if name == "census_hs":
        return store.census_hs()[["comm_lvl", "flow", "cty_code", "period", "commodity", "commodity_desc", "value_usd"]]
    if name == "comtrade":
        df = store.comtrade_annual()
        return df[["reporter_code", "reporter_desc", "year", "flow", "partner_code", "partner_desc", "value_usd", "synthetic"]]
    if name == "mofcom":
        docs = [d for d in store.policy_docs() if not d.doc_number]
        return pd.DataFrame([
            {"publish_date": d.publish_date, "notice_no": d.notice_no, "title": d.title, "url": d.url} for d in docs
        ])
    if name == "worldbank":
        return store.worldbank_indicators()[["indicator", "iso3", "year", "value", "vintage", "synthetic"]]
    if name == "federal-register":
        docs = [d for d in store.policy_docs() if d.doc_number]
        return pd.DataFrame([
            {"publish_date": d.publish_date, "doc_number": d.doc_number, "citation": d.citation, "type": d.doc_type,
             "title": d.title} for d in docs
        ])
    if name == "revisions":
        return store.census_revisions()
    return store.manifest()[["source", "fetched_at", "vintage", "n_rows", "synthetic", "source_url"]]


def _frame_table(df: pd.DataFrame, name: str, limit: int) -> Table:
    table = Table(title=f"{name}: {len(df)} rows (first {min(limit, len(df))})")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.head(limit).itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    return table


def _day(stamp: str) -> str:
    return stamp[:10]


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "—" if pd.isna(value) else f"{value:,.0f}"
    return str(value)
