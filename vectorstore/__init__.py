"""Policy documents: cleaning, dedup, chunking, embedding, chromadb collection, hybrid search.

Public surface (narrator and chat code against this)::

    from vectorstore import PolicyIndex
    index = PolicyIndex(settings)
    index.ingest_docs(list_of_PolicyDoc) ; index.ingest_path(Path("notes/"))
    index.search("稀土 出口管制", k=5, mode="hybrid", published_since=date(2025, 10, 1),
                 published_until=None, in_force_on=None, category=None) -> list[Passage]
    index.list_docs() -> list[DocInfo] ; index.get(doc_id) -> DocInfo | None
"""

from .index import PolicyIndex
from .models import DocInfo, IngestReport, Passage

__all__ = ["DocInfo", "IngestReport", "Passage", "PolicyIndex"]
