"""The ``agent`` command. Each feature registers its commands from its own module.

Why the split: sources, facts, policy, draft, chat and review are built and owned
separately; one module per surface keeps each readable and keeps edits from colliding.
The only job of this file is the error edge: typed errors become one line + exit code.
"""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from tools.errors import AgentError

from . import chat_cmd, config_cmd, draft_cmd, facts_cmd, fetch_cmd, policy_cmd, review_cmd, site_cmd

app = typer.Typer(
    name="agent",
    help="trade-narrator: weekly Traditional-Chinese trade briefing from cited figures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Evaluate retrieval and chat against the bundled eval sets.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

err_console = Console(stderr=True)


@app.callback()
def _root(verbose: bool = typer.Option(False, "-v", "--verbose", help="Log requests and steps.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose:
        for noisy in ("httpx", "httpcore", "chromadb", "urllib3"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


for _module in (config_cmd, fetch_cmd, facts_cmd, policy_cmd, draft_cmd, chat_cmd, review_cmd, site_cmd):
    _module.register(app, eval_app)


def main() -> None:
    """Console-script entry: run the app, turning known errors into one line."""
    try:
        app(standalone_mode=False)
    except AgentError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        err_console.print("aborted")
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        if isinstance(exc, click.exceptions.Exit):
            raise SystemExit(exc.exit_code) from None
        raise
