"""CLI for the review feature: `agent review …`, `agent publish`, `agent reviewer add`, `agent serve`.

Why thin: every rule lives in ``agent.review.ReviewDesk`` so the CLI and the web page behave
identically; this module parses options and prints. Scraped text is printed as plain text
(never as rich markup), so a title containing ``[bold]`` or ``<script>`` shows as written.
"""

from __future__ import annotations

import getpass
import os
from typing import TYPE_CHECKING

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agent.config import load_settings
from tools.errors import InputError

if TYPE_CHECKING:  # the review stack is imported when a review command runs, keeping `agent --help` fast
    from agent.review import Item, ReviewDesk

console = Console()

STATE_STYLE = {"open": "bold yellow", "approved": "green", "rejected": "red", "edited": "cyan"}


def _desk() -> ReviewDesk:
    from agent.review import ReviewDesk

    return ReviewDesk(load_settings())


def _reviewer(name: str | None) -> str:
    name = name or os.environ.get("AGENT_REVIEWER") or getpass.getuser()
    if not name or not name.strip():
        raise InputError("who is deciding? pass --reviewer NAME")
    return name.strip()


def _reasons(item: Item) -> str:
    from agent.review.items import REASON_ZH

    return "、".join(REASON_ZH.get(r, r) for r in item.reasons)


def _items_table(items: list[Item]) -> Table:
    table = Table(show_lines=False)
    for col in ("item", "claim", "section", "reason", "state", "by", "text"):
        table.add_column(col, overflow="fold")
    for item in items:
        decision = item.decision
        text = decision.text if decision and decision.action == "edit" and decision.text else item.text
        table.add_row(item.ref, Text(item.claim_id), Text(item.section), _reasons(item),
                      Text(item.state, style=STATE_STYLE[item.state]),
                      Text(decision.reviewer if decision else ""), Text(text[:80] + ("…" if len(text) > 80 else "")))
    return table


def _item_panel(item: Item) -> Panel:
    body = Text()
    body.append(f"section: {item.section}   reason: {_reasons(item)}   origin: {item.origin}\n", style="dim")
    body.append(item.text + "\n")
    if item.errors:
        body.append("verifier errors before acceptance: " + "; ".join(item.errors) + "\n", style="dim")
    for fact in item.evidence.facts:
        body.append("  fact ", style="bold")
        body.append(f"{fact.label_zh}: {fact.display} ({fact.period.label_zh})  [{fact.id}]\n")
        if fact.source:
            synthetic = " SYNTHETIC" if fact.source.synthetic else ""
            body.append(f"       {fact.source.dataset} · {fact.source.vintage}{synthetic} · {fact.source.url}\n",
                        style="dim")
    for doc in item.evidence.docs:
        body.append("  doc  ", style="bold")
        body.append(f"{doc.title} ({doc.date}) {doc.url}\n")
    for quote in item.evidence.quotes:
        body.append("  quote ", style="bold")
        body.append(f"「{quote.text}」\n")
        body.append(f"        [{quote.provision_id}]\n", style="dim")
        if doc.passage:
            body.append(f"       「{doc.passage[:200]}」\n", style="dim")
    for missing in item.evidence.missing:
        body.append(f"  missing evidence: {missing}\n", style="red")
    for decision in item.history:
        kind = "change" if decision.is_change else "decision"
        line = f"  {kind}: {decision.action} by {decision.reviewer} at {decision.decided_at}"
        body.append(line + (f" — {decision.note}" if decision.note else "") + "\n", style="cyan")
        if decision.action == "edit" and decision.text:
            body.append(f"        → {decision.text}\n", style="cyan")
    title = Text(f"{item.ref} {item.claim_id} · ")
    title.append(item.state, style=STATE_STYLE[item.state])
    return Panel(body, title=title, title_align="left")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add this feature's commands to the root app (and eval sub-app)."""
    review_app = typer.Typer(help="Review flagged claims of a draft (approve / reject / edit).",
                             no_args_is_help=True)
    reviewer_app = typer.Typer(help="Manage reviewers who may sign in to `agent serve`.", no_args_is_help=True)
    app.add_typer(review_app, name="review")
    app.add_typer(reviewer_app, name="reviewer")

    @review_app.command("list")
    def review_list(report: str = typer.Option(None, "--report", "--week",
                                               help="Show the items of one report, e.g. trade-briefing/2026-W07.")
                    ) -> None:
        """Drafts with their open items, or the flagged items of one report."""
        desk = _desk()
        if report:
            items = desk.items(report)
            console.print(_items_table(items) if items else Text(f"{report}: nothing flagged"))
            return
        summaries = desk.reports()
        for key, problem in desk.problems.items():
            console.print(Text(f"skipped {key}: {problem}", style="red"))
        if not summaries:
            console.print(f"no drafts in {escape(str(desk.drafts_dir))} (run `agent draft --week …`)")
            return
        table = Table()
        # The key is what the reviewer types next (`agent review show KEY`): never cut it, however narrow.
        table.add_column("report", no_wrap=True, min_width=max(len(s.report) for s in summaries))
        for col in ("flagged", "open", "approved", "edited", "rejected", "published"):
            table.add_column(col, overflow="fold")
        for s in summaries:
            table.add_row(Text(s.report), str(s.total), Text(str(s.open), style="bold yellow" if s.open else "green"),
                          str(s.approved), str(s.edited), str(s.rejected), s.published_at or "")
        console.print(table)

    @review_app.command("show")
    def review_show(report: str = typer.Argument(..., help="Report key, e.g. trade-briefing/2026-W07 (or 2026-W07)")
                    ) -> None:
        """Every flagged item of a report with its evidence and decisions."""
        from agent.review.drafts import check_key

        desk = _desk()
        key = check_key(report)
        items = desk.items(key)
        open_count = sum(1 for i in items if i.decision is None)
        console.print(f"[bold]{escape(key)}[/bold]: {len(items)} flagged, {open_count} open")
        for item in items:
            console.print(_item_panel(item))

    def _decide(action: str, item_ref: str, report: str | None, note: str, reviewer: str | None, change: bool,
                text: str | None = None) -> None:
        desk = _desk()
        item = desk.item(item_ref, report)
        decision, check = desk.decide(item, action, _reviewer(reviewer), text=text, note=note, change=change)
        verb = "changed to " if decision.is_change else ""
        console.print(Text(f"{item.ref} {item.claim_id}: {verb}{decision.action} by {decision.reviewer}"))
        if check:
            for note_line in check.notes:
                console.print(Text(f"note: {note_line}"))
            console.print(Text(f"new text: {check.text}"))
        remaining = sum(1 for i in desk.items(item.report) if i.decision is None)
        console.print(f"{escape(item.report)}: {remaining} item(s) still open")

    report_opt = typer.Option(None, "--report", "--week",
                            help="Report of the item, e.g. trade-briefing/2026-W07 (when a claim id is ambiguous).")
    note_opt = typer.Option("", "--note", help="Why (kept in the decision log).")
    reviewer_opt = typer.Option(None, "--reviewer", help="Your name (default: $AGENT_REVIEWER or login name).")
    change_opt = typer.Option(False, "--change", help="Change an item that is already decided.")
    item_arg = typer.Argument(..., help="Item number (#3 or 3) or claim id.")

    @review_app.command("approve")
    def review_approve(item: str = item_arg, report: str = report_opt, note: str = note_opt,
                       reviewer: str = reviewer_opt, change: bool = change_opt) -> None:
        """Keep the flagged text as drafted (speculation keeps its （推測） tag)."""
        _decide("approve", item, report, note, reviewer, change)

    @review_app.command("reject")
    def review_reject(item: str = item_arg, report: str = report_opt, note: str = note_opt,
                      reviewer: str = reviewer_opt, change: bool = change_opt) -> None:
        """Remove the flagged text from the published page."""
        _decide("reject", item, report, note, reviewer, change)

    @review_app.command("edit")
    def review_edit(item: str = item_arg,
                    text: str = typer.Option(None, "--text", help="New text (default: open $EDITOR)."),
                    report: str = report_opt, note: str = note_opt, reviewer: str = reviewer_opt,
                    change: bool = change_opt) -> None:
        """Replace the flagged text; numbers must be display forms of the claim's cited facts."""
        if text is None:
            current = _desk().item(item, report)
            edited = click.edit(current.text + "\n", extension=".md")
            if edited is None or not edited.strip():
                raise InputError("no text entered; nothing changed")
            text = edited
        _decide("edit", item, report, note, reviewer, change, text=text)

    @app.command("publish")
    def publish(report: str = typer.Option(..., "--report", "--week",
                                           help="Report key, e.g. trade-briefing/2026-W07 (or 2026-W07)"),
                reviewer: str = reviewer_opt) -> None:
        """Write the reviewed report into the site source; refuses while any flagged item is undecided."""
        result = _desk().publish(report, _reviewer(reviewer))
        counts = ", ".join(f"{v} {k}" for k, v in sorted(result.counts.items())) or "nothing flagged"
        console.print(Text(f"published {result.report} → {result.path} ({counts}; reviewed by "
                           f"{', '.join(result.reviewers) or '-'})"))

    @reviewer_app.command("add")
    def reviewer_add(name: str = typer.Argument(..., help="Reviewer name shown in the decision log.")) -> None:
        """Create a reviewer (or issue a new token); the token is shown once and stored hashed."""
        token = _desk().store.add_reviewer(name)
        console.print(Text(f"reviewer {name.strip()} added; sign-in token (shown once, keep it safe):"))
        print(token)

    @reviewer_app.command("list")
    def reviewer_list() -> None:
        """Names of reviewers who can sign in."""
        for name in _desk().store.reviewers():
            console.print(Text(name))

    @app.command("serve")
    def serve(host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (local only by default)."),
              port: int = typer.Option(8765, "--port", min=1, max=65535, help="TCP port (1-65535).")) -> None:
        """Serve the review web page (sign in with a token from `agent reviewer add`)."""
        import uvicorn

        from agent.web.app import create_app

        settings = load_settings()
        if host not in ("127.0.0.1", "localhost", "::1"):
            console.print(Text(f"warning: binding {host} exposes the review page beyond this machine; "
                               "put it behind TLS (session cookies are not marked Secure)", style="yellow"))
        console.print(Text(f"review page on http://{host}:{port}/ (drafts from {settings.drafts_dir})"))
        from agent.web.app import LOCAL_HOSTS

        hosts = LOCAL_HOSTS if host in LOCAL_HOSTS else ["*"]
        uvicorn.run(create_app(settings, allowed_hosts=hosts), host=host, port=port, log_level="warning")
