"""``agent draft --week 2026-W07 [--llm openai|local|template]``: write the weekly briefing.

Why thin: the work is in ``agent.narrate``; this module reads the store and settings, picks
the backend, and reports where the Markdown and its JSON sidecar went and how much of the
model's prose survived verification.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def _sheet_or_none(store: object, week: str) -> object | None:
    """An earlier week's fact sheet for comparisons; a gap there is a limitation, not an error."""
    from tools.errors import AgentError
    from tools.facts.build import build_fact_sheet

    try:
        return build_fact_sheet(store, week)  # type: ignore[arg-type]
    except AgentError:
        return None


def _attach_charts(markdown_path: Path | None, sidecar_path: Path | None, store: object, sheet: object) -> None:
    """Charts from facts beside the draft; without the CJK font the draft stays, chartless, with a warning."""
    from agent.site.attach import attach_charts
    from agent.site.chart_facts import chart_facts
    from tools.errors import ConfigError

    if markdown_path is None or sidecar_path is None:
        return
    try:
        attached = attach_charts(markdown_path, sidecar_path, chart_facts(store, sheet))  # type: ignore[arg-type]
    except ConfigError as exc:
        Console(stderr=True).print(f"[yellow]no charts: {exc}[/yellow]", highlight=False)
        return
    for path in attached.files:
        console.print(f"chart {path}")


#: How far past its newest data a briefing may be dated. Why: every figure comes from the newest
#: stored month, so a page dated years later (a typo such as 2999-W07) would present old numbers
#: as that week's news; a year covers release lags and weeks drafted while a fetch is pending.
DATA_MARGIN_DAYS = 366


def _newest_data_day(cutoff: dict[str, str]) -> date | None:
    """Last day covered by the newest period in the sheet (Census month 'YYYY-MM', Comtrade year 'YYYY')."""
    days = []
    for period in cutoff.values():
        try:
            if len(period) == 7:
                year, month = int(period[:4]), int(period[5:7])
                days.append(date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
            elif len(period) == 4:
                days.append(date(int(period), 12, 31))
        except ValueError:
            continue
    return max(days) if days else None


def refuse_weeks_past_the_data(week: str, week_start: date, cutoff: dict[str, str]) -> None:
    from tools.errors import InputError

    newest = _newest_data_day(cutoff)
    if newest is not None and (week_start - newest).days > DATA_MARGIN_DAYS:
        raise InputError(f"{week} starts {(week_start - newest).days} days after the newest stored data "
                         f"({max(cutoff.values())}); fetch newer data or pick a week up to "
                         f"{DATA_MARGIN_DAYS} days after it")


def run_draft(week: str, llm: str | None, output_dir: Path | None = None) -> None:
    from agent.config import load_settings
    from agent.llm import get_backend
    from agent.narrate import Inputs, draft, retrieve
    from tools.errors import DataGapError
    from tools.facts.build import build_fact_sheet
    from tools.store import Store
    from tools.weeks import parse_week

    report_week = parse_week(week)
    settings = load_settings()
    backend = get_backend(llm, settings)
    store = Store(settings.data_dir)
    if store.is_empty():
        raise DataGapError(f"the store at {settings.data_dir} is empty: run `agent fetch --from-sample` first")
    sheet = build_fact_sheet(store, report_week.week)
    refuse_weeks_past_the_data(report_week.week, report_week.start, sheet.data_cutoff)
    inputs = Inputs(
        week=report_week,
        sheet=sheet,
        prev_sheet=_sheet_or_none(store, report_week.prev_week),  # type: ignore[arg-type]
        year_ago_sheet=_sheet_or_none(store, report_week.year_ago_week),  # type: ignore[arg-type]
        retrieved=retrieve(settings, report_week.start, report_week.end),
    )
    if inputs.retrieved.status != "ok":
        Console(stderr=True).print(f"[yellow]policy section left empty: {inputs.retrieved.status}[/yellow] "
                      "(build the index with `agent policy ingest`)")
    with console.status(f"drafting {report_week.week} with {backend.name} …"):
        result = draft(inputs, backend, output_dir or settings.output_dir)
    _attach_charts(result.markdown_path, result.sidecar_path, store, sheet)
    side = result.sidecar
    flagged = len(side.flagged_claims())
    console.print(f"wrote {result.markdown_path}")
    console.print(f"sidecar {result.sidecar_path}")
    console.print(f"backend {side.backend}{' / ' + side.model if side.model else ''}: {len(side.claims)} claims, "
                  f"{flagged} flagged for review, model sentences kept {result.stats['kept']}, "
                  f"replaced {result.stats['replaced']}, {side.timings.get('total', 0.0):.1f} s")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add this feature's commands to the root app (and eval sub-app)."""

    @app.command("draft")
    def draft_command(
        week: Annotated[str, typer.Option("--week", help="ISO week to draft, e.g. 2026-W07")],
        llm: Annotated[str | None, typer.Option("--llm", help="openai | local | template (default: auto)")] = None,
        output_dir: Annotated[Path | None, typer.Option("--output-dir", help="Override AGENT_OUTPUT_DIR")] = None,
    ) -> None:
        """Write the weekly briefing (Markdown + JSON sidecar) from the stored data."""
        run_draft(week, llm, output_dir)
