"""Numbers written in ways the verifier used to miss: financial numerals, approximate quantities,
Unicode fractions/Roman/circled numerals, other scripts' digits, English number words.

Each must be a number token, so model prose and reviewer edits carrying one are refused, while
the ordinary text of the bundled draft (dates, notice numbers, 第一, 一帶一路, control codes)
still verifies.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agent.config import load_settings
from agent.llm import get_backend
from agent.narrate import Retrieved, draft, inputs_for
from agent.review import ReviewDesk
from agent.verify import check_text, number_tokens
from tools.errors import VerificationError
from tools.facts.model import FactSheet

FIXTURES = Path(__file__).parent / "fixtures"
TW_DEFICIT = "census.5830.balance.ytd.2025-01_2025-11"
HIDDEN = "2025 年 1–11 月美國對台灣貿易逆差擴大至壹萬億美元，約 nine hundred billion dollars。"

#: (text, the token the verifier must see)
HIDDEN_NUMBERS = [
    ("壹萬億美元", "壹萬億"), ("壹佰億", "壹佰億"), ("貳拾家", "貳拾"), ("廿年", "廿"), ("卅家", "卅"),
    ("代號〇〇七", "〇〇七"), ("約½", "0.5"), ("3½ 倍", "3.5"), ("第Ⅻ項", "12"), ("ⅩⅤ%", "15%"), ("⑫", "12"),
    ("１２３", "123"), ("٣٤", "34"), ("逾百家企業", "逾百"), ("數十項", "數十"), ("上千家", "上千"),
    ("百餘家", "百餘"), ("陸億", "陸億"),
    ("nine hundred billion dollars", "ninehundredbillion"), ("ninety percent", "ninetypercent"),
    ("a trillion dollars", "atrillion"), ("a dozen firms", "adozen"),
]


@pytest.mark.parametrize(("text", "key"), HIDDEN_NUMBERS)
def test_every_numeral_system_a_reader_reads_is_a_number_token(text: str, key: str) -> None:
    assert key in [t.key for t in number_tokens(text)]
    assert check_text(f"本週{text}。", []), f"{text!r} passed the number check with nothing cited"


@pytest.mark.parametrize("text", ["第一", "一帶一路", "參與", "收拾", "中國大陸一帶", "隊伍", "零件", "十分重要",
                                  "Anyone done", "UN Comtrade", "US Census Bureau 國際貿易 API"])
def test_words_that_only_look_like_numerals_stay_words(text: str) -> None:
    assert number_tokens(text) == []


def test_notice_numbers_codes_and_dates_keep_their_token_kinds() -> None:
    assert [(t.kind, t.key) for t in number_tokens("商務部公告2025年第70號管制 1C902 物項，HS 85 章")] == [
        ("year", "2025"), ("amount", "70"), ("code", "1C902"), ("amount", "85")]


def _sheet(week: str) -> FactSheet:
    return FactSheet.model_validate_json((FIXTURES / f"narrator_factsheet_{week}.json").read_text(encoding="utf-8"))


@pytest.fixture()
def hiding_server() -> Iterator[str]:
    """An OpenAI-compatible endpoint that writes (and re-writes) the hidden-number sentence."""
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            answer = json.dumps({"sentences": [{"text": HIDDEN, "fact_ids": [TW_DEFICIT]}]}, ensure_ascii=False)
            data = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "hiding",
                               "choices": [{"index": 0, "finish_reason": "stop",
                                            "message": {"role": "assistant", "content": answer}}],
                               "usage": {"prompt_tokens": 1, "completion_tokens": 9, "total_tokens": 10}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_a_model_sentence_with_financial_numerals_or_english_number_words_is_not_kept(
        hiding_server: str, tmp_path: Path) -> None:
    settings = load_settings({"AGENT_LLM_BASE_URL": hiding_server, "AGENT_LLM_MODEL": "hiding",
                              "AGENT_HTTP_TIMEOUT": "5"})
    inputs = inputs_for("2026-W07", _sheet("2026-W07"), _sheet("2026-W06"), retrieved=Retrieved(status="empty",
                                                                                               note="index empty"))
    result = draft(inputs, get_backend(None, settings), tmp_path)
    assert result.sidecar.backend == "openai"
    assert "壹萬億" not in result.markdown and "nine hundred" not in result.markdown
    refused = [c for c in result.sidecar.claims if any("壹萬億" in e for e in c.errors)]
    assert refused and all(c.origin == "fallback" and "fallback" in c.flags for c in refused)
    assert any("nine hundred billion" in e or "ninehundredbillion" in e for c in refused for e in c.errors)
    assert not any(c.origin == "model" and "壹萬億" in c.text for c in result.sidecar.claims)


def test_a_reviewer_edit_with_a_financial_numeral_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True)
    for f in (FIXTURES / "review").glob("2026-W07-trade-briefing.*"):
        shutil.copy(f, out / f.name)
    desk = ReviewDesk(load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(out.parent), "AGENT_SITE_DIR": str(tmp_path / "site")}))
    item = desk.item("imports-c41e07", "2026-W07")
    good = "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,894 億，較 2024 年同期收窄 29.9%。"
    for hidden in ("，另有壹佰億美元未計。", "，約 ninety percent 來自電子產品。", "，逾百家企業受影響。", "，占比ⅩⅤ%。"):
        with pytest.raises(VerificationError, match="refused"):
            desk.decide(item, "edit", "ann", text=good.removesuffix("。") + hidden)
    assert desk.item(str(item.id)).state == "open"
    desk.decide(item, "edit", "ann", text=good)
    assert desk.item(str(item.id)).state == "edited"


def test_the_bundled_draft_still_traces_every_number(tmp_path: Path) -> None:
    """The real 2026-W07 draft (bundled sample, template backend) is written: its page trace is 100%."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "e2e"))
    from real_draft import build_bundled_draft

    build_bundled_draft(tmp_path)
    desk = ReviewDesk(load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR":
                                     str(tmp_path / "drafts")}))
    from agent.review.integrity import page_problems

    found = desk.draft("2026-W07")
    assert page_problems(found.markdown, found.sidecar) == []
    assert "公告" in found.markdown or "商務部" in found.markdown
