"""The public surface: parsers keyed by kind and extension; kinds without a parser say so."""

from __future__ import annotations

import pytest

import connectors
from connectors import PARSERS, parse
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import ParseError


def test_exports() -> None:
    for name in (
        "Payload",
        "Extracted",
        "fetch",
        "parse",
        "RawArchive",
        "HttpClient",
        "PARSERS",
        "NothingYet",
    ):
        assert hasattr(connectors, name)


def test_parsers_by_kind_and_extension() -> None:
    assert {"csv", "excel", "html", "json_api", "inbox", "xlsx", "xls", "json"} <= set(PARSERS)


def test_kind_without_parser() -> None:
    with pytest.raises(ParseError, match="no parser for kind 'ckan' yet"):
        parse(make_source("ckan"), payload_of(b"{}", "package.json"))
