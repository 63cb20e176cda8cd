"""Simplified-Chinese detection and conversion to Taiwan Traditional (OpenCC ``s2twp``).

Why: MOFCOM publishes in simplified Chinese and models echo it; the briefing is zh-Hant.
Detection must not cry wolf on characters Taiwan writes the same way (台、占、布、托 …), which
OpenCC would still "convert", so those are exempt. 臺 produced by OpenCC is written back as
台 to keep the house style (台灣).
"""

from __future__ import annotations

from functools import lru_cache

import opencc

#: Characters OpenCC maps but which are ordinary in Taiwan usage (台灣、占比、布魯塞爾、托管…).
_SHARED = set("台占布托里干余只系面表准周征冲松板划游咨谷丑卜斗伙克制借吁夸尽厘历")


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Convert to Taiwan Traditional with Taiwan phrasing (s2twp), keeping 台 as written."""
    return _converter("s2twp").convert(text).replace("臺", "台")


#: Characters s2twp maps one by one but s2tw does not (Taiwan chemistry names, 硅→矽): not simplified.
_TW_PHRASING_ONLY = set("砹硅酰鈁鈈錇鍀鎄鎇鎿鐦鑥")


def simplified_chars(text: str) -> list[str]:
    """Characters in ``text`` that are simplified forms (deduplicated, in order).

    Uses the s2twp converter (already loaded for ``to_traditional``) character by character; for
    single characters it agrees with s2tw except for ``_TW_PHRASING_ONLY``, and loading a second
    OpenCC dictionary costs about 0.1 s per process.
    """
    convert = _converter("s2twp").convert
    found: dict[str, None] = {}
    for char in text:
        if ("\u4e00" <= char <= "\u9fff" and char not in _SHARED and char not in _TW_PHRASING_ONLY
                and convert(char) != char):
            found[char] = None
    return list(found)


def has_simplified(text: str) -> bool:
    return bool(simplified_chars(text))
