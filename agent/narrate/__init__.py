"""The narrator: plans the briefing from facts, has a backend phrase it, verifies, renders Markdown + sidecar."""

from __future__ import annotations

from .narrator import DraftResult, Inputs, draft, inputs_for, write_outputs
from .retrieval import Retrieved, retrieve

__all__ = ["DraftResult", "Inputs", "Retrieved", "draft", "inputs_for", "retrieve", "write_outputs"]
