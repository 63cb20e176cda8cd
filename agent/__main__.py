"""``python -m agent`` runs the CLI (tests use it to run the command as a user would)."""

from agent.cli import main

main()
