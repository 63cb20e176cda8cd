"""The chat tools as the tool-calling agent sees them: small JSON-in/JSON-out functions.

The offline router answers from the same lookups (``agent.chat.lookup``) through the
``*_replies`` modules, so both paths state identical figures and are verified the same way.

Why a separate layer over ``lookup``/``tools``: a model needs flat arguments (a country
name, ``YYYY-MM`` months) and compact results (id, period, display); the session needs to
remember every fact and document a tool handed out, because the final answer is verified
against exactly those. Each function is a plain callable first and a LangChain tool second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agent.chat.comtrade_replies import hhi_band, partner_name
from agent.chat.context import ChatContext
from agent.chat.lookup import month_label, months_between
from agent.chat.models import DocCite
from agent.chat.reply import available, run_start
from tools.countries import Country, by_census, resolve
from tools.errors import InputError
from tools.facts.model import Fact


def fact_view(f: Fact) -> dict[str, Any]:
    return {"id": f.id, "what": f.label_zh, "period": f.period.label_zh, "basis": f.period.basis.value,
            "display": f.display, "synthetic": bool(f.source and f.source.synthetic)}


@dataclass
class ToolSession:
    """One question's tool calls: the context they read and everything they returned."""

    ctx: ChatContext
    facts: dict[str, Fact] = field(default_factory=dict)
    docs: dict[str, DocCite] = field(default_factory=dict)

    def _keep(self, *facts: Fact | None) -> list[dict[str, Any]]:
        out = []
        for f in facts:
            if f is not None:
                self.facts[f.id] = f
                out.append(fact_view(f))
        return out

    def _partner(self, partner: str) -> Country | dict[str, str]:
        try:
            c = resolve(partner)
        except InputError as exc:
            return {"error": str(exc)}
        if not c.census or c.census not in self.ctx.lookup.census_partners():
            return {"error": f"no US Census data for {c.name_en}", "coverage": available(self.ctx, "en", "census")}
        return c

    # --- tools ----------------------------------------------------------------------------
    def trade_value(self, partner: str, flow: str = "balance", start: str = "", end: str = "") -> dict[str, Any]:
        """US exports/imports/balance with one partner, summed over months start..end (YYYY-MM)."""
        c = self._partner(partner)
        if isinstance(c, dict):
            return c
        months = self.ctx.lookup.census_months(c.census)
        end = end or months[-1]
        start = start or f"{end[:4]}-01"
        if flow not in ("balance", "exports", "imports"):
            return {"error": "flow must be balance, exports or imports"}
        fact = self.ctx.lookup.census_value(str(c.census), flow, start, end, c.name_zh)
        if fact is None:
            return {"error": f"no data for {month_label(start, end)}", "coverage": f"{months[0]}..{months[-1]}"}
        return {"facts": self._keep(fact)}

    def same_basis_yoy(self, partner: str, flow: str = "balance", start: str = "", end: str = "") -> dict[str, Any]:
        """The value for start..end, the same months a year earlier, and the change (same basis)."""
        got = self.trade_value(partner, flow, start, end)
        if "error" in got:
            return got
        current = self.facts[got["facts"][0]["id"]]
        s, e = current.period.start, current.period.end
        bs, be = f"{int(s[:4]) - 1:04d}{s[4:]}", f"{int(e[:4]) - 1:04d}{e[4:]}"
        cty = current.subject["partner"]
        base = self.ctx.lookup.census_value(cty, flow, bs, be, current.subject.get("partner_name", ""))
        if base is None:
            return {"facts": got["facts"], "error": f"no data for {month_label(bs, be)}"}
        yoy = self.ctx.lookup.census_yoy(current, base)
        return {"facts": self._keep(current, base, yoy)}

    def monthly_series(self, partner: str, flow: str = "balance", start: str = "", end: str = "") -> dict[str, Any]:
        """One fact per month from start to end (YYYY-MM)."""
        c = self._partner(partner)
        if isinstance(c, dict):
            return c
        months = self.ctx.lookup.census_months(c.census)
        wanted = [m for m in months_between(start or months[0], end or months[-1]) if m in months]
        if not wanted:
            return {"error": "no months in that range", "coverage": f"{months[0]}..{months[-1]}"}
        facts = [self.ctx.lookup.census_value(str(c.census), flow, m, m, c.name_zh) for m in wanted]
        return {"facts": self._keep(*facts)}

    def monthly_extreme(self, partner: str, flow: str = "balance") -> dict[str, Any]:
        """The month with the largest deficit (balance) or the highest flow since the series began."""
        c = self._partner(partner)
        if isinstance(c, dict):
            return c
        months = self.ctx.lookup.census_months(c.census)
        got = self.ctx.lookup.census_extreme(str(c.census), flow, run_start(months), months[-1], c.name_zh)
        if got is None:
            return {"error": "no monthly data"}
        extreme, monthly = got
        return {"month": extreme.subject.get("month", ""), "facts": self._keep(extreme, monthly)}

    def top_partners(self, reporter: str, flow: str = "X", year: int | None = None) -> dict[str, Any]:
        """A Comtrade reporter's top three partners with shares, the top-three share and HHI."""
        try:
            c = resolve(reporter)
        except InputError as exc:
            return {"error": str(exc)}
        lk = self.ctx.lookup
        if c.comtrade is None or c.comtrade not in lk.comtrade_reporters():
            return {"error": f"no Comtrade tables reported by {c.name_en}",
                    "coverage": available(self.ctx, "en", "comtrade")}
        years = lk.comtrade_years(c.comtrade)
        year = year or years[-1]
        if year not in years:
            return {"error": f"no Comtrade data for {year}", "years": years}
        table = lk.comtrade_table(c.comtrade, flow, year)
        names = {int(p): partner_name(int(p), str(d), "zh") for p, d in
                 zip(table["partner_code"], table["partner_desc"], strict=False)}
        facts = lk.comtrade_facts(c.comtrade, flow, year, c.name_zh, names)
        if facts is None:
            return {"error": "no partner rows"}
        return {"facts": self._keep(*facts.values()), "hhi_band": hhi_band(self.ctx, facts["hhi"], "zh")}

    def partner_value(self, reporter: str, partner: str, flow: str = "X", year: int | None = None) -> dict[str, Any]:
        """One partner's value in a Comtrade reporter's annual table (e.g. Japan's exports to China) and its share."""
        try:
            r, p = resolve(reporter), resolve(partner)
        except InputError as exc:
            return {"error": str(exc)}
        lk = self.ctx.lookup
        if r.comtrade is None or r.comtrade not in lk.comtrade_reporters() or p.comtrade is None:
            return {"error": f"no Comtrade tables reported by {r.name_en}"}
        years = lk.comtrade_years(r.comtrade)
        year = year or years[-1]
        if year not in years:
            return {"error": f"no Comtrade data for {year}", "years": years}
        got = lk.comtrade_partner(r.comtrade, flow, year, p.comtrade, r.name_zh, p.name_zh)
        if got is None:
            return {"error": f"{p.name_en} is not in {r.name_en}'s {year} table"}
        return {"facts": self._keep(*got)}

    def quality_flags(self, country: str) -> dict[str, Any]:
        """Data-quality flags (synthetic sample, coverage, mirror gaps, row caps) for a country."""
        try:
            c = resolve(country)
        except InputError as exc:
            return {"error": str(exc)}
        flags = self.ctx.lookup.flags_for(str(c.comtrade or ""), c.census or "")
        out = []
        for flag in flags:
            cited = [self.ctx.sheet.get(i) for i in flag.fact_ids
                     if self.ctx.sheet is not None and i in self.ctx.sheet.by_id()]
            self._keep(*cited)
            out.append({"code": flag.code, "message": flag.message_zh, "fact_ids": flag.fact_ids})
        return {"flags": out}

    def policy_search(self, query: str, since: str = "", until: str = "") -> dict[str, Any]:
        """MOFCOM export-control documents matching the query, optionally published within since..until."""
        try:
            d1 = date.fromisoformat(since) if since else None
            d2 = date.fromisoformat(until) if until else None
        except ValueError:
            return {"error": "since/until must be YYYY-MM-DD"}
        hits = self.ctx.policy_search(query, k=5, since=d1, until=d2)
        docs = []
        for h in hits:
            cite = DocCite(doc_id=h.doc_id, title=h.title, url=h.url, date=h.date.isoformat(),
                           effective=[d.isoformat() for d in h.effective])
            self.docs[h.doc_id] = cite
            docs.append({**cite.model_dump(), "passage": h.text[:300]})
        return {"documents": docs}

    def derived_figure(self, partners: str, flow: str = "balance", measure: str = "sum", start: str = "",
                       end: str = "") -> dict[str, Any]:
        """Figures computed by tools, never by you: ``partners`` comma-separated (e.g. "Japan,Germany";
        "China,all" = China first, then every other partner in the data); ``flow`` exports | imports | balance | total (exports plus
        imports); ``measure`` sum (total of the group) | share (the first partner's share of the group) |
        compare (each partner, the ranking and the gap between the top two) | change (first partner
        against the same months a year earlier, in USD); months start..end (YYYY-MM)."""
        from agent.chat.query import TradeQuery
        from tools.facts import derived

        names = [p.strip() for p in partners.split(",") if p.strip()]
        everyone = any(n.lower() == "all" for n in names)
        names = [n for n in names if n.lower() != "all"]
        try:
            tq = TradeQuery(partners=names, all_partners=everyone, flow=flow,  # type: ignore[arg-type]
                            measure=measure)  # type: ignore[arg-type]
        except ValueError:
            return {"error": "flow must be exports, imports, balance or total; measure sum, share, compare or change"}
        members: list[Country] = []
        for name in tq.partners:
            c = self._partner(name)
            if isinstance(c, dict):
                return c
            members.append(c)
        if tq.all_partners:
            rest = [k for code in sorted(self.ctx.lookup.census_partners()) if (k := by_census(code)) is not None]
            members += [k for k in rest if k not in members]
        if not members or (tq.measure in ("share", "compare") and len(members) < 2):
            return {"error": "name the partners (share and compare need at least two, or 'all')"}
        months = sorted(set.intersection(*(set(self.ctx.lookup.census_months(c.census)) for c in members)))
        end = end or months[-1]
        start = start or f"{end[:4]}-01"
        if any(m not in months for m in months_between(start, end)):
            return {"error": f"no data for {month_label(start, end)}", "coverage": f"{months[0]}..{months[-1]}"}
        prod = self.ctx.lookup.producers.get("derived")
        codes = [str(c.census) for c in members]
        if tq.measure == "change":
            base = (f"{int(start[:4]) - 1:04d}{start[4:]}", f"{int(end[:4]) - 1:04d}{end[4:]}")
            got = prod.change(codes[0], tq.flow, start, end, *base, members[0].name_zh)
            if got is None:
                return {"error": "no same-basis change (a base month is missing, or the balance changed sign)"}
            return {"facts": self._keep(*got)}
        group = prod.group(codes, tq.flow, start, end, {str(c.census): c.name_zh for c in members})
        if group is None:
            return {"error": f"no data for {month_label(start, end)}"}
        total, facts = group
        if tq.measure == "share":
            return {"facts": self._keep(derived.share_fact(facts[0], total), facts[0], total)}
        if tq.measure == "compare":
            rank = derived.rank_fact(facts)
            order = rank.subject["order"].split(",") if rank is not None else codes
            by_code = {f.key.partner: f for f in facts}
            return {"facts": self._keep(*facts, rank, derived.diff_fact(by_code[order[0]], by_code[order[1]]))}
        return {"facts": self._keep(total, *facts)}

    def data_coverage(self) -> dict[str, Any]:
        """What the store holds: partners and months, reporters and years, policy documents."""
        return {"available": available(self.ctx, "en")}

    def langchain_tools(self) -> list[Any]:
        """The same functions as LangChain tools (JSON string results)."""
        from langchain_core.tools import StructuredTool

        def wrap(fn: Any) -> Any:
            def run(**kwargs: Any) -> str:
                return json.dumps(fn(**kwargs), ensure_ascii=False)

            return StructuredTool.from_function(func=run, name=fn.__name__, description=fn.__doc__ or "",
                                                args_schema=_schema(fn))

        return [wrap(f) for f in (self.trade_value, self.same_basis_yoy, self.monthly_series, self.monthly_extreme,
                                  self.top_partners, self.partner_value, self.quality_flags, self.policy_search,
                                  self.derived_figure, self.data_coverage)]


def _schema(fn: Any) -> Any:
    """A pydantic args model from the function signature (so the model sees names and types)."""
    import inspect

    from pydantic import create_model

    fields: dict[str, Any] = {}
    for name, param in inspect.signature(fn).parameters.items():
        annotation = param.annotation if param.annotation is not inspect.Parameter.empty else str
        if isinstance(annotation, str):
            annotation = {"str": str, "int | None": int | None, "int": int}.get(annotation, str)
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[name] = (annotation, default)
    return create_model(f"{fn.__name__}_args", **fields)
