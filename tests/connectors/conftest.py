"""Connector test fixtures: the fixture folder and a fast-retrying HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors import HttpClient
from tests.connectors.helpers import FIXTURES


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """tests/connectors/fixtures."""
    return FIXTURES


@pytest.fixture
def client() -> Iterator[HttpClient]:
    """An HttpClient whose retries wait milliseconds, not seconds."""
    with HttpClient(contact="opendata@city.example", backoff=0.01, max_wait=0.05, retries=2) as http:
        yield http
