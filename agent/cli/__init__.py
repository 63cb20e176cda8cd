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
from rich.text import Text

from tools.errors import AgentError

from . import chat_cmd, config_cmd, draft_cmd, facts_cmd, fetch_cmd, policy_cmd, review_cmd

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


for _module in (config_cmd, fetch_cmd, facts_cmd, policy_cmd, draft_cmd, chat_cmd, review_cmd):
    _module.register(app, eval_app)


def _click_exceptions() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    """(UsageError classes, ClickException classes) that may reach the edge.

    Why looked up, not imported: typer >= 0.2x vendors click as ``typer._click`` while older
    typer re-exports the real ``click``; ``typer.BadParameter`` is a UsageError in both. Code that
    calls the real ``click`` directly (``click.edit`` in review_cmd) raises the real click's classes.
    """
    mro = typer.BadParameter.__mro__
    usage: list[type[Exception]] = [next(c for c in mro if c.__name__ == "UsageError")]
    click_exc: list[type[Exception]] = [next(c for c in mro if c.__name__ == "ClickException")]
    try:
        import click

        usage.append(click.exceptions.UsageError)
        click_exc.append(click.exceptions.ClickException)
    except ImportError:  # pragma: no cover - click is optional once typer vendors it
        pass
    return tuple(dict.fromkeys(usage)), tuple(dict.fromkeys(click_exc))


def _one_line(text: str) -> str:
    """Collapse a message to one line, printable whatever the terminal encoding."""
    flat = " ".join(part.strip() for part in str(text).splitlines() if part.strip())
    return flat.encode("utf-8", "replace").decode("utf-8")


def _say_error(message: str) -> None:
    # Text, not markup: a message may quote scraped text or user input holding "[/bold]".
    err_console.print(Text.assemble(("error:", "red"), " ", _one_line(message)), highlight=False, soft_wrap=True)


def _undecodable_argument(args: list[str]) -> int | None:
    """Index of the first argument that was not valid UTF-8 (Python keeps such bytes as surrogates)."""
    for i, arg in enumerate(args):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return i
    return None


def _usage_message(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if ctx is not None:
        message += f" (see `{ctx.command_path} --help`)"
    return message


def main() -> None:
    """Console-script entry: run the app, turning known errors into one line."""
    usage_error, click_exception = _click_exceptions()
    bad = _undecodable_argument(sys.argv[1:])
    if bad is not None:
        _say_error(f"argument {bad + 1} is not valid UTF-8; pass text and paths as UTF-8")
        raise SystemExit(2)
    try:
        code = app(standalone_mode=False)
    except AgentError as exc:
        _say_error(str(exc))
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        err_console.print("aborted")
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `agent`, `agent policy`: show the help asked for
            print(exc.format_message())  # type: ignore[attr-defined]
            raise SystemExit(0) from None
        _say_error(_usage_message(exc))
        raise SystemExit(2) from None
    except click_exception as exc:  # typer's vendored click and the real one (click.edit)
        _say_error(exc.format_message())  # type: ignore[attr-defined]
        raise SystemExit(getattr(exc, "exit_code", 1)) from None
    except Exception as exc:
        if type(exc).__name__ == "Exit" and isinstance(getattr(exc, "exit_code", None), int):  # the real click's
            raise SystemExit(exc.exit_code) from None  # type: ignore[attr-defined]
        raise
    # Non-standalone mode returns the code of a `typer.Exit(code)` / `ctx.exit(code)` instead of exiting.
    if isinstance(code, int) and not isinstance(code, bool) and code:
        raise SystemExit(code)
