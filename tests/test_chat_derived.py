"""Chat's derived facts (sums, changes, shares, comparisons) equal the arithmetic on the store's own rows,
English display forms are what the verifier accepts, and a derived fact cites all its inputs.

The store is the bundled sample fetched as a user does it (`agent fetch --from-sample`).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.verify import check_text
from tools import fmt
from tools.facts import derived
from tools.facts.producers import DerivedProducer
from tools.facts.registry import Producers
from tools.store.store import Store

PARTNERS = ["4280", "5700", "5800", "5830", "5880"]  # Germany, China, Korea, Taiwan, Japan
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)][:23]  # 2024-01 … 2025-11, all stored


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("derived-store")
    env = {**os.environ, "AGENT_DATA_DIR": str(path), "AGENT_LLM": ""}
    done = subprocess.run([sys.executable, "-m", "agent", "fetch", "--from-sample"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return Store(path).census_monthly()


def _store_sum(df: pd.DataFrame, cty: str, flow: str, start: str, end: str) -> float:
    """The arithmetic done independently on the store's rows (not through any producer)."""
    rows = df[(df["cty_code"].astype(str) == cty) & (df["period"] >= start) & (df["period"] <= end)]
    ex, im = float(rows["exports_usd"].sum()), float(rows["imports_usd"].sum())
    return {"exports": ex, "imports": im, "balance": ex - im, "total": ex + im}[flow]


def _producer(df: pd.DataFrame) -> DerivedProducer:
    return Producers.from_store(_Tables(df)).get("derived")  # type: ignore[no-any-return]


class _Tables:
    def __init__(self, census: pd.DataFrame) -> None:
        self._census = census

    def census_monthly(self) -> pd.DataFrame:
        return self._census

    def comtrade_annual(self) -> pd.DataFrame:
        return pd.DataFrame(columns=["reporter_code", "reporter_desc", "partner_code", "partner_desc", "year", "flow",
                                     "value_usd"])

    def census_revisions(self) -> pd.DataFrame:
        return pd.DataFrame()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.lists(st.sampled_from(PARTNERS), min_size=2, max_size=5, unique=True),
       flow=st.sampled_from(["exports", "imports", "balance", "total"]),
       first=st.integers(min_value=12, max_value=22), length=st.integers(min_value=1, max_value=11))
def test_every_derived_fact_equals_the_arithmetic_on_its_inputs_from_the_store(
        monthly: pd.DataFrame, members: list[str], flow: str, first: int, length: int) -> None:
    start, end = MONTHS[first], MONTHS[min(first + length - 1, len(MONTHS) - 1)]
    prod = _producer(monthly)
    got = prod.group(members, flow, start, end)
    assert got is not None
    total, facts = got
    expected = {c: _store_sum(monthly, c, flow, start, end) for c in members}
    for c, f in zip(members, facts, strict=True):
        assert f.value == pytest.approx(expected[c], rel=1e-12)
    assert total.value == pytest.approx(math.fsum(expected.values()), rel=1e-12)
    assert total.derived_from == [f.id for f in facts]
    assert all(f.id in total.formula for f in facts)
    assert (total.period.basis, total.period.start, total.period.end) == (facts[0].period.basis, start, end)
    urls = [(s.url, s.flow) for s in total.sources]
    assert len(urls) == len(set(urls)) and {(s.url, s.flow) for f in facts for s in f.sources} == set(urls)

    share = derived.share_fact(facts[0], total)
    if share is not None:
        assert share.value == pytest.approx(expected[members[0]] / math.fsum(expected.values()) * 100, rel=1e-9)
        assert share.derived_from == [facts[0].id, total.id]

    a, b = facts[0], facts[1]
    diff = derived.diff_fact(a, b)
    ea, eb = expected[members[0]], expected[members[1]]
    if flow == "balance":
        assert (diff is None) == (ea * eb < 0)
        if diff is not None:
            assert diff.value == pytest.approx(abs(ea) - abs(eb), rel=1e-9, abs=1e-3)
    else:
        assert diff is not None and diff.value == pytest.approx(ea - eb, rel=1e-9, abs=1e-3)

    rank = derived.rank_fact(facts)
    assert rank is not None
    key = (lambda c: expected[c]) if flow == "balance" else (lambda c: -expected[c])
    assert rank.subject["order"].split(",") == sorted(members, key=key)

    if start >= "2025-01":  # same months a year earlier are stored: the change is current − base
        bstart, bend = f"2024{start[4:]}", f"2024{end[4:]}"
        changed = prod.change(members[0], flow, start, end, bstart, bend)
        cur, base = expected[members[0]], _store_sum(monthly, members[0], flow, bstart, bend)
        if flow == "balance" and cur * base < 0:
            assert changed is None
        else:
            assert changed is not None
            want = abs(cur) - abs(base) if flow == "balance" else cur - base
            assert changed[2].value == pytest.approx(want, rel=1e-9, abs=1e-3)
            assert changed[2].derived_from == [changed[0].id, changed[1].id]


def test_total_trade_is_exports_plus_imports_and_cites_both_queries(monthly: pd.DataFrame) -> None:
    total = _producer(monthly).value("5830", "total", "2025-01", "2025-11", "台灣")
    assert total is not None and total.key.source == "derived" and total.key.flow == "total"
    assert total.value == pytest.approx(_store_sum(monthly, "5830", "exports", "2025-01", "2025-11")
                                        + _store_sum(monthly, "5830", "imports", "2025-01", "2025-11"))
    assert {s.flow for s in total.sources} == {"exports", "imports"}
    assert total.display == fmt.usd(total.value or 0)


def test_a_sum_never_mixes_periods(monthly: pd.DataFrame) -> None:
    prod = _producer(monthly)
    a = prod.value("5830", "exports", "2025-01", "2025-11")
    b = prod.value("5880", "exports", "2024-01", "2024-12")
    assert a is not None and b is not None
    assert derived.sum_fact([a, b], flow="exports") is None
    assert derived.share_fact(a, b) is None


# --- English forms ----------------------------------------------------------------------------
@pytest.mark.parametrize("value,text", [
    (126_859_600_000, "USD 126.9 billion"), (-189_360_000_000, "USD -189.4 billion"),
    (1_006_460_000_000, "USD 1.01 trillion"), (999_960_000_000, "USD 1.00 trillion"),
    (845_230_000, "USD 845.2 million"), (999_960_000, "USD 1.0 billion"),
])
def test_english_amounts_use_english_number_words(value: float, text: str) -> None:
    assert fmt.usd_en(value) == text


def test_english_periods_use_month_names() -> None:
    assert fmt.period_en("2025-01", "2025-11") == "January–November 2025"
    assert fmt.period_en("2025-10", "2025-10") == "October 2025"
    assert fmt.period_en("2024-01", "2024-12") == "full-year 2024"
    assert fmt.period_en("2024-12", "2025-02") == "December 2024–February 2025"


def test_the_verifier_accepts_the_english_form_of_a_cited_fact_and_nothing_near_it(monthly: pd.DataFrame) -> None:
    total = _producer(monthly).value("5830", "total", "2025-01", "2025-11", "台灣")
    assert total is not None and total.value is not None
    good = f"Total US trade with Taiwan in January–November 2025 was {fmt.usd_en(total.value)}."
    assert check_text(good, [total]) == []
    off = fmt.usd_en(total.value + 2e8)
    assert off != fmt.usd_en(total.value)
    assert check_text(good.replace(fmt.usd_en(total.value), off), [total])
    assert check_text(good.replace("January–November", "January–December"), [total])
    assert check_text(good, []), "an uncited English amount must not pass"


# --- the issue's questions, answered from the store ------------------------------------------
@pytest.fixture(scope="module")
def chat_ctx(tmp_path_factory: pytest.TempPathFactory, monthly: pd.DataFrame):  # type: ignore[no-untyped-def]
    from agent.chat.context import load_context
    from agent.config import load_settings

    path = tmp_path_factory.mktemp("derived-chat")
    env = {**os.environ, "AGENT_DATA_DIR": str(path), "AGENT_LLM": ""}
    done = subprocess.run([sys.executable, "-m", "agent", "fetch", "--from-sample"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return load_context(load_settings({"AGENT_DATA_DIR": str(path)}))


def _yi(x: float) -> str:
    return fmt.usd(abs(x))


@pytest.mark.parametrize("question,figures", [
    ("What was total US trade (exports plus imports) with Taiwan in January-November 2025?",
     lambda m: [fmt.usd_en(_store_sum(m, "5830", "total", "2025-01", "2025-11")), "January–November 2025"]),
    ("日本和德國，哪一個與美國的貿易逆差較大？",
     lambda m: [_yi(_store_sum(m, "4280", "balance", "2025-01", "2025-11")),
                _yi(_store_sum(m, "5880", "balance", "2025-01", "2025-11")), "德國的逆差較大",
                _yi(abs(_store_sum(m, "4280", "balance", "2025-01", "2025-11"))
                    - abs(_store_sum(m, "5880", "balance", "2025-01", "2025-11")))]),
    ("美國對中國的貿易逆差占這五個夥伴合計逆差的比例是多少？",
     lambda m: [fmt.pct(_store_sum(m, "5700", "balance", "2025-01", "2025-11")
                        / sum(_store_sum(m, c, "balance", "2025-01", "2025-11") for c in PARTNERS) * 100)]),
    ("美國自台灣進口 2025 年 1-11 月比 2024 年同期增加了多少金額？",
     lambda m: [_yi(_store_sum(m, "5830", "imports", "2025-01", "2025-11")
                    - _store_sum(m, "5830", "imports", "2024-01", "2024-11")), "增加"]),
])
def test_the_issue_questions_get_the_store_figures_in_the_question_language(
        chat_ctx, monthly: pd.DataFrame, question: str, figures) -> None:  # type: ignore[no-untyped-def]
    from agent.chat.answer import answer_in

    ans = answer_in(question, chat_ctx)
    assert not ans.refused and not ans.problems, ans.text
    for fig in figures(monthly):
        assert fig in ans.text, (fig, ans.text)
    assert any(f.key.source == "derived" for f in ans.facts.values())
    if question.isascii():
        assert "億" not in ans.text


def test_citations_list_each_query_once_and_json_keeps_every_source(chat_ctx) -> None:  # type: ignore[no-untyped-def]
    from agent.chat.answer import answer_in
    from agent.chat.citations import source_lines

    ans = answer_in("美國對中國的貿易逆差占這五個夥伴合計逆差的比例是多少？", chat_ctx)
    lines = source_lines(ans)
    urls = {s.url for f in ans.facts.values() for s in f.sources}
    printed = [ln for ln in lines if "https://" in ln]
    assert len(printed) == len(urls) == len({ln.split()[-1] for ln in printed})
    assert all(f"[fact] {fid}" in "\n".join(lines) for fid in ans.fact_ids)
    dumped = ans.model_dump()
    assert all(dumped["facts"][fid]["sources"] for fid in ans.fact_ids)


@pytest.mark.parametrize("question", [
    "美國對中國逆差占美國全球逆差的比例是多少？",  # no world row for balances
    "中國的逆差占這些國家合計的比例？",  # a group that cannot be named
    "Which is larger, the US deficit with France or with Germany?",  # France is not in the data
])
def test_questions_the_query_cannot_express_are_refused_with_what_can_be_asked(chat_ctx, question: str) -> None:  # type: ignore[no-untyped-def]
    from agent.chat.answer import answer_in

    ans = answer_in(question, chat_ctx)
    assert ans.refused and ans.available
    assert not ans.facts


def test_the_llm_tool_hands_out_the_same_derived_facts_as_the_router(chat_ctx) -> None:  # type: ignore[no-untyped-def]
    from agent.chat.agent_tools import ToolSession
    from agent.chat.answer import answer_in

    tools = ToolSession(chat_ctx)
    got = tools.derived_figure("China,all", flow="balance", measure="share", start="2025-01", end="2025-11")
    routed = answer_in("美國對中國的貿易逆差占這五個夥伴合計逆差的比例是多少？", chat_ctx)
    share = got["facts"][0]
    assert share["id"] in routed.fact_ids and ".share." in share["id"] and share["display"] in routed.text
    assert tools.facts[share["id"]].value == routed.facts[share["id"]].value
    total = tools.derived_figure("Taiwan", flow="total", measure="sum", start="2025-01", end="2025-11")
    assert total["facts"][0]["id"] == "derived.842.5830.total.sum.ytd.2025-01_2025-11"
    assert "error" in tools.derived_figure("Taiwan", flow="GDP")
    assert "error" in tools.derived_figure("France,Germany", measure="compare")
