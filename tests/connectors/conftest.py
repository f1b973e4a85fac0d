"""Connector test fixtures: the fixture folder and a fast-retrying HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

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


@pytest.fixture(scope="module")
def running() -> Iterator[HTTPServer]:
    """A threaded server on 127.0.0.1 per module, so a stalled handler holds up only its own request."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def server(running: HTTPServer) -> HTTPServer:
    """The module's server with no handlers or log left from the previous test."""
    running.clear()
    return running
