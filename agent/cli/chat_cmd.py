"""CLI for the chat: ``agent ask``, ``agent chat`` (REPL) and ``agent eval chat``.

Why thin: everything that decides an answer lives in ``agent.chat``; this module only
reads arguments, prints with rich, and keeps the REPL's history.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from agent.config import PROJECT_ROOT, load_settings
from tools.errors import AgentError, InputError

#: Longest question accepted: the policy embedder reads 512 tokens anyway, and a 16k-character
#: question made `agent ask` spend over a minute before answering.
MAX_QUESTION_CHARS = 1000

console = Console()

DEFAULT_EVAL = PROJECT_ROOT / "tests" / "data" / "chat_eval.jsonl"


def _backend(llm: str | None):  # type: ignore[no-untyped-def]
    """The backend only matters when it can call tools (openai); None means the offline router."""
    if llm is None:
        return None
    from agent.llm import get_backend

    return get_backend(llm, load_settings())


def checked_question(question: str) -> str:
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question)} characters; keep it under {MAX_QUESTION_CHARS}")
    return question


def print_answer(ans, show_sources: bool = True) -> None:  # type: ignore[no-untyped-def]
    # Text, not markup: answers quote document titles, which may hold "[/bold]".
    style = "yellow" if ans.refused else ""
    console.print(Text(ans.text, style=style), highlight=False, soft_wrap=True)
    if ans.available:
        console.print(Text(ans.available, style="dim"), highlight=False, soft_wrap=True)
    if show_sources:
        print_sources(ans)


def print_sources(ans) -> None:  # type: ignore[no-untyped-def]
    if not ans.fact_ids and not ans.docs:
        return
    console.print("來源 sources:", style="bold")
    for fid in ans.fact_ids:
        fact = ans.facts.get(fid)
        refs = fact.sources if fact is not None else []
        src = "；".join(f"{s.dataset}{' (synthetic)' if s.synthetic else ''} {s.url}" for s in refs)
        console.print(Text(f"  [fact] {fid}{' — ' + src if src else ''}"), highlight=False, soft_wrap=True)
    for doc in ans.docs:
        console.print(Text(f"  [doc] {doc.title} ({doc.date}) {doc.url}"), highlight=False, soft_wrap=True)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add ``ask``, ``chat`` and ``eval chat``."""

    @app.command()
    def ask(
        question: str = typer.Argument(..., help="The question, in zh-Hant, zh-Hans or English."),
        llm: str = typer.Option(None, "--llm", help="openai | local | template (offline router unless openai)."),
        week: str = typer.Option(None, "--week", help="ISO week, e.g. 2026-W07 (default: latest with data)."),
        as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    ) -> None:
        """Answer one question from the stored data, citing fact ids and documents."""
        from agent.chat.answer import answer

        ans = answer(checked_question(question), backend=_backend(llm), settings=load_settings(), week=week)
        if as_json:
            typer.echo(ans.model_dump_json(indent=2))
        else:
            print_answer(ans)

    @app.command()
    def chat(
        llm: str = typer.Option(None, "--llm", help="openai | local | template."),
        week: str = typer.Option(None, "--week", help="ISO week (default: latest with data)."),
    ) -> None:
        """Interactive Q&A. Commands: /sources (citations of the last answer), /history, /quit."""
        from agent.chat.context import load_context
        from agent.chat.session import ChatSession

        try:
            import readline  # noqa: F401  (arrow-key editing and recall of earlier questions)
        except ImportError:  # pragma: no cover - not on every platform
            pass
        session = ChatSession(load_context(load_settings(), week), backend=_backend(llm))
        console.print(f"trade-narrator chat — week {session.ctx.week}. Follow-ups like 「那日本呢？」 work. "
                      "/sources, /history, /quit", style="bold")
        while True:
            try:
                line = console.input("[bold cyan]> [/bold cyan]").strip()
            except (EOFError, KeyboardInterrupt):
                console.print()
                break
            if not line:
                continue
            if line in ("/quit", "/exit", "/q"):
                break
            if line == "/sources":
                if session.history:
                    print_sources(session.history[-1])
                else:
                    console.print("(no answer yet)", style="dim")
                continue
            if line == "/history":
                for i, past in enumerate(session.history, 1):
                    console.print(Text(f"{i}. {past.question}"), highlight=False)
                continue
            try:
                print_answer(session.ask(checked_question(line)), show_sources=False)
            except AgentError as exc:  # one bad question must not end the session
                console.print(Text.assemble(("error:", "red"), f" {exc}"), highlight=False)

    @eval_app.command("chat")
    def eval_chat(
        path: str = typer.Option("", "--file", help="JSONL eval set (default: tests/data/chat_eval.jsonl)."),
        week: str = typer.Option(None, "--week", help="ISO week (default: latest with data)."),
        as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
        verbose: bool = typer.Option(False, "--show", help="Print every failing question."),
    ) -> None:
        """Accuracy on answerable questions, correct-refusal rate, invented numbers (offline router)."""
        from agent.chat.context import load_context
        from agent.chat.evaluate import load_eval, run_eval

        ctx = load_context(load_settings(), week)
        report = run_eval(load_eval(Path(path) if path else DEFAULT_EVAL), ctx)
        if as_json:
            typer.echo(json.dumps(report.summary(), ensure_ascii=False, indent=2))
            return
        s = report.summary()
        console.print(f"chat eval ({s['questions']} questions, week {ctx.week}, route router)", style="bold")
        console.print(f"  answerable correct : {s['answerable_correct']}/{s['answerable']} "
                      f"= {s['answerable_accuracy']:.1%}")
        console.print(f"  correct refusals   : {s['refusals_correct']}/{s['unanswerable']} "
                      f"= {s['refusal_rate']:.1%}")
        console.print(f"  invented numbers   : {s['invented_numbers']}")
        console.print(f"  echoed injections  : {s['echoed_injections']}")
        console.print(f"  by kind/language   : {s['by_group']}", highlight=False, soft_wrap=True)
        for fail in report.failures if verbose else report.failures[:10]:
            console.print(escape(f"  ✗ [{fail.id}] {fail.question} — {fail.reason}"), style="red",
                          highlight=False, soft_wrap=True)
