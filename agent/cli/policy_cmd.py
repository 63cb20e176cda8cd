"""CLI commands for the policy feature (owned by its issue; registered by agent.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add this feature's commands to the root app (and eval sub-app)."""
