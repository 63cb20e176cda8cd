"""``agent facts --week 2026-W07``: the week's fact sheet as rich tables or JSON.

Why thin: the numbers are decided in ``tools.facts.build``; this module only reads the
arguments, opens the store, and prints. Bad weeks and unknown reporters raise InputError
(exit 2); an empty store raises DataGapError naming what is missing (exit 1).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tools.facts.model import FactKey, FactSheet
from tools.fmt import direction_word

console = Console()


def _show(sheet: FactSheet, key: FactKey) -> str:
    f = sheet.lookup(key)
    return f.display if f is not None else "—"


def _census_table(sheet: FactSheet) -> Table | None:
    cutoff = sheet.data_cutoff.get("census", "?")
    heads = [f for f in sheet.find("balance", source="census", flow="balance", measure="value", end=cutoff)
             if f.key.basis in ("ytd", "year")]
    if not heads:
        return None
    t = Table(title="美國對主要夥伴貿易（US Census，同口徑年增率）", title_justify="left")
    for col in ("夥伴", "期間", "出口", "進口", "差額", "差額年增率", "單月最大逆差"):
        t.add_column(col, justify="right" if col not in ("夥伴", "期間") else "left")
    for h in sorted(heads, key=lambda f: f.value or 0):
        cty = h.key.partner
        yoy = sheet.lookup(h.key.with_(measure="yoy"))
        yoy_s = "—" if yoy is None else yoy.display
        if yoy is not None and yoy.unit == "pct" and yoy.value is not None:
            yoy_s += f"（{direction_word(yoy.value, 'balance')}）"
        ext = next(iter(sheet.find("monthly_extreme", source="census", partner=cty, measure="max_deficit")), None)
        ext_s = "—" if ext is None else f"{ext.display}（{ext.subject['month']}，{ext.period.start} 以來）"
        word = "逆差" if (h.value or 0) < 0 else "順差"
        t.add_row(f"{h.subject['partner_name']} ({cty})", h.period.label_zh,
                  _show(sheet, h.key.with_(flow="exports")), _show(sheet, h.key.with_(flow="imports")),
                  f"{word} {h.display}", yoy_s, ext_s)
    return t


def _comtrade_table(sheet: FactSheet) -> Table | None:
    hhis = sheet.find("hhi", source="comtrade", measure="hhi")
    if not hhis:
        return None
    t = Table(title="UN Comtrade 夥伴集中度（單一年度）", title_justify="left")
    for col in ("報告國", "流向", "年", "總額", "年增率", "HHI", "等級", "前三大夥伴", "前三大占比", "夥伴數"):
        t.add_column(col, justify="left" if col in ("報告國", "流向", "前三大夥伴", "等級") else "right")
    for h in sorted(hhis, key=lambda f: (f.subject["reporter"], f.subject["flow"], f.subject["year"]), reverse=False):
        s = h.subject
        top = sheet.lookup(h.key.with_(measure="top3_share"))
        t.add_row(f"{s['reporter_name']} ({s['reporter']})", "出口" if s["flow"] == "X" else "進口", s["year"],
                  _show(sheet, h.key.with_(measure="total")), _show(sheet, h.key.with_(measure="yoy")), h.display,
                  _show(sheet, h.key.with_(measure="hhi_band")),
                  top.subject.get("partner_names", "") if top else "—", top.display if top else "—",
                  _show(sheet, h.key.with_(measure="partner_count")))
    return t


def _flag_table(sheet: FactSheet) -> Table | None:
    if not sheet.flags:
        return None
    t = Table(title="資料品質提示（報告「已知限制」須說明）", title_justify="left")
    t.add_column("等級")
    t.add_column("代碼")
    t.add_column("說明")
    for fl in sheet.flags:
        t.add_row(fl.severity, fl.code, fl.message_zh)
    return t


def _all_table(sheet: FactSheet) -> Table:
    t = Table(title="全部事實（id → 顯示）", title_justify="left")
    for col in ("id", "display", "label_zh", "period"):
        t.add_column(col, overflow="fold")
    for f in sheet.facts:
        t.add_row(f.id, f.display, f.label_zh, f.period.label_zh)
    return t


def print_sheet(sheet: FactSheet, show_all: bool = False) -> None:
    cut = "、".join(f"{k} 至 {v}" for k, v in sheet.data_cutoff.items())
    console.print(f"[bold]{sheet.week}[/bold]  {sheet.period_start} — {sheet.period_end}  資料截至：{cut}",
                  highlight=False)
    for table in (_census_table(sheet), _comtrade_table(sheet), _flag_table(sheet)):
        if table is not None:
            console.print(table)
    if show_all:
        console.print(_all_table(sheet))
    console.print(f"{len(sheet.facts)} facts, {len(sheet.flags)} flags（--all 列出全部事實，--json 輸出完整 JSON）",
                  style="dim", highlight=False)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add ``agent facts``."""

    @app.command()
    def facts(
        week: Annotated[str, typer.Option("--week", "-w", help="ISO week, e.g. 2026-W07.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the FactSheet as JSON.")] = False,
        reporter: Annotated[list[str] | None, typer.Option(
            "--reporter", "-r", help="Comtrade reporter (code or name); repeatable. Default: all.")] = None,
        show_all: Annotated[bool, typer.Option("--all", help="Also list every fact id with its display.")] = False,
    ) -> None:
        """The week's fact sheet: every figure a report may cite, with sources and quality flags."""
        from agent.config import load_settings
        from tools.facts.build import build_fact_sheet
        from tools.store import Store
        from tools.weeks import parse_week

        parse_week(week)  # fail fast on a bad week, before touching the store
        settings = load_settings()
        store = Store(settings.data_dir)
        sheet = build_fact_sheet(store, week, reporters=reporter or None)
        if as_json:
            sys.stdout.write(sheet.model_dump_json(indent=2) + "\n")
        else:
            print_sheet(sheet, show_all=show_all)
