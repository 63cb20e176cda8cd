"""YAML read with PyYAML's safe loader, in C when the wheel carries libyaml.

Why: the sentence templates are read at every draft; the pure-Python loader spent 15 ms of a first draft's
second on them (the C loader 4 ms, same result). Both load only plain data: no tags, no objects.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load``, faster where it can be."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
