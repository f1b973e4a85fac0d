"""Helpers for connector tests: minimal source configs and payloads made from bytes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors import Payload
from tsunagu.config import SourceConfig

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_source(kind: str, location: str = "unused", **options: Any) -> SourceConfig:
    """A minimal valid source of a kind, with the given options (encoding, excel, html, json)."""
    return SourceConfig.model_validate(
        {
            "id": f"test-{kind.replace('_', '-')}",
            "kind": kind,
            "location": location,
            "cadence": "P1M",
            "resource_type": "テスト",
            "field": "高齢",
            **options,
        }
    )


def payload_of(content: bytes, filename: str = "data.csv", *, location: str = "", **fields: Any) -> Payload:
    """A Payload for bytes made in a test, as a fetch would have stamped it."""
    return Payload(
        source_id=fields.pop("source_id", "test-source"),
        location=location or filename,
        filename=filename,
        content=content,
        fetched_at=datetime.now(UTC),
        sha256=hashlib.sha256(content).hexdigest(),
        http_status=fields.pop("http_status", None),
        headers=fields.pop("headers", {}),
        modified_at=None,
    )
