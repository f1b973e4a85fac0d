"""The public surface: parsers keyed by kind and extension; kinds without a parser say so."""

from __future__ import annotations

import inspect
from typing import get_args

import pytest

import connectors
from connectors import PARSERS, parse
from tests.connectors.helpers import make_source, payload_of
from tsunagu.config import SourceKind
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
        "Loader",
        "page_loader",
    ):
        assert hasattr(connectors, name)


def test_parsers_by_kind_and_extension() -> None:
    assert {"csv", "excel", "html", "json_api", "ckan", "inbox", "xlsx", "xls", "json", "zip"} <= set(PARSERS)


def test_every_kind_has_a_parser() -> None:
    assert set(get_args(SourceKind)) <= set(PARSERS)


def test_parsers_take_an_optional_loader() -> None:
    for kind, parser in PARSERS.items():
        loader = inspect.signature(parser).parameters.get("loader")
        assert loader is not None and loader.default is None, kind


def test_kind_without_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(PARSERS, "json_api")
    with pytest.raises(ParseError, match="no parser for kind 'json_api' yet"):
        parse(make_source("json_api"), payload_of(b"{}", "list.json"))
