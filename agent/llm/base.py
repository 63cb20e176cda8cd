"""The one interface every prose backend implements, and the structured output it returns.

Why structured output: the verifier can only judge a sentence against the facts it claims
to use. So a backend never returns free text: it returns sentences, each naming its fact
ids and doc ids and whether it speculates. A backend that cannot follow a schema (the tiny
local base model) is driven one sentence per *plan* instead, and the plan supplies the ids.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from tools.errors import SourceError


class LLMError(SourceError):
    """The model endpoint failed, timed out or answered with something unusable."""


class Sentence(BaseModel):
    text: str
    fact_ids: list[str] = Field(default_factory=list)
    doc_ids: list[str] = Field(default_factory=list)
    speculative: bool = False


class SectionOutput(BaseModel):
    sentences: list[Sentence] = Field(default_factory=list)


@dataclass(frozen=True)
class FactLine:
    """A fact as the model sees it: id, what it is, its period and the exact display string."""

    id: str
    label: str
    period: str
    display: str
    direction_word: str = ""


@dataclass(frozen=True)
class PassageView:
    doc_id: str
    title: str
    date: str
    text: str
    status: str = ""  # notice number / effective / suspension from the index metadata (not the body)


@dataclass(frozen=True)
class SentencePlan:
    """One sentence the section wants: the facts it should state and a plain rendering of them.

    ``examples`` are few-shot (facts → sentence) pairs for completion models; ``fallback`` is
    what the page shows if the model's sentence does not pass the verifier.
    """

    key: str
    facts: tuple[FactLine, ...]
    fallback: str
    doc_ids: tuple[str, ...] = ()
    passage: PassageView | None = None


@dataclass
class SectionRequest:
    section: str
    system: str
    prompt: str
    plans: list[SentencePlan]
    passages: list[PassageView] = field(default_factory=list)
    completion_prompt: str = ""  # few-shot prefix for base models (prompts/local_fewshot.md)
    reask_template: str = "{rejected}"  # prompts/reask.md; '{rejected}' lists sentences + errors
    max_tokens: int = 400


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do; the narrator, the writer and the chat decide by these, never by name.

    Why declared: a new backend (another local runtime, a provider with tool calling) must get
    the right behaviour by saying what it can do, not by being listed in ``if name == …`` checks.
    """

    #: Follows the JSON sentence schema itself: may cite any fact of the section and write analysis.
    structured_output: bool = False
    #: Phrases one planned sentence at a time from few-shot examples (a base model in completion mode).
    fewshot_completion: bool = False
    #: Can drive the chat agent's tools (``chat_model()`` returns a LangChain chat model).
    tool_calling: bool = False

    @property
    def writes_prose(self) -> bool:
        """False for the template backend: every sentence is the plan's plain rendering."""
        return self.structured_output or self.fewshot_completion


@dataclass
class Generation:
    output: SectionOutput
    tokens: int = 0
    seconds: float = 0.0
    raw: str = ""


class LLMBackend(ABC):
    """A prose writer. ``write`` drafts a section; ``revise`` re-asks with the verifier's errors."""

    name: str = "template"
    model: str = ""
    capabilities: Capabilities = Capabilities()
    #: Most planned sentences per section this backend is asked for (None: all). The local model
    #: takes about a second per sentence on two cores, so it writes the lead sentences only.
    plan_budget: int | None = None

    @abstractmethod
    def write(self, request: SectionRequest) -> Generation:
        """First draft of the section's sentences. Raises LLMError when the endpoint fails."""

    def revise(self, request: SectionRequest, rejected: list[tuple[Sentence, list[str]]]) -> Generation:
        """Replacement sentences for ``rejected`` (sentence, errors). Default: nothing to offer."""
        return Generation(output=SectionOutput())

    def chat_model(self) -> Any:
        """A LangChain chat model for the tool-calling chat agent (only when ``capabilities.tool_calling``)."""
        raise LLMError(f"the {self.name} backend cannot call tools")

def reask_message(request: SectionRequest, rejected: list[tuple[Sentence, list[str]]]) -> str:
    """The re-ask turn for chat models: each rejected sentence, what it cited and why it failed.

    One wording for every chat backend (remote or local), so a fix to it reaches them all.
    """
    listing = "\n".join(
        f"- 句子：{s.text}\n  引用：{', '.join(s.fact_ids + s.doc_ids) or '（無）'}\n  問題：{'；'.join(errs)}"
        for s, errs in rejected
    )
    return request.reask_template.replace("{rejected}", listing)
