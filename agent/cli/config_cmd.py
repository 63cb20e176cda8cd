"""``agent config show``: every setting, its value (secrets masked) and where it came from."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from agent.config import SPECS, load_settings, shown_value


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    config_app = typer.Typer(help="Inspect settings.", no_args_is_help=True)
    app.add_typer(config_app, name="config")

    @config_app.command("show")
    def show() -> None:
        """List every setting with its value and origin (default, agent.toml, env)."""
        settings = load_settings()
        table = Table(title="trade-narrator settings")
        for col in ("name", "value", "from", "meaning"):
            table.add_column(col)
        for spec in SPECS:
            table.add_row(spec.name, shown_value(spec, settings[spec.name]) or "—", settings.origin[spec.name], spec.help)
        Console().print(table)
