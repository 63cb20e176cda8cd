"""Readable source labels and links for the page (依據 lines, 資料來源).

Why: a raw query URL tells a reader nothing until they click it, and one reporter's Comtrade
URL shown as "the" source misstates where the figures came from. Labels are built from the
facts' own source records (dataset, query URL, fetch date), so they cannot drift from the data.
Counts shown in 資料來源 are returned as page-level facts so the page-trace check covers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from tools import markup
from tools.countries import name_zh
from tools.facts import make
from tools.facts.model import Fact, FactKey, FactSheet, SourceRef

CENSUS = "US Census 國際貿易 API"
CENSUS_FULL = "US Census Bureau 國際貿易 API"
COMTRADE = "UN Comtrade"
FLOW_ZH = {"exports": "出口", "imports": "進口", "X": "出口", "M": "進口"}


@dataclass(frozen=True)
class Link:
    label: str
    url: str

    def markdown(self) -> str:
        """``[label](url)``, label escaped; a URL that is not http(s) leaves the label unlinked."""
        return markup.link(self.label, self.url)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def asked(src: SourceRef) -> SourceRef:
    """``src`` with what its question asked (flow, window, reporter, partner).

    The client records these with the answer (manifest provenance columns); only an answer
    stored before that (an older store, whose rows carry '') is read back from its stored URL.
    """
    if src.window or not src.url:
        return src
    q, path = _query(src.url), urlsplit(src.url).path
    if src.dataset.startswith("census"):
        words = (q.get("time") or [""])[0].split()
        window = f"{words[1]}–{words[3]}" if len(words) == 4 and words[0] == "from" and words[2] == "to" else (
            words[0] if len(words) == 1 else "")
        flow = src.flow or ("exports" if "/exports/" in path else "imports" if "/imports/" in path else "")
        return src.model_copy(update={"window": window, "flow": flow, "partner": ",".join(q.get("CTY_CODE", []))})
    if src.dataset.startswith("comtrade"):
        first = {k: (q.get(k) or [""])[0] for k in ("reporterCode", "period", "flowCode", "partnerCode")}
        return src.model_copy(update={"window": first["period"], "flow": first["flowCode"] or src.flow,
                                      "reporter": first["reporterCode"], "partner": first["partnerCode"]})
    return src


def census_queries(facts: list[Fact]) -> dict[str, list[SourceRef]]:
    """flow -> distinct Census queries the facts were read from (exports first)."""
    found: dict[str, list[SourceRef]] = {"exports": [], "imports": []}
    for fact in facts:
        for src in map(asked, fact.sources):
            if src.dataset.startswith("census") and src.flow in found:
                if src.url not in [s.url for s in found[src.flow]]:
                    found[src.flow].append(src)
    return {k: v for k, v in found.items() if v}


def census_link(src: SourceRef, with_name: bool = True, with_partner: bool = False) -> Link:
    src = asked(src)
    codes = [c for c in src.partner.split(",") if c]
    partner = name_zh(codes[0], scheme="census", fallback=codes[0]) if with_partner and len(codes) == 1 else ""
    inner = "，".join(p for p in (f"美國{FLOW_ZH.get(src.flow, '')}" + (f"（{partner}）" if partner else ""),
                                 src.window) if p)
    return Link(f"{CENSUS}（{inner}）" if with_name else inner, src.url)


def comtrade_link(src: SourceRef, with_name: bool = True) -> Link:
    src = asked(src)
    reporter, year, flow = src.reporter, src.window, src.flow
    name = name_zh(int(reporter), fallback=reporter) if reporter.isdigit() else reporter
    inner = "".join(p for p in (name, f" {year} 年" if year else "", FLOW_ZH.get(flow, "")) if p)
    return Link(f"{COMTRADE}（{inner}）" if with_name else inner, src.url)


def source_link(src: SourceRef, with_name: bool = True) -> Link:
    """One stored answer as a readable link."""
    if src.dataset.startswith("census"):
        return census_link(src, with_name=with_name)
    if src.dataset.startswith("comtrade"):
        return comtrade_link(src, with_name=with_name)
    return Link(src.dataset, src.url)


def fact_links(fact: Fact, sheet: FactSheet | None = None) -> list[Link]:
    """Where ``fact`` came from: every query it cites (a balance cites the exports and the imports query)."""
    refs = [src for src in fact.sources if src.url]
    if not refs:
        return [Link(fact.id, "")]
    return [source_link(src) for src in refs]


def links_markdown(links: list[Link]) -> str:
    return "、".join(dict.fromkeys(link.markdown() for link in links))


@dataclass
class SourceLines:
    lines: list[str]
    facts: dict[str, Fact]  # page-level counts (keyed 'sources:…') the lines show
    labels: list[str]  # link texts (dates/windows) the page-trace check may rely on


def data_source_lines(sheet: FactSheet, used: list[Fact]) -> SourceLines:
    """资料来源 lines for the datasets the page uses: every Census query, Comtrade answers counted."""
    lines: list[str] = []
    facts: dict[str, Fact] = {}
    labels: list[str] = []
    datasets = {f.source.dataset.split(".")[0] for f in used if f.source}
    if "census" in datasets:
        queries = census_queries(used)
        fetched = _fetched(sheet, "census")
        links = [census_link(src, with_name=False, with_partner=len(refs) > 1)
                 for refs in queries.values() for src in refs]
        labels += [link.label for link in links]
        lines.append(f"{CENSUS_FULL}，擷取於 {fetched}：" + "、".join(link.markdown() for link in links))
    if "comtrade" in datasets:
        answers: dict[str, tuple[str, str, str]] = {}
        refs: dict[str, SourceRef] = {}
        synthetic: set[bool] = set()
        for fact in sheet.facts:
            if fact.source and fact.source.dataset.startswith("comtrade") and fact.source.url:
                src = refs.setdefault(fact.source.url, asked(fact.source))
                answers.setdefault(src.url, (src.reporter, src.window, src.flow))
                synthetic.add(fact.source.synthetic)
        year_list = sorted({a[1] for a in answers.values()})
        if year_list and all(y.isdigit() for y in year_list):
            reporters, years, flows = (len({a[i] for a in answers.values()}) for i in range(3))
            period = make.year_period(int(year_list[-1]))
            counts = {"answers": (len(answers), "UN Comtrade 查詢回應數"),
                      "reporters": (reporters, "UN Comtrade 報告國數"),
                      "years": (years, "UN Comtrade 年度數")}
            for key, (value, label) in counts.items():
                facts[f"sources:comtrade.{key}"] = make.count_fact(
                    key=FactKey(source="comtrade", measure=key, view="sources", basis=period.basis,
                                start=period.start, end=period.end),
                    kind="count", value=float(value), period=period, label_zh=label)
            example = min(answers, key=lambda u: (answers[u][1] != year_list[-1], answers[u][2] != "X", answers[u]))
            link = comtrade_link(refs[example], with_name=False)
            labels.append(link.label)
            flow_text = "出口與進口" if flows > 1 else FLOW_ZH.get(next(iter(answers.values()))[2], "")
            note = {frozenset({True}): "，合成樣本", frozenset({True, False}): "，含合成樣本"}.get(frozenset(synthetic), "")
            lines.append(f"{COMTRADE}，擷取於 {_fetched(sheet, 'comtrade')}{note}：各報告國年度夥伴表共 "
                         f"{facts['sources:comtrade.answers'].display} 份查詢回應（"
                         f"{facts['sources:comtrade.reporters'].display} 個報告國 × "
                         f"{facts['sources:comtrade.years'].display} 個年度 × {flow_text}），例如 {link.markdown()}")
    return SourceLines(lines, facts, labels)


def _fetched(sheet: FactSheet, prefix: str) -> str:
    dates = sorted({f.source.fetched_at.date().isoformat() for f in sheet.facts
                    if f.source and f.source.dataset.startswith(prefix)})
    return dates[-1] if dates else ""
