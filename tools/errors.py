"""Typed errors, turned into one-line messages (and exit codes) at the CLI edge.

Why a small hierarchy: the CLI must never show a traceback for bad input or a broken
upstream, yet code deep inside needs to say *which kind* of failure happened so the
edge can pick the exit code (2 = the user's input, 1 = everything else).
"""

from __future__ import annotations


class AgentError(Exception):
    """Base for every error a user may see; ``str(err)`` is the one-line message."""

    exit_code: int = 1


class InputError(AgentError):
    """The user's input is malformed (a bad week, an unknown country, a bad flag value)."""

    exit_code = 2


class ConfigError(AgentError):
    """A setting is missing or invalid."""

    exit_code = 2


class SourceError(AgentError):
    """An upstream source failed or answered with something we cannot use."""


class DataGapError(AgentError):
    """The store lacks the data a request needs; the message names what is missing."""


class VerificationError(AgentError):
    """Text failed the number/citation verifier."""


class StoreError(AgentError):
    """The local store is unreadable or inconsistent."""
