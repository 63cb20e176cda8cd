"""``answer(question, …) -> Answer``: the one entry point every chat surface calls.

Why the verification lives here and not in the router or the agent: whichever path wrote
the text, the same rule holds before it reaches a user — every number is a display form
of a cited fact or a date of a cited fact/document. A line that fails is dropped (and its
problems recorded); an answer left with nothing verified becomes a refusal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from agent.chat.context import ChatContext, load_context
from agent.chat.models import Answer, DocCite
from agent.chat.parse import parse
from agent.chat.reply import Reply, available
from agent.chat.router import route
from agent.config import Settings
from agent.llm.base import LLMBackend
from agent.verify import check_directions, check_text, number_tokens
from tools.errors import InputError
from tools.facts.model import Fact

log = logging.getLogger(__name__)

_TITLE = re.compile(r"《[^》]*》|\"[^\"]*\"")


def doc_vouchers(docs: Iterable[DocCite]) -> list[str]:
    """Dates and titles of cited documents: the strings a document vouches for (its date, notice no.)."""
    out: list[str] = []
    for d in docs:
        out += [x for x in (d.date, *d.effective, d.title, d.url, *d.vouched) if x]
    return out


def verify_line(line: str, facts: list[Fact], docs: list[DocCite]) -> list[str]:
    """Verifier problems for one line (numbers against cited facts and documents, direction words)."""
    vouch = doc_vouchers(docs)
    text = line
    for d in docs:  # a cited document's URL, title and quoted provisions are citations, not claims
        for cited in (d.url, d.title, *d.quotes):
            if cited:
                text = text.replace(cited, " ")
    return check_text(text, facts, vouch) + check_directions(text, facts)


def refusal_problems(line: str) -> list[str]:
    """A refusal may restate the asked period, but never carries an amount, share or code."""
    return [f"refusal carries a number「{t.text}」" for t in number_tokens(line)
            if t.kind in ("amount", "cn_number", "code")]


def finish(question: str, reply: Reply, *, route_name: str, week: str) -> Answer:
    """Verify every line, drop what fails, and package the answer with its citations."""
    kept: list[str] = []
    problems: list[str] = []
    for line in reply.lines:
        issues = refusal_problems(line) if reply.refused else verify_line(line, reply.facts, reply.docs)
        if issues:
            problems += issues
            log.info("chat: dropped unverified line %r: %s", line, issues)
            continue
        kept.append(line)
    refused = reply.refused or not kept
    facts = {f.id: f for f in reply.facts}
    return Answer(question=question, text="\n".join(kept) if kept else "查無資料（答案未通過數字查核）",
                  fact_ids=list(facts), docs=reply.docs, refused=refused, available=reply.available,
                  route=route_name, week=week, facts=facts, problems=problems)  # type: ignore[arg-type]


def _agent_answer(question: str, ctx: ChatContext, chat_model: Any) -> Answer | None:
    """The tool-calling agent's answer if every line of it verifies, else None (the router answers)."""
    from agent.chat.agent_llm import agent_reply

    reply = agent_reply(question, ctx, chat_model)
    if reply is None:
        return None
    ans = finish(question, reply, route_name="agent", week=ctx.week)
    if ans.problems:
        log.info("chat agent answer failed verification: %s", ans.problems)
        return None
    if reply.refused:
        ans.available = available(ctx, "zh" if re.search(r"[\u4e00-\u9fff]", question) else "en")
    return ans


def answer_in(question: str, ctx: ChatContext, *, backend: LLMBackend | None = None,
              chat_model: Any = None) -> Answer:
    """Answer with an already-loaded context (the REPL and the eval reuse one).

    The tool-calling agent runs when a chat model is given or the backend declares tool
    calling; its answer is used only if it verifies. Otherwise (no such capability, no
    backend, or a failed/unverified agent answer) the deterministic router answers.
    """
    if not question.strip():
        raise InputError("empty question: ask e.g. 「2025 年 1 到 11 月美國對台灣的貿易逆差是多少？」")
    if chat_model is None and backend is not None and backend.capabilities.tool_calling:
        chat_model = backend.chat_model()
    if chat_model is not None:
        got = _agent_answer(question, ctx, chat_model)
        if got is not None:
            return got
    reply = route(parse(question), ctx)
    return finish(question, reply, route_name="router", week=ctx.week)


def answer(question: str, *, backend: LLMBackend | None = None, settings: Settings, week: str | None = None) -> Answer:
    """Answer one question from the store in ``settings.data_dir`` (latest week with data unless given)."""
    ctx = load_context(settings, week)
    return answer_in(question, ctx, backend=backend)
