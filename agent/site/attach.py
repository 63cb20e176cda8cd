"""Put charts into a written draft: SVG files beside it, figures in its Markdown, refs in its sidecar.

Why after drafting rather than inside the narrator: a chart is drawn from facts the prose does
not need (the whole stored history), and attaching it is the same for any report — find the
section it illustrates, insert the figure, record what it draws. The figures' text is traced
again as it stands in the page, so a chart can never bring an unaccounted number onto it.

Files: a draft ``D/<name>.md`` gets ``D/<name>/charts/<id>.svg``; the figure links
``charts/<id>.svg``, which resolves under the page's pretty URL ``…/<name>/`` once published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agent.narrate.trace import page_text
from agent.sidecar import ChartRef, Sidecar
from agent.site.chart_facts import ChartFacts
from agent.site.charts import Chart, balance_chart, codes_of, contribution_chart, hhi_chart
from agent.site.files import charts_of
from agent.site.svg import render_svg
from agent.verify import check_text
from tools import markup
from tools.atomic import write_text_atomic
from tools.errors import VerificationError

#: Words of the ``## `` heading of the section each chart kind illustrates (first match wins;
#: no such section: the figure goes before the nav include, or at the end).
SECTION_OF = {"balance_monthly": ("進口重點", "貿易差額"), "hs_contribution": ("進口重點", "貿易差額"),
              "hhi": ("集中度",)}
_NAV = re.compile(r"^\{%\s*include\s+report-nav\.html.*%\}\s*$", re.M)


@dataclass(frozen=True)
class Attached:
    charts: list[ChartRef]
    files: list[Path]


#: Every chart kind this module draws (the values a report spec's ``charts`` may name).
CHART_KINDS = ("balance_monthly", "hhi", "hs_contribution")


def charts_for(facts: ChartFacts, kinds: tuple[str, ...] = CHART_KINDS) -> list[Chart]:
    """The charts of ``kinds`` the facts allow (a kind without facts draws nothing)."""
    unknown = set(kinds) - set(CHART_KINDS)
    if unknown:
        raise ValueError(f"unknown chart kind(s): {', '.join(sorted(unknown))}")
    made = [balance_chart(facts.monthly_balance) if "balance_monthly" in kinds else None,
            hhi_chart(facts.hhi) if "hhi" in kinds else None,
            contribution_chart(facts.contributions) if "hs_contribution" in kinds else None]
    return [c for c in made if c is not None]


def figure_markdown(ref: ChartRef) -> str:
    """The figure as kramdown: an image with alt text and a caption paragraph (class ``chart-caption``).

    Names in the text come from stored data, so they go through the one escaping module like any
    scraped field: nothing in them can open a link, a tag, a table cell or Liquid."""
    return f"![{markup.text(ref.alt)}]({ref.file})\n{{: .chart}}\n\n{markup.text(ref.caption)}\n{{: .chart-caption}}\n"


def insert_figure(markdown: str, ref: ChartRef) -> str:
    """Insert before the ``---`` that closes the chart's section (or before the nav include, or at the end)."""
    block = "\n" + figure_markdown(ref) + "\n"
    lines = markdown.splitlines(keepends=True)
    for words in SECTION_OF.get(ref.kind, ()):
        start = next((i for i, line in enumerate(lines) if line.startswith("## ") and words in line), None)
        if start is None:
            continue
        end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            return "".join(lines[:end]) + block.lstrip("\n") + "\n" + "".join(lines[end:])
    nav = _NAV.search(markdown)
    if nav:
        return markdown[:nav.start()] + block.lstrip("\n") + "\n" + markdown[nav.start():]
    return markdown.rstrip("\n") + "\n" + block


def attach_charts(markdown_path: Path, sidecar_path: Path, facts: ChartFacts,
                  kinds: tuple[str, ...] = CHART_KINDS) -> Attached:
    """Draw the charts of ``kinds``, write them beside the draft and add them to its Markdown and sidecar."""
    charts = charts_for(facts, kinds)
    sidecar = Sidecar.model_validate_json(sidecar_path.read_text(encoding="utf-8"))
    markdown = markdown_path.read_text(encoding="utf-8")
    out_dir = charts_of(markdown_path)
    files: list[Path] = []
    for chart in charts:
        if any(c.id == chart.ref.id for c in sidecar.charts):
            continue
        markdown = insert_figure(markdown, chart.ref)
        sidecar.charts.append(chart.ref)
        sidecar.facts.update({f.id: f for f in chart.facts})
    codes = codes_of(f for c in charts for f in c.facts)
    sidecar.vouched.extend(c for c in dict.fromkeys(codes) if c not in sidecar.vouched)  # publish re-traces the page
    added = "\n".join(figure_markdown(c.ref) for c in charts)
    problems = check_text(page_text(added), list(sidecar.facts.values()), codes)
    if problems:
        raise VerificationError(f"charts would bring untraced numbers onto {markdown_path.name}: "
                                + "; ".join(problems[:5]))
    out_dir.mkdir(parents=True, exist_ok=True)
    for chart in charts:
        path = out_dir / f"{chart.ref.id}.svg"
        write_text_atomic(path, render_svg(chart))
        files.append(path)
    write_text_atomic(sidecar_path, sidecar.model_dump_json(indent=2))
    write_text_atomic(markdown_path, markdown)
    return Attached(sidecar.charts, files)
