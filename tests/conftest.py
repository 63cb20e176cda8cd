"""Session-wide test settings.

Why one shared embedding cache: several test modules ingest the bundled policy corpus into their own
fresh data directories, as a user would; embedding its 257 passages took about 50 s each time on
2 cores. Vectors are keyed by embedder and text, so the first ingest of the session computes them
for real and the later ones read them back — every test still ingests, chunks, stores and searches
its own index.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def shared_embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get("AGENT_EMBED_CACHE")
    base = tmp_path_factory.getbasetemp()
    # Under pytest-xdist each worker has its own base directory inside this session's one: share that.
    folder = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    os.environ["AGENT_EMBED_CACHE"] = str(folder / "embeddings.sqlite")
    yield
    if previous is None:
        os.environ.pop("AGENT_EMBED_CACHE", None)
    else:
        os.environ["AGENT_EMBED_CACHE"] = previous
