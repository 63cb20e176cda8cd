"""The narrator: plans a report from facts, has a backend phrase it, verifies, renders Markdown + sidecar.

``engine.draft`` drafts any registered report spec; ``trade_briefing`` is the weekly briefing's spec.
"""

from __future__ import annotations

from .engine import DraftContext, DraftResult, Inputs, PageParts, draft, inputs_for, write_outputs
from .retrieval import Retrieved, retrieve

__all__ = ["DraftContext", "DraftResult", "Inputs", "PageParts", "Retrieved", "draft", "inputs_for", "retrieve",
           "write_outputs"]
