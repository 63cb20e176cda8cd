"""Deterministic side of trade-narrator: sources, store, metrics, facts. No LLM code lives here."""
