"""Where stages report progress: set by the CLI when a person watches a terminal, silent otherwise."""

from __future__ import annotations

from collections.abc import Callable

Reporter = Callable[[str, str, str], None]


def silent(stage: str, subject: str, message: str) -> None:
    """Report nowhere."""


_reporter: Reporter = silent


def set_reporter(reporter: Reporter | None) -> None:
    """Send progress of in-process runs to ``reporter`` (None silences it)."""
    global _reporter
    _reporter = reporter or silent


def report(stage: str, subject: str, message: str) -> None:
    """Report one step's progress."""
    _reporter(stage, subject, message)
