"""`agent policy ingest|search|list` and `agent eval retrieval`.

Why these commands: analysts load the MOFCOM corpus (and their own notes) once, then
check what a briefing would cite before the narrator does; the eval command shows
whether a change to the embedder or chunking made retrieval better or worse.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from agent.config import PROJECT_ROOT, Settings, load_settings
from tools.errors import DataGapError, InputError
from tools.sources.models import PolicyDoc

log = logging.getLogger(__name__)
out = Console()
err = Console(stderr=True)

DEFAULT_EVAL = PROJECT_ROOT / "tests" / "data" / "policy_eval.jsonl"
NOTES_DIR = "policy_notes"


def _date(value: str | None, flag: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{flag} must be a date YYYY-MM-DD, got {value!r}") from None


def _store_docs(settings: Settings) -> list[PolicyDoc]:
    """MOFCOM and Federal Register documents from the store; loads the bundled sample first if it has none."""
    from tools.store import Store

    store = Store(settings.data_dir)
    docs = store.policy_docs()
    if docs:
        return docs
    try:
        from tools.sources.fetch import fetch_sample
    except ImportError:
        raise DataGapError(
            "the store holds no MOFCOM documents; run `agent fetch --from-sample` (or `agent fetch`) first"
        ) from None
    err.print("store has no MOFCOM documents: loading the bundled sample", highlight=False, soft_wrap=True)
    fetch_sample(store, settings, sources=["mofcom", "federal-register"])
    docs = store.policy_docs()
    if not docs:
        raise DataGapError("the bundled sample produced no MOFCOM documents")
    return docs


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _print_report(label: str, report: Any) -> None:
    out.print(
        f"{label}: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.duplicates)} duplicate(s) merged, "
        f"{len(report.skipped)} skipped, {report.chunks_added} chunks embedded",
        highlight=False,
    )
    for alias, kept in report.duplicates.items():
        out.print(Text(f"  duplicate: {alias} → {kept}"), highlight=False, soft_wrap=True)
    for name, reason in report.skipped:
        err.print(Text.assemble(("skipped", "yellow"), f" {name}: {reason}"), highlight=False, soft_wrap=True)


def _nothing_accepted(report: Any) -> bool:
    """True when every file given was rejected: ``agent policy ingest FILE`` must then fail."""
    accepted = len(report.added) + len(report.updated) + len(report.unchanged) + len(report.duplicates)
    return accepted == 0 and bool(report.skipped)


def ingest(
    path: Annotated[Path | None, typer.Argument(help="File or folder of Markdown/TXT/HTML with front matter.")] = None,
) -> None:
    """Load policy documents into the index (no PATH: the store's MOFCOM docs + bundled analyst notes)."""
    from agent.narrate.retrieval import stand
    from vectorstore import PolicyIndex

    settings = load_settings()
    index = PolicyIndex(settings)
    with _progress() as bar:
        task = bar.add_task("embedding", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if path is not None:
            report = index.ingest_path(path, progress=tick)
            _print_report(str(path), report)
            if _nothing_accepted(report):
                reason = report.skipped[0][1] if len(report.skipped) == 1 else f"{len(report.skipped)} files rejected"
                raise InputError(f"nothing ingested from {path}: {reason}")
            stand(index)
            return
        _print_report("MOFCOM + Federal Register", index.ingest_docs(_store_docs(settings), progress=tick))
        notes = settings.sample_dir / NOTES_DIR
        if notes.is_dir():
            _print_report("analyst notes", index.ingest_path(notes, progress=tick))
    stand(index)  # the briefing's standing queries, ranked once for this index version
    out.print(f"{len(index.list_docs())} documents stored in {settings.data_dir / 'chroma'}", highlight=False, soft_wrap=True)


def search(
    query: str = typer.Argument(..., help="Question or keywords (zh-Hant, zh-Hans or English)."),
    since: str | None = typer.Option(None, "--since", help="Published on or after YYYY-MM-DD."),
    until: str | None = typer.Option(None, "--until", help="Published on or before YYYY-MM-DD."),
    in_force_on: str | None = typer.Option(None, "--in-force-on", help="Only documents in force on YYYY-MM-DD."),
    effective_since: str | None = typer.Option(None, "--effective-since", help="Taking effect on or after YYYY-MM-DD."),
    effective_until: str | None = typer.Option(None, "--effective-until", help="Taking effect on or before YYYY-MM-DD."),
    category: str | None = typer.Option(
        None, "--category", help="notice | press | law | international | analyst_note | a site column prefix"
    ),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid | dense | lexical"),
    k: int = typer.Option(5, "-k", "--top", help="Number of documents to return."),
    as_json: bool = typer.Option(False, "--json", help="Print passages as JSON."),
) -> None:
    """Find the passages a briefing would cite."""
    from vectorstore.index import MAX_QUERY_CHARS, PolicyIndex

    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"the query is {len(query)} characters; keep it under {MAX_QUERY_CHARS} "
                         "(the embedder reads only the first 512 tokens)")

    if mode not in ("hybrid", "dense", "lexical"):
        raise InputError(f"--mode must be hybrid, dense or lexical, got {mode!r}")
    index = PolicyIndex(load_settings())
    if not index.list_docs():
        raise DataGapError("the policy index is empty; run `agent policy ingest` first")
    passages = index.search(
        query,
        k=k,
        mode=mode,  # type: ignore[arg-type]
        published_since=_date(since, "--since"),
        published_until=_date(until, "--until"),
        in_force_on=_date(in_force_on, "--in-force-on"),
        category=category,
        effective_since=_date(effective_since, "--effective-since"),
        effective_until=_date(effective_until, "--effective-until"),
    )
    if as_json:
        out.print_json(json.dumps([p.model_dump(mode="json") for p in passages], ensure_ascii=False))
        return
    if not passages:
        out.print("no matching documents")
        return
    # Scraped titles and text are printed as Text, never as markup: a title holding "[/bold]" is just text.
    for rank, p in enumerate(passages, start=1):
        out.print(Text.assemble((f"{rank}. {p.title}", "bold"), f"  ({p.publish_date}, {p.category}, score {p.score:.4f})"),
                  highlight=False, soft_wrap=True)
        out.print(Text(f"   {p.doc_id}  {p.url}"), highlight=False, soft_wrap=True)
        if p.notice_no or p.effective_dates:
            effective = ", ".join(d.isoformat() for d in p.effective_dates) or "?"
            out.print(Text(f"   {p.notice_no or '—'}; effective {effective}"), highlight=False, soft_wrap=True)
        snippet = p.text.replace("\n", " ")
        out.print(Text(f"   {snippet[:160]}{'…' if len(snippet) > 160 else ''}"), highlight=False, soft_wrap=True)


def list_docs(as_json: bool = typer.Option(False, "--json", help="Print documents as JSON.")) -> None:
    """What is stored (duplicates merged into one entry, aliases shown)."""
    from vectorstore import PolicyIndex

    docs = PolicyIndex(load_settings()).list_docs()
    if as_json:
        out.print_json(json.dumps([d.model_dump(mode="json") for d in docs], ensure_ascii=False))
        return
    if not docs:
        out.print("no documents stored; run `agent policy ingest`")
        return
    table = Table(show_lines=False)
    for col in ("date", "id", "category", "notice", "title", "chunks", "aliases"):
        table.add_column(col)
    for d in docs:
        table.add_row(
            d.publish_date.isoformat(), Text(d.doc_id), Text(d.category), Text(d.notice_no), Text(d.title),
            str(d.n_chunks), str(len(d.aliases)),
        )
    out.print(table)


def eval_retrieval(
    file: Annotated[Path, typer.Option("--file", help="JSONL: {query, expected:[doc ids], lang}.")] = DEFAULT_EVAL,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """hit@1, hit@3 and MRR of dense, lexical and hybrid search over the stored corpus."""
    from vectorstore import PolicyIndex
    from vectorstore.evaluation import evaluate, load_queries

    queries = load_queries(file)
    index = PolicyIndex(load_settings())
    if not index.list_docs():
        raise DataGapError("the policy index is empty; run `agent policy ingest` first")
    scores = evaluate(index, queries)
    if as_json:
        out.print_json(json.dumps([s.model_dump() for s in scores], ensure_ascii=False))
        return
    table = Table(title=f"retrieval over {len(index.list_docs())} docs, {len(queries)} queries ({file.name})")
    for col in ("mode", "hit@1", "hit@3", "MRR"):
        table.add_column(col, justify="right")
    for s in scores:
        table.add_row(s.mode, f"{s.hit1:.3f}", f"{s.hit3:.3f}", f"{s.mrr:.3f}")
    out.print(table)
    for s in scores:
        for q in s.misses:
            out.print(f"  {s.mode} miss@3: {q}", highlight=False, soft_wrap=True)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add this feature's commands to the root app (and eval sub-app)."""
    policy = typer.Typer(help="Policy documents: ingest, search, list.", no_args_is_help=True)
    policy.command("ingest")(ingest)
    policy.command("search")(search)
    policy.command("list")(list_docs)
    app.add_typer(policy, name="policy")
    eval_app.command("retrieval")(eval_retrieval)
