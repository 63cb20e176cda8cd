"""The no-model backend: each planned sentence is its plain rendering from the facts.

Why keep it: it makes the briefing reproducible offline and in CI, and it is the floor the
model backends fall back to sentence by sentence.
"""

from __future__ import annotations

from .base import Capabilities, Generation, LLMBackend, SectionOutput, SectionRequest, Sentence


class TemplateBackend(LLMBackend):
    name = "template"
    model = ""
    capabilities = Capabilities()  # writes no prose of its own: every sentence is its plan's rendering

    def write(self, request: SectionRequest) -> Generation:
        sentences = [
            Sentence(text=plan.fallback, fact_ids=[f.id for f in plan.facts], doc_ids=list(plan.doc_ids))
            for plan in request.plans
        ]
        return Generation(output=SectionOutput(sentences=sentences))
