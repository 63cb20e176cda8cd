"""Any OpenAI-compatible chat endpoint (OpenAI, DeepSeek, Qwen, Ollama, vLLM, llama.cpp server).

Why JSON in the prompt rather than provider tool-calling: not every compatible server
supports tools or ``json_schema``; asking for one JSON object and validating it ourselves
works on all of them. ``max_tokens`` is sent in ``extra_body`` as well because llama.cpp's
server ignores ``max_completion_tokens`` (what ChatOpenAI sends) and would otherwise
generate until the context is full.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from .base import Capabilities, Generation, LLMBackend, LLMError, SectionRequest, Sentence, reask_message
from .parse import parse_section


class OpenAIBackend(LLMBackend):
    name = "openai"
    capabilities = Capabilities(structured_output=True, tool_calling=True)

    def __init__(self, base_url: str, model: str, api_key: str, timeout: float = 60.0,
                 deadline: float = 180.0, max_bytes: int = 64 * 1024 * 1024) -> None:
        import httpx
        from langchain_openai import ChatOpenAI

        from tools.capped_http import CappedTransport

        self.model = model
        self._base_url = base_url or None
        self._api_key = api_key or "not-needed"
        self._timeout = timeout
        #: ``timeout`` bounds each socket read; only a wall-clock deadline stops an endpoint that trickles.
        self._deadline = deadline
        self._chat_cls = ChatOpenAI
        #: Answers are decoded by a capped transport: a gzip bomb ends in one line, not MemoryError.
        self._http = httpx.Client(transport=CappedTransport(max_bytes), timeout=timeout)

    def _chat(self, max_tokens: int) -> Any:
        return self._chat_cls(
            model=self.model,
            base_url=self._base_url,
            api_key=self._api_key,  # type: ignore[arg-type]
            timeout=self._timeout,
            http_client=self._http,
            max_retries=0,
            temperature=0.2,
            max_tokens=max_tokens,  # type: ignore[call-arg]
            extra_body={"max_tokens": max_tokens},
        )

    def _ask(self, messages: list[BaseMessage], max_tokens: int) -> Generation:
        started = time.perf_counter()
        answer = self._invoke_within_deadline(messages, max_tokens)
        raw = answer.content if isinstance(answer.content, str) else str(answer.content)
        usage = getattr(answer, "usage_metadata", None) or {}
        tokens = int(usage.get("output_tokens", 0)) if isinstance(usage, dict) else 0
        output = parse_section(raw)
        return Generation(output=output, tokens=tokens, seconds=time.perf_counter() - started, raw=raw)

    def chat_model(self) -> Any:
        """The same endpoint for the chat agent, at temperature 0 (answers should repeat)."""
        return self._chat_cls(model=self.model, base_url=self._base_url, api_key=self._api_key,  # type: ignore[arg-type]
                              timeout=self._timeout, max_retries=0, temperature=0)

    def _invoke_within_deadline(self, messages: list[BaseMessage], max_tokens: int) -> Any:
        """Run the call in a daemon thread and stop waiting at the deadline.

        Why a thread: the openai client has no total deadline, only per-read timeouts, so a server
        sending a byte every few seconds would hold a draft forever. A daemon thread left behind
        never keeps the process alive.
        """
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                outcome["answer"] = self._chat(max_tokens).invoke(messages)
            except BaseException as exc:  # noqa: BLE001 (handed to the caller's thread below)
                outcome["error"] = exc

        worker = threading.Thread(target=call, name="llm-call", daemon=True)
        worker.start()
        worker.join(self._deadline)
        if worker.is_alive():
            raise LLMError(f"LLM endpoint did not finish its answer within {self._deadline:g} s "
                           "(AGENT_LLM_DEADLINE); stopped waiting")
        if "error" in outcome:
            exc = outcome["error"]
            if not isinstance(exc, Exception):
                raise exc
            from tools.capped_http import BodyTooLarge

            cause: BaseException | None = exc
            while cause is not None and not isinstance(cause, BodyTooLarge):  # the SDK wraps it
                cause = cause.__cause__ or cause.__context__
            if cause is not None:
                raise LLMError(f"LLM endpoint failed: {cause}") from exc
            # openai/httpx raise many types; all mean "no usable answer"
            raise LLMError(f"LLM endpoint failed: {type(exc).__name__}: {str(exc)[:120]}") from exc
        return outcome["answer"]

    def write(self, request: SectionRequest) -> Generation:
        messages: list[BaseMessage] = [SystemMessage(request.system), HumanMessage(request.prompt)]
        return self._ask(messages, request.max_tokens)

    def revise(self, request: SectionRequest, rejected: list[tuple[Sentence, list[str]]]) -> Generation:
        reask = reask_message(request, rejected)
        messages: list[BaseMessage] = [SystemMessage(request.system), HumanMessage(request.prompt),
                                       HumanMessage(reask)]
        return self._ask(messages, request.max_tokens)
