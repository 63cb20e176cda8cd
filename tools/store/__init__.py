"""Snapshot store: raw answers + manifest + normalised tables (see store.py for why)."""

from tools.store.store import STALE_AFTER, SaveReport, Store

__all__ = ["STALE_AFTER", "SaveReport", "Store"]
