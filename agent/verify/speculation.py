"""Detect speculative wording and tag it （推測）.

Why: a forecast phrased like a fact is the easiest way for generated prose to mislead. Any
sentence that guesses (可能、預計、或將、恐、推測、料…) must say so on the page and go to
the reviewer, whether or not the model admitted it was speculating.
"""

from __future__ import annotations

import re

TAG = "（推測）"

#: 料 and 恐 are only speculative in their modal uses (料將, 恐將), never in 資料/材料 or 恐怖.
_SPECULATIVE = re.compile(
    r"可能|預計|預期|預估|或將|或許|也許|推測|推估|估計|有望|可望|勢將|勢必|恐怕|料將|料難|料仍|料會|預料|"
    r"看好|看淡|不排除|恐(?![怖慌嚇懼龍])"
)
_END_PUNCT = "。！？!?；;"


def find_speculative(text: str) -> list[str]:
    """The speculative words in ``text`` (empty when it states only facts)."""
    return [m.group(0) for m in _SPECULATIVE.finditer(text.replace(TAG, ""))]


def is_speculative(text: str) -> bool:
    return bool(find_speculative(text))


def tag_speculative(text: str) -> str:
    """Append （推測） before the final punctuation, once."""
    if TAG in text:
        return text
    stripped = text.rstrip()
    if stripped and stripped[-1] in _END_PUNCT:
        return stripped[:-1] + TAG + stripped[-1]
    return stripped + TAG
