"""Shared helpers for the sources tests: a no-wait HTTP policy and paths to recorded answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tools.sources.http import HttpPolicy, SourceHttp
from tools.sources.records import SourceName

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def quick_http(source: SourceName, sleeps: list[float] | None = None, attempts: int = 3) -> SourceHttp:
    """A client that records the waits it would make instead of sleeping."""
    record = sleeps if sleeps is not None else []
    policy = HttpPolicy(timeout=2.0, attempts=attempts, min_interval=0.0, sleep=record.append, clock=lambda: NOW)
    return SourceHttp(source, policy)
