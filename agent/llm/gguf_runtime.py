"""The in-process GGUF runtime: the one module that knows ``xllamacpp``.

Why xllamacpp: it ships prebuilt, portable CPU wheels (an AVX2 build without AMX), so nothing is
compiled on install and a wheel cached on one machine runs on the next. llama-cpp-python built
from source picks up the build machine's CPU features (AMX here) and dies with SIGILL on a
machine that advertises but cannot execute them. Swapping the runtime again means rewriting only
this module: backends see ``Completion`` and the two calls below.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .base import LLMError

_LOCK = threading.Lock()


@dataclass(frozen=True)
class Completion:
    text: str
    tokens: int
    finish_reason: str


def runtime_available() -> bool:
    try:
        import xllamacpp  # noqa: F401
    except ImportError:
        return False
    return True


def runtime_version() -> str:
    """Version of the installed runtime, part of the probe cache key (a new wheel is re-probed)."""
    try:
        return "xllamacpp " + metadata.version("xllamacpp")
    except metadata.PackageNotFoundError:
        return "xllamacpp (not installed)"


@lru_cache(maxsize=2)
def _server(model_path: str, n_ctx: int, threads: int) -> Any:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model_path
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.verbosity = -1  # llama.cpp logs from C to stderr; the CLI stays one-line quiet
    params.warmup = False
    return xllamacpp.Server(params)


def _answer(raw: Any) -> Completion:
    """Map the server's OpenAI-shaped answer (or its error object) onto a Completion."""
    if not isinstance(raw, dict) or "choices" not in raw:
        message = raw.get("error", {}).get("message", "") if isinstance(raw, dict) else str(raw)
        raise LLMError(f"local model failed: {str(message)[:120] or 'no answer'}")
    choice = raw["choices"][0]
    text = choice.get("text")
    if text is None:
        text = (choice.get("message") or {}).get("content") or ""
    tokens = int((raw.get("usage") or {}).get("completion_tokens", 0))
    return Completion(text=str(text), tokens=tokens, finish_reason=str(choice.get("finish_reason") or ""))


class GgufRuntime:
    """One loaded model. Calls are serialised: the server runs one slot (``n_parallel = 1``)."""

    def __init__(self, model_path: Path, n_ctx: int = 1024, threads: int = 1) -> None:
        self._key = (str(model_path), n_ctx, threads)

    def _call(self, method: str, body: dict[str, Any]) -> Completion:
        with _LOCK:
            server = _server(*self._key)
            return _answer(getattr(server, method)(body))

    def complete(self, prompt: str, *, max_tokens: int, stop: list[str], temperature: float,
                 seed: int = 7) -> Completion:
        return self._call("handle_completions", {
            "prompt": prompt, "max_tokens": max_tokens, "stop": stop, "temperature": temperature,
            "top_p": 0.9, "seed": seed,
        })

    def chat(self, messages: list[dict[str, str]], *, max_tokens: int, temperature: float,
             seed: int = 7) -> Completion:
        return self._call("handle_chat_completions", {
            "messages": messages, "max_tokens": max_tokens, "temperature": temperature, "seed": seed,
        })
