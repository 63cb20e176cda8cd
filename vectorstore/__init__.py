"""Policy documents: cleaning, dedup, chunking, embedding, chromadb collection, hybrid search.

Public surface (narrator and chat code against this)::

    from vectorstore import PolicyIndex
    index = PolicyIndex(settings)
    index.ingest_docs(list_of_PolicyDoc) ; index.ingest_path(Path("notes/"))
    index.search("稀土 出口管制", k=5, mode="hybrid", published_since=date(2025, 10, 1),
                 published_until=None, in_force_on=None, category=None) -> list[Passage]
    index.list_docs() -> list[DocInfo] ; index.get(doc_id) -> DocInfo | None
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import DocInfo, IngestReport, Passage

if TYPE_CHECKING:
    from .index import PolicyIndex

__all__ = ["DocInfo", "IngestReport", "Passage", "PolicyIndex"]


def __getattr__(name: str) -> Any:
    """Import the index (and chromadb, ~0.5 s) only when someone asks for it: reading the
    models — e.g. the narrator's retrieval cache — must stay cheap."""
    if name == "PolicyIndex":
        from .index import PolicyIndex

        return PolicyIndex
    raise AttributeError(f"module 'vectorstore' has no attribute {name!r}")
