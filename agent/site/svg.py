"""Draw a ``Chart`` as a standalone SVG with matplotlib's SVG backend and a CJK font.

Why glyphs as paths: the reader's browser may lack a CJK font, so the labels are drawn with the
Noto Sans CJK font the install step brings (Debian ``fonts-noto-cjk``) and embedded as outlines.
Output is reproducible (fixed hash salt, no date) so a rebuilt page does not churn.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from agent.site.charts import Chart
from tools.errors import ConfigError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Debian's fonts-noto-cjk; the first path that exists is used.
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKtc-Regular.otf"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
COLORS = ("#1f5a8a", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#566573")


def cjk_font() -> Path | None:
    return next((p for p in CJK_FONTS if p.is_file()), None)


@lru_cache(maxsize=1)
def _font_family() -> str:
    from matplotlib import font_manager

    path = cjk_font()
    if path is None:
        raise ConfigError("no CJK font for chart labels: install Debian's fonts-noto-cjk (`make install-site`)")
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


def render_svg(chart: Chart) -> str:
    """The chart as SVG text."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    family = _font_family()
    with matplotlib.rc_context({"font.family": family, "svg.fonttype": "path", "svg.hashsalt": chart.ref.id,
                                "axes.unicode_minus": False, "font.size": 9}):
        fig = Figure(figsize=(7.2, 3.8), dpi=100)
        ax = fig.add_subplot()
        if chart.style == "line":
            _line(ax, chart)
        elif chart.style == "bars":
            _bars(ax, chart)
        else:
            _hbars(ax, chart)
        ax.set_title(chart.ref.title, fontsize=11)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y" if chart.style != "hbars" else "x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _line(ax: Axes, chart: Chart) -> None:
    months = sorted({x for s in chart.series for x, _, _ in s.points})
    index = {m: i for i, m in enumerate(months)}
    ends: list[tuple[float, float, str, str]] = []  # (x, y, label, colour) of the labelled points
    for n, series in enumerate(chart.series):
        xs = [index[x] for x, _, _ in series.points]
        ys = [y for _, y, _ in series.points]
        color = COLORS[n % len(COLORS)]
        ax.plot(xs, ys, color=color, linewidth=1.6, label=series.name)
        ends += [(x, y, lab, color) for x, y, (_, _, lab) in zip(xs, ys, series.points, strict=True) if lab]
    all_y = [y for s in chart.series for _, y, _ in s.points] + [0.0]
    gap = (max(all_y) - min(all_y)) * 0.055
    placed: list[float] = []
    for x, y, label, color in sorted(ends, key=lambda e: e[1]):  # spread end labels so none overlap
        at = max(y, placed[-1] + gap) if placed else y
        placed.append(at)
        ax.annotate(label, (x, y), xytext=(x + 0.4, at), va="center", ha="left", fontsize=7.5, color=color)
    ax.set_xlim(-0.5, len(months) + 3.5)
    ax.axhline(0, color="#333333", linewidth=0.8)
    step = max(1, len(months) // 8)
    ax.set_xticks(range(0, len(months), step))
    ax.set_xticklabels([months[i] for i in range(0, len(months), step)], rotation=0, fontsize=7.5)
    ax.set_ylabel(chart.y_label)
    ax.legend(loc="lower left", fontsize=8, frameon=False)


def _bars(ax: Axes, chart: Chart) -> None:
    groups = list(dict.fromkeys(x for s in chart.series for x, _, _ in s.points))
    width = 0.8 / max(1, len(chart.series))
    for n, series in enumerate(chart.series):
        offset = (n - (len(chart.series) - 1) / 2) * width
        xs = [groups.index(x) + offset for x, _, _ in series.points]
        ys = [y for _, y, _ in series.points]
        bars = ax.bar(xs, ys, width=width * 0.95, color=COLORS[n % len(COLORS)], label=series.name)
        ax.bar_label(bars, labels=[lab for _, _, lab in series.points], fontsize=7, padding=2)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups)
    ax.set_ylabel(chart.y_label)
    if len(chart.series) > 1:
        ax.legend(fontsize=8, frameon=False)


def _hbars(ax: Axes, chart: Chart) -> None:
    points = chart.series[0].points
    names = [x for x, _, _ in points][::-1]
    values = [y for _, y, _ in points][::-1]
    bars = ax.barh(names, values, color=[COLORS[0] if v >= 0 else COLORS[1] for v in values])
    ax.bar_label(bars, labels=[lab for _, _, lab in points][::-1], fontsize=7, padding=2)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(chart.y_label)
