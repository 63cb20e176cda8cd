"""The tool-calling agent: a capable chat model picks the tools, writes the answer, the verifier judges it.

Why a hand-written loop over ``bind_tools`` rather than a framework agent: the loop is ten
lines, works with any LangChain chat model (ChatOpenAI against OpenAI, DeepSeek, vLLM,
Ollama… or a scripted fake in tests), and keeps the session's facts in our hands — the
final text is verified against exactly the facts the tools returned. If the model's answer
does not verify (or the endpoint fails), the caller falls back to the offline router.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from agent.chat.agent_tools import ToolSession
from agent.chat.context import ChatContext
from agent.chat.reply import Reply
from agent.config import PROJECT_ROOT
from tools.countries import name_zh

log = logging.getLogger(__name__)

SYSTEM_PROMPT = PROJECT_ROOT / "prompts" / "chat" / "agent_system.md"
MAX_STEPS = 6
_REFUSAL = re.compile(r"查無資料|查无资料|no data|not available|no matching|沒有|没有", re.IGNORECASE)


def system_prompt(ctx: ChatContext) -> str:
    text = SYSTEM_PROMPT.read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->\n?", "", text, flags=re.S)
    partners = "、".join(name_zh(c, scheme="census", fallback=n) for c, n in ctx.lookup.census_partners().items())
    reporters = "、".join(name_zh(r, fallback=d) for r, d in ctx.lookup.comtrade_reporters().items())
    return text.replace("{week}", ctx.week).replace("{partners}", partners).replace("{reporters}", reporters)


def run_agent(question: str, ctx: ChatContext, chat_model: Any) -> tuple[str, ToolSession]:
    """Let the model call tools until it writes a final answer (at most MAX_STEPS rounds)."""
    from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

    session = ToolSession(ctx)
    tools = {t.name: t for t in session.langchain_tools()}
    model = chat_model.bind_tools(list(tools.values()))
    messages: list[Any] = [SystemMessage(system_prompt(ctx)), HumanMessage(question)]
    for _ in range(MAX_STEPS):
        reply = model.invoke(messages)
        messages.append(reply)
        calls = getattr(reply, "tool_calls", None) or []
        if not calls:
            content = reply.content if isinstance(reply.content, str) else str(reply.content)
            return content.strip(), session
        for call in calls:
            tool = tools.get(call["name"])
            result = tool.invoke(call.get("args", {})) if tool is not None else f'{{"error": "no tool {call["name"]}"}}'
            messages.append(ToolMessage(content=str(result), tool_call_id=call.get("id") or call["name"]))
    return "", session


def agent_reply(question: str, ctx: ChatContext, chat_model: Any) -> Reply | None:
    """The agent's answer as a Reply citing the facts and documents its text uses, or None.

    Unverified: ``agent.chat.answer`` verifies it (and falls back to the router), so this
    module never imports the answer module and the two do not depend on each other.
    """
    try:
        text, session = run_agent(question, ctx, chat_model)
    except Exception as exc:  # any endpoint/model failure means: answer offline instead
        log.warning("chat agent failed (%s: %s); using the offline router", type(exc).__name__, str(exc)[:120])
        return None
    if not text:
        return None
    facts = list(session.facts.values())
    docs = [d for d in session.docs.values() if d.url in text or d.title in text]
    cited = [f for f in facts if any(form and form in text for form in {f.display, *f.displays})]
    # A change cites what it compares: "較 2024 年 1–11 月擴大 +88.7%" names the base period.
    linked = {i for f in cited for i in [*f.compares, *f.derived_from]}
    cited += [f for f in facts if f.id in linked and f not in cited]
    refused = not cited and not docs and bool(_REFUSAL.search(text))
    return Reply(lines=[line for line in text.splitlines() if line.strip()], facts=cited or facts, docs=docs,
                 refused=refused)
