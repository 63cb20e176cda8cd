"""Turn a chat model's answer into :class:`SectionOutput`, or say precisely why not.

Why lenient about wrapping but strict about content: OpenAI-compatible servers differ in
whether they honour JSON mode, so code fences and chatter around the object are removed;
the object itself must validate against the schema or the answer is rejected (and the
section falls back), never half-used.
"""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from .base import LLMError, SectionOutput

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def parse_section(raw: str) -> SectionOutput:
    """Parse the model's JSON answer; LLMError with a one-line reason when it is not valid."""
    text = raw.strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    start = min(starts) if starts else -1
    end = text.rfind("}" if start >= 0 and text[start] == "{" else "]")
    if start < 0 or end <= start:
        raise LLMError(f"model answer is not JSON: {raw[:80]!r}")
    try:
        data = json.loads(text[start:end + 1])
    except json.JSONDecodeError as exc:
        raise LLMError(f"model answer is not valid JSON ({exc.msg} at {exc.pos})") from exc
    if isinstance(data, list):
        data = {"sentences": data}
    if not isinstance(data, dict) or "sentences" not in data:
        raise LLMError("model answer has no 'sentences' list")
    try:
        return SectionOutput.model_validate(data)
    except ValidationError as exc:
        raise LLMError(f"model answer does not match the sentence schema: {exc.errors()[0]['msg']}") from exc
