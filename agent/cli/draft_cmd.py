"""``agent draft [--report trade-briefing] --week 2026-W07 | --month 2026-01 | --quarter 2026-Q1``.

Why thin: the work is in ``agent.narrate`` (one engine) and the report's spec; this module
reads the store and settings, picks the backend, and reports where the draft and its JSON
sidecar went (the drafts dir, never the site) and how much of the model's prose survived
verification.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from tools.errors import InputError

if TYPE_CHECKING:
    from agent.reports import Period, ReportSpec
    from tools.facts.model import FactSheet
    from tools.store import Store

console = Console()


def _sheet_or_none(spec: ReportSpec, store: Store, period: Period) -> FactSheet | None:
    """An earlier period's fact sheet for comparisons; a gap there is a limitation, not an error."""
    from agent.narrate.engine import fact_sheet
    from tools.errors import AgentError

    try:
        return fact_sheet(spec, store, period, comparison_only=True)
    except AgentError:
        return None


def _attach_charts(markdown_path: Path | None, sidecar_path: Path | None, store: object, sheet: object,
                   kinds: tuple[str, ...]) -> None:
    """The spec's charts beside the draft; without the CJK font the draft stays, chartless, with a warning."""
    from agent.site.attach import attach_charts
    from agent.site.chart_facts import chart_facts
    from tools.errors import ConfigError

    if markdown_path is None or sidecar_path is None or not kinds:
        return
    try:
        attached = attach_charts(markdown_path, sidecar_path, chart_facts(store, sheet), kinds)  # type: ignore[arg-type]
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


def _period_text(spec: ReportSpec, given: dict[str, str | None]) -> str:
    """The one period option that matches the report's kind (a wrong kind is a one-line error)."""
    chosen = {kind: text for kind, text in given.items() if text}
    if not chosen:
        raise InputError(f"{spec.id} is drafted per {spec.period_kind}: pass --{spec.period_kind}")
    if len(chosen) > 1:
        raise InputError("pass one of --week, --month or --quarter")
    kind, text = next(iter(chosen.items()))
    if kind != spec.period_kind:
        raise InputError(f"{spec.id} is drafted per {spec.period_kind}, not per {kind}: "
                         f"pass --{spec.period_kind} instead of --{kind}")
    return str(text)


def run_draft(report: str, periods: dict[str, str | None], llm: str | None, output_dir: Path | None = None) -> None:
    from agent.config import load_settings
    from agent.llm import get_backend
    from agent.narrate import Inputs, draft, retrieve
    from agent.narrate.engine import fact_sheet
    from agent.narrate.retrieval import NOTE_NOT_CONSULTED, Retrieved
    from agent.reports import get_report
    from tools.errors import DataGapError
    from tools.store import Store

    spec = get_report(report)
    period = spec.period(_period_text(spec, periods))
    settings = load_settings()
    backend = get_backend(llm, settings)
    store = Store(settings.data_dir)
    if store.is_empty():
        raise DataGapError(f"the store at {settings.data_dir} is empty: run `agent fetch --from-sample` first")
    sheet = fact_sheet(spec, store, period)
    refuse_weeks_past_the_data(period.id, period.start, sheet.data_cutoff)
    inputs = Inputs(
        period=period,
        sheet=sheet,
        prev_sheet=_sheet_or_none(spec, store, spec.period(period.prev)) if "prev" in spec.comparisons else None,
        year_ago_sheet=(_sheet_or_none(spec, store, spec.period(period.year_ago))
                        if "year_ago" in spec.comparisons else None),
        retrieved=(retrieve(settings, period.start, period.end) if spec.documents
                   else Retrieved(status="empty", note=NOTE_NOT_CONSULTED)),
    )
    if spec.documents and inputs.retrieved.status != "ok":
        Console(stderr=True).print(f"[yellow]policy section left empty: {inputs.retrieved.status}[/yellow] "
                                   "(build the index with `agent policy ingest`)")
    with console.status(f"drafting {spec.key(period.id)} with {backend.name} …"):
        result = draft(inputs, backend, output_dir or settings.drafts_dir / spec.id, spec=spec)
    _attach_charts(result.markdown_path, result.sidecar_path, store, sheet, spec.charts)
    side = result.sidecar
    flagged = len(side.flagged_claims())
    console.print(f"wrote {result.markdown_path}")
    console.print(f"sidecar {result.sidecar_path}")
    console.print(f"backend {side.backend}{' / ' + side.model if side.model else ''}: {len(side.claims)} claims, "
                  f"{flagged} flagged for review, model sentences kept {result.stats['kept']}, "
                  f"replaced {result.stats['replaced']}, {side.timings.get('total', 0.0):.1f} s")
    console.print(f"review it with `agent review show {side.key}`, then `agent publish --report {side.key}`")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add this feature's commands to the root app (and eval sub-app)."""

    @app.command("draft")
    def draft_command(
        report: Annotated[str, typer.Option("--report", help="Report type, e.g. trade-briefing")] = "trade-briefing",
        week: Annotated[str | None, typer.Option("--week", help="ISO week for weekly reports, e.g. 2026-W07")] = None,
        month: Annotated[str | None, typer.Option("--month", help="Month for monthly reports, e.g. 2026-01")] = None,
        quarter: Annotated[str | None, typer.Option("--quarter", help="Quarter, e.g. 2026-Q1")] = None,
        llm: Annotated[str | None, typer.Option("--llm", help="openai | local | template (default: auto)")] = None,
        output_dir: Annotated[Path | None, typer.Option(
            "--output-dir", help="Write the draft here instead of <AGENT_DRAFTS_DIR>/<report>")] = None,
    ) -> None:
        """Draft a report (Markdown + JSON sidecar in the drafts dir) from the stored data."""
        run_draft(report, {"week": week, "month": month, "quarter": quarter}, llm, output_dir)
