"""A stale or broken policy index must not end a chat session: the question is answered without it."""

from __future__ import annotations

from typing import Any

from agent.chat.context import ChatContext
from agent.config import load_settings
from tools.errors import StoreError


class _StaleIndex:
    def search(self, *args: Any, **kwargs: Any) -> list[Any]:
        raise StoreError("policy index in x was built by an older version: run `agent policy ingest`")

    def list_docs(self) -> list[Any]:
        raise StoreError("policy index in x was built by an older version: run `agent policy ingest`")


def test_stale_index_gives_no_passages_and_says_why() -> None:
    ctx = ChatContext(settings=load_settings({}), week="2026-W07", lookup=None, _index=_StaleIndex())  # type: ignore[arg-type]
    assert ctx.policy_search("稀土") == []
    assert "agent policy ingest" in ctx.policy_available()


def test_stale_index_reported_by_availability_first() -> None:
    ctx = ChatContext(settings=load_settings({}), week="2026-W07", lookup=None, _index=_StaleIndex())  # type: ignore[arg-type]
    assert "older version" in ctx.policy_available()
    assert ctx.policy_search("稀土") == []


def test_index_trouble_puts_no_number_in_answers() -> None:
    """The index's own message names counts and paths; an answer may only carry cited figures."""
    ctx = ChatContext(settings=load_settings({}), week="2026-W07", lookup=None, _index=_CountingIndex())  # type: ignore[arg-type]
    assert not any(ch.isdigit() for ch in ctx.policy_available())


class _CountingIndex(_StaleIndex):
    def list_docs(self) -> list[Any]:
        raise StoreError("policy index in /data/2026 was built by an older version (14 documents listed)")
