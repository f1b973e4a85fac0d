"""The project's exception hierarchy: every error names where it happened and what to do."""

from __future__ import annotations


class TsunaguError(Exception):
    """Base class of every error Tsunagu raises on purpose."""


class ConfigError(TsunaguError):
    """The departments config is wrong; the message carries the YAML path of the bad key."""


class SourceError(TsunaguError):
    """A source could not be fetched or read; the run goes on without it."""

    def __init__(self, source_id: str, message: str, *, location: str | None = None) -> None:
        self.source_id = source_id
        self.location = location
        where = f" ({location})" if location else ""
        super().__init__(f"source {source_id}{where}: {message}")


class FetchError(SourceError):
    """The payload could not be obtained: missing file, HTTP error, unreachable host."""


class ParseError(SourceError):
    """The payload was obtained but could not be read into rows (corrupt file, layout changed)."""


class PublishRefused(TsunaguError):
    """The publication guard refused to publish a release."""
